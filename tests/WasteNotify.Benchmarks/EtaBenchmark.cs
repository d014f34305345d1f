using System.Diagnostics;
using WasteNotify.Core.Prediction;
using WasteNotify.Core.Prediction.Evaluation;
using WasteNotify.Core.Simulation;
using WasteNotify.Core.Tracking;
using WasteNotify.Service.Eta;

namespace WasteNotify.Benchmarks;

/// <summary>
/// Simulates 28 days of history for a 10-truck city, trains the arrival model on it, then scores the model against
/// the physics and historical-average baselines on 3 new days, by horizon. Goals: at 6-10 min ahead, the model's
/// mean absolute error at most half the physics baseline's, and the truck earlier than the early bound in at most
/// 10% of the model's predictions.
/// </summary>
internal static class EtaBenchmark
{
    public static int Run(string[] args)
    {
        var trucks = CommandLine.Option(args, "--trucks", 10);
        var stops = CommandLine.Option(args, "--stops", 120);
        var historyDays = CommandLine.Option(args, "--days", 28);
        var zone = TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris");
        var clock = Stopwatch.StartNew();
        var fleet = FleetPlan.Create(citySeed: 1, trucks, stops, seed: 11);
        var tracker = new TrackerOptions { Facilities = [fleet.City.Network.Position(fleet.City.LandfillNode)] };
        var first = new DateOnly(2026, 9, 7); // a Monday
        var runs = Enumerable.Range(0, historyDays + 3)
            .SelectMany(d => fleet.SimulateRuns(first.AddDays(d), new TimeOnly(6, 0), zone, new SimulationOptions(), new GpsOptions(), seed: 5)).ToList();

        Console.WriteLine($"simulated {runs.Count} truck-days ({trucks} trucks x {stops} stops, {historyDays} days of history + 3 new) in {clock.Elapsed.TotalSeconds:F1} s");
        clock.Restart();
        var physics = new PhysicsOptions();
        var options = new EtaTrainingOptions();
        var samples = EtaTrainer.Sample(runs, tracker, physics, zone, options);
        var testFrom = first.AddDays(historyDays);
        var history = samples.Where(s => s.Run.Date < testFrom).ToList();
        var test = samples.Where(s => s.Run.Date >= testFrom).SelectMany(s => s.Samples).ToList();
        Console.WriteLine($"built {history.Sum(s => s.Samples.Count):N0} training and {test.Count:N0} test rows in {clock.Elapsed.TotalSeconds:F1} s");
        // Every learner on the same rows, side by side: "model" is the serving learner's, the others are named after theirs.
        var learners = CommandLine.Text(args, "--learners", "fasttree,lightgbm").Split(',')
            .Select(l => Enum.Parse<EtaLearner>(l, ignoreCase: true)).ToList();
        var scored = new List<ScoredPrediction>();
        EtaModel? model = null;
        foreach (var learner in learners)
        {
            clock.Restart();
            var trained = EtaTrainer.Train(history, options with { Learner = learner });
            var seconds = clock.Elapsed.TotalSeconds;
            clock.Restart();
            var predictions = EtaTrainer.Score(test, trained, physics);
            Console.WriteLine($"{learner}: trained {options.Rounds} rounds and calibrated on the last {options.HoldoutDays} history days in {seconds:F1} s; scored {test.Count:N0} rows in {clock.Elapsed.TotalSeconds:F2} s");
            if (model is null)
            {
                (model, scored) = (trained, predictions);
            }
            else
            {
                scored.AddRange(predictions.Where(p => p.Predictor == EtaTrainer.Model).Select(p => p with { Predictor = learner.ToString().ToLowerInvariant() }));
            }
        }

        var report = EvaluationReport.Score(scored);
        Console.WriteLine();
        Console.WriteLine(report.FormatTable());
        var bucket = HorizonBucket.Minutes6To10;
        var ratio = report.Get(EtaTrainer.Model, bucket).MeanAbsoluteError / report.Get(EtaTrainer.Physics, bucket).MeanAbsoluteError;
        var early = report.Get(EtaTrainer.Model, null).EarlyViolationShare;
        Console.WriteLine($"6-10 min ahead: model MAE / physics MAE = {ratio:F2} (goal <= 0.50); truck before the model's early bound: {early:P1} (goal <= 10%)");
        return 0;
    }
}
