using WasteNotify.Core.Prediction;
using WasteNotify.Core.Prediction.Evaluation;
using WasteNotify.Core.Tracking;
using WasteNotify.Testing;

namespace WasteNotify.Core.Tests.Prediction.Evaluation;

/// <summary>Runs on <see cref="StraightTrace"/>: one stop 1,200 m north, reached 243 s after the first fix; 2 min there; on to 1,800 m.</summary>
public sealed class TraceSamplerTests
{
    private static readonly DateTimeOffset Day1 = new(2025, 3, 4, 7, 0, 0, TimeSpan.FromHours(1));
    private static readonly DateTimeOffset Day2 = Day1.AddDays(1);
    private static readonly (double, TimeSpan)[] Drive = [(1_200, TimeSpan.FromMinutes(2))];

    private static TraceSamples Sample(IReadOnlyList<RecordedRun> runs, IReadOnlyList<RunFixes> fixes) =>
        TraceSampler.Sample(runs, fixes, new TrackerOptions(), new PhysicsOptions(), TimeZoneInfo.Utc, TimeSpan.FromMinutes(1), TimeSpan.FromHours(1));

    private static RecordedRun Run(string runId, DateTimeOffset start, double arrivalSeconds, string building = "b1") =>
        StraightTrace.Stops(runId, start, [(building, 1_200, TimeSpan.FromSeconds(arrivalSeconds))]);

    [Fact]
    public void Samples_are_labelled_with_the_recorded_arrival_not_the_trackers()
    {
        Assert.Equal(TimeSpan.FromSeconds(243), StraightTrace.Arrivals(Drive).Single());

        // The file says 273 s: the trace's own arrival (its driver logs a bin lift, say), 30 s after the tracker's.
        var result = Sample([Run("r1", Day1, 273)], [StraightTrace.Fixes("r1", Day1, Drive, 1_800)]);

        Assert.Equal([15, 75, 135, 195], result.Samples.Select(s => (s.MadeAt - Day1).TotalSeconds));
        Assert.All(result.Samples, s => Assert.Equal(Day1.AddSeconds(273), s.Actual));
        // Physics: 1,200 m less the 5 m/s since leaving at 3 s, over 5 m/s: the truck's own 243 s.
        Assert.Equal([228f, 168f, 108f, 48f], result.Samples.Select(s => MathF.Round(s.PhysicsSeconds, 3)));
        Assert.All(result.Samples, s => Assert.True(float.IsNaN(s.HistoricalSeconds), "no earlier run to average"));
        Assert.Equal((1, 0), (result.Runs, result.StopsWithoutArrival));
    }

    [Fact]
    public void A_later_run_of_the_same_buildings_has_the_earlier_runs_arrival_as_its_history_and_another_route_has_none()
    {
        var other = Day2.AddHours(2);
        RecordedRun[] runs = [Run("r2", Day2, 303), Run("r1", Day1, 273), Run("other", other, 273, building: "b9")];
        RunFixes[] fixes = [StraightTrace.Fixes("r1", Day1, Drive, 1_800), StraightTrace.Fixes("r2", Day2, Drive, 1_800), StraightTrace.Fixes("other", other, Drive, 1_800)];

        var result = Sample(runs, fixes);

        // r1 started (by the tracker) at 15 s and arrived at 273 s: 258 s after its start, so r2, also started at 15 s,
        // is expected at 273 s, and came at 303.
        var second = result.Samples.Where(s => s.MadeAt > Day2 && s.MadeAt < Day2.AddHours(1)).ToList();
        Assert.Equal([258f, 198f, 138f, 78f], second.Select(s => MathF.Round(s.HistoricalSeconds, 3)));
        Assert.All(second, s => Assert.Equal(Day2.AddSeconds(303), s.Actual));
        Assert.All(result.Samples.Where(s => s.MadeAt < Day2 || s.MadeAt > Day2.AddHours(1)), s => Assert.True(float.IsNaN(s.HistoricalSeconds)));
        Assert.Equal(12, result.Samples.Count);
    }

    [Fact]
    public void Runs_missing_from_either_file_and_skipped_stops_are_reported_not_scored()
    {
        var skipped = StraightTrace.Stops("r1", Day1, [("b1", 600, null), ("b2", 1_200, TimeSpan.FromSeconds(273))]);
        RecordedRun[] runs = [skipped, Run("no fixes", Day2, 273)];
        RunFixes[] fixes = [StraightTrace.Fixes("r1", Day1, Drive, 1_800), StraightTrace.Fixes("no stops", Day2, Drive, 1_800)];

        var result = Sample(runs, fixes);

        Assert.Equal(["no fixes"], result.RunsWithoutFixes);
        Assert.Equal(["no stops"], result.FixesWithoutStops);
        Assert.Equal((1, 1), (result.Runs, result.StopsWithoutArrival));
        Assert.All(result.Samples, s => Assert.Equal(1, s.Stop));
    }

    [Fact]
    public void A_runs_route_runs_straight_from_its_earliest_fix_through_its_stops_to_its_latest()
    {
        var run = StraightTrace.Stops("r1", Day1, [("b1", 600, TimeSpan.Zero), ("b2", 1_200, TimeSpan.Zero)]);
        var fixes = StraightTrace.Fixes("r1", Day1, Drive, 1_800).Fixes.Reverse().ToList();

        var route = TraceSampler.Route(run, fixes);

        Assert.Equal(["b1", "b2"], route.BuildingIds);
        Assert.Equal(1_800, route.Path.Length, 1e-6);
        Assert.Equal([600, 1_200], route.StopOffsets.Select(o => Math.Round(o, 6)));
        Assert.Equal(StraightTrace.Depot, route.Path.Start);
    }
}
