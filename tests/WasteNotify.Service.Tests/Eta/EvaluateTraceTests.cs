using System.Globalization;
using WasteNotify.Core.Prediction;
using WasteNotify.Core.Prediction.Evaluation;
using WasteNotify.Core.Tracking;
using WasteNotify.FleetSimulator.Simulation;
using WasteNotify.Service.Eta;
using WasteNotify.Testing;

namespace WasteNotify.Service.Tests.Eta;

/// <summary><c>wastenotify evaluate --stops --fixes</c>: recorded traces written as files, replayed and scored.</summary>
public sealed class EvaluateTraceTests : IDisposable
{
    private static readonly TimeZoneInfo Paris = TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris");
    private static readonly FleetPlan Fleet = FleetPlan.Create(citySeed: 3, trucks: 2, buildingsPerTruck: 30, seed: 4);
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("wn-evaluate");

    public void Dispose() => _dir.Delete(recursive: true);

    private string Write(string name, Action<TextWriter> write)
    {
        var path = Path.Combine(_dir.FullName, name);
        using var writer = File.CreateText(path);
        write(writer);
        return path;
    }

    /// <summary>
    /// Two runs of one stop on <see cref="StraightTrace"/>: the tracker starts both at 15 s, samples at 15, 75, 135 and
    /// 195 s, and physics expects the truck at 243 s. The files say 273 s on day 1 and 303 s on day 2: physics is 30 s
    /// then 60 s early; the historical average, from day 1 (258 s after its start), 30 s early on day 2. Horizons
    /// 258, 198, 138, 78 s and 288, 228, 168, 108 s: two of each run in 1-3 min, two in 3-6.
    /// </summary>
    [Fact]
    public async Task A_hand_made_trace_scores_physics_and_history_against_the_files_arrivals()
    {
        var day1 = new DateTimeOffset(2026, 3, 2, 7, 0, 0, TimeSpan.FromHours(1));
        var day2 = day1.AddDays(1);
        (double, TimeSpan)[] drive = [(1_200, TimeSpan.FromMinutes(2))];
        var stops = Write("stops.csv", w => RecordedStopsCsv.Write(w, [
            StraightTrace.Stops("day 1", day1, [("b1", 1_200, TimeSpan.FromSeconds(273))]),
            StraightTrace.Stops("day 2", day2, [("b1", 1_200, TimeSpan.FromSeconds(303))]),
        ]));
        var fixes = Write("fixes.csv", w => RecordedFixesCsv.Write(w, [
            StraightTrace.Fixes("day 2", day2, drive, 1_800), StraightTrace.Fixes("day 1", day1, drive, 1_800),
        ]));

        var result = await Evaluation.RunAsync(_dir.FullName, null, "--stops", stops, "--fixes", fixes);

        Assert.Equal((0, ""), (result.Exit, result.Error));
        Assert.Equal([Predictors.Physics, Predictors.Naive, Predictors.Historical], result.Predictors);
        Assert.Equal(8, result.Mae(Predictors.Naive, "all").Count);
        Assert.Equal((4, "45"), result.Mae(Predictors.Physics, "1-3 min"));
        Assert.Equal((4, "45"), result.Mae(Predictors.Physics, "3-6 min"));
        Assert.Equal((2, "30"), result.Mae(Predictors.Historical, "1-3 min"));
        Assert.Equal((2, "30"), result.Mae(Predictors.Historical, "3-6 min"));
        Assert.Equal((8, "45"), result.Mae(Predictors.Physics, "all"));
        Assert.Contains("8 predictions (a stop to come, each minute) from 2 runs", result.Output, StringComparison.Ordinal);
        Assert.Contains("no model", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_simulated_fleets_trace_scores_physics_and_history_and_the_model_only_when_given_one()
    {
        var days = Enumerable.Range(0, 2).Select(d => new DateOnly(2026, 10, 5).AddDays(d)).ToList();
        var traced = days.SelectMany(day => Fleet.SimulateDay(day, new TimeOnly(6, 0), Paris, new SimulationOptions(), new GpsOptions(), seed: 9)
            .Select(t => (RunId: $"{t.Trace.TruckId} {day:yyyy-MM-dd}", t.Trace, t.Fixes))).ToList();
        var stops = Write("stops.csv", w => RecordedStopsCsv.Write(w, traced.Select(t => Recorded(t.RunId, t.Trace))));
        // Ingest refuses 0,0 fixes before tracking; so does the fixes file. The other garbage (jumps of kilometres) stays.
        var fixes = Write("fixes.csv", w => RecordedFixesCsv.Write(w,
            traced.Select(t => new RunFixes(t.RunId, [.. t.Fixes.Where(f => f.Position != default).Select(f => f.Tracked)]))));

        var baselines = await Evaluation.RunAsync(_dir.FullName, null, "--stops", stops, "--fixes", fixes);

        Assert.Equal((0, ""), (baselines.Exit, baselines.Error));
        Assert.Equal([Predictors.Physics, Predictors.Naive, Predictors.Historical], baselines.Predictors);
        var (count, mae) = baselines.Mae(Predictors.Physics, "all");
        Assert.InRange(count, 2_000, 100_000);
        Assert.InRange(double.Parse(mae, CultureInfo.InvariantCulture), 1, 3_600); // finite, and a straight-line path is no oracle

        var (model, bands) = TrainSmallModel();
        var modelFile = Path.Combine(_dir.FullName, "model.zip");
        await File.WriteAllBytesAsync(modelFile, model);
        var withModel = await Evaluation.RunAsync(_dir.FullName, null, "--stops", stops, "--fixes", fixes,
            "--model", modelFile, "--bands", Write("bands.json", w => w.Write(bands)));

        Assert.Equal((0, ""), (withModel.Exit, withModel.Error));
        Assert.Equal([Predictors.Model, Predictors.Trees, Predictors.Physics, Predictors.Naive, Predictors.Historical], withModel.Predictors);
        Assert.Equal(count, withModel.Mae(Predictors.Model, "all").Count);
        Assert.Equal(baselines.Figures[(Predictors.Physics, "all")], withModel.Figures[(Predictors.Physics, "all")]);
    }

    /// <summary>The truck's day as its stop file records it: where it stood, when it came and left; a skip has neither.</summary>
    private static RecordedRun Recorded(string runId, TruckDayTrace trace) =>
        new(runId, [.. trace.Stops.Select(s => (Stop: s, At: Fleet.City.Network.Position(s.Node), Skipped: s.Outcome == StopOutcome.Skipped))
            .Select(s => new RecordedStop(s.Stop.Sequence, s.Stop.BuildingId, s.At.Latitude, s.At.Longitude,
                s.Skipped ? null : s.Stop.Arrival, s.Skipped ? null : s.Stop.Departure, s.Skipped))]);

    /// <summary>A quick model on other days of the same fleet: enough to predict, not to be good.</summary>
    private static (byte[] Model, string Bands) TrainSmallModel()
    {
        var options = new EtaTrainingOptions { Rounds = 10, HoldoutDays = 1 };
        var tracker = new TrackerOptions { Facilities = [Fleet.City.Network.Position(Fleet.City.LandfillNode)] };
        var runs = Enumerable.Range(0, 3).SelectMany(d =>
            Fleet.SimulateRuns(new DateOnly(2026, 9, 7).AddDays(d), new TimeOnly(6, 0), Paris, new SimulationOptions(), new GpsOptions(), seed: 5)).ToList();
        var model = EtaTrainer.Train(EtaTrainer.Sample(runs, tracker, new PhysicsOptions(), Paris, options), options);
        return (model.Save(), model.BandsJson());
    }
}
