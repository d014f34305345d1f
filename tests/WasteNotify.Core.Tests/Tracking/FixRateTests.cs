using WasteNotify.Core.Tracking;
using WasteNotify.FleetSimulator.Simulation;

namespace WasteNotify.Core.Tests.Tracking;

/// <summary>
/// Tracking at the rates real trackers report (every 15 to 120 s, irregular), against simulated days with their
/// GPS noise, dropouts with late fixes, duplicates and garbage: what the tracker decided for each stop, and when it
/// says the truck arrived, against the ground truth.
/// </summary>
public sealed class FixRateTests(ITestOutputHelper output)
{
    private const int Days = 20;

    [Theory]
    [InlineData(1, 99.0)]
    [InlineData(5, 99.0)]
    [InlineData(15, 99.0)]
    [InlineData(30, 99.0)]
    [InlineData(60, 97.0)]
    [InlineData(120, 88.0)]
    public void Served_and_skipped_agree_with_the_truth_and_arrivals_are_within_half_the_interval_plus_10_s(int interval, double minAgreement)
    {
        var figures = Measure(interval, jitter: interval >= 15 ? 0.2 : 0);
        output.WriteLine(figures.ToString());

        Assert.True(figures.Agreement >= minAgreement, $"{figures.Agreement:F2} % of stops decided as they were, under {minAgreement} %");
        Assert.True(figures.ArrivalP90 <= (interval / 2.0) + 10, $"arrival error p90 {figures.ArrivalP90:F0} s, over {(interval / 2.0) + 10} s");
        if (interval >= 30)
        {
            Assert.True(figures.Inferred > 0, "at sparse rates some stops are decided by inference, and say so");
        }
    }

    private static Figures Measure(int interval, double jitter)
    {
        int stops = 0, agree = 0, falseSkips = 0, missedSkips = 0, undecided = 0, changed = 0, inferred = 0;
        var errors = new List<double>();
        for (var seed = 1; seed <= Days; seed++)
        {
            var run = SimulatedRun.Create(seed, gps: new GpsOptions { IntervalSeconds = interval, IntervalJitter = jitter });
            var events = run.Track(run.Fixes);
            foreach (var truth in run.Truth.Stops)
            {
                stops++;
                var mine = events.Where(e => e.StopSequence == truth.Sequence).ToList();
                var decisions = mine.Where(e => e.Kind is TrackingEventKind.Served or TrackingEventKind.Skipped).ToList();
                inferred += mine.Count(e => e.Kind == TrackingEventKind.Served && e.Detail?.Contains("inferred", StringComparison.Ordinal) == true);
                if (decisions.Count == 0)
                {
                    undecided++;
                    continue;
                }

                changed += decisions.Count > 1 ? 1 : 0;
                var skipped = decisions[^1].Kind == TrackingEventKind.Skipped;
                if (skipped != (truth.Outcome == StopOutcome.Skipped))
                {
                    (falseSkips, missedSkips) = skipped ? (falseSkips + 1, missedSkips) : (falseSkips, missedSkips + 1);
                    continue;
                }

                agree++;
                if (!skipped)
                {
                    errors.Add(Math.Abs((mine.Last(e => e.Kind == TrackingEventKind.Arrived).At - truth.Arrival).TotalSeconds));
                }
            }
        }

        errors.Sort();
        return new Figures(interval, stops, 100.0 * agree / stops, falseSkips, missedSkips, undecided, changed, inferred,
            errors.Count == 0 ? double.NaN : errors[errors.Count / 2], errors.Count == 0 ? double.NaN : errors[(int)(errors.Count * 0.9)]);
    }

    private sealed record Figures(int Interval, int Stops, double Agreement, int FalseSkips, int MissedSkips, int Undecided, int Changed, int Inferred,
        double ArrivalP50, double ArrivalP90)
    {
        public override string ToString() =>
            $"every {Interval} s: {Agreement:F2} % of {Stops} stops agree (served taken for skipped {FalseSkips}, skipped taken for served {MissedSkips}, "
            + $"undecided {Undecided}, decision changed {Changed}, served by inference {Inferred}); arrival error p50 {ArrivalP50:F0} s, p90 {ArrivalP90:F0} s";
    }
}
