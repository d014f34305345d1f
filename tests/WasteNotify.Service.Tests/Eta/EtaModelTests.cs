using WasteNotify.Core.Prediction;
using WasteNotify.Core.Prediction.Evaluation;
using WasteNotify.Core.Tracking;
using WasteNotify.FleetSimulator.Simulation;
using WasteNotify.Service.Eta;

namespace WasteNotify.Service.Tests.Eta;

/// <summary>The arrival model trained on simulated history and scored on simulated days it has never seen.</summary>
public sealed class EtaModelTests(ITestOutputHelper output)
{
    private static readonly TimeZoneInfo Paris = TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris");
    private static readonly EtaTrainingOptions Options = new() { Rounds = 150, HoldoutDays = 2 };
    private static readonly PhysicsOptions Physics = new();
    private static readonly Lazy<(List<RunSamples> History, List<EtaSample> Test)> Data = new(Simulate);

    /// <summary>Five trucks, 60 stops each: 16 days to learn from (the last 2 held out for calibration), then 2 new days.</summary>
    private static (List<RunSamples>, List<EtaSample>) Simulate()
    {
        var fleet = FleetPlan.Create(citySeed: 3, trucks: 5, buildingsPerTruck: 60, seed: 4);
        var tracker = new TrackerOptions { Facilities = [fleet.City.Network.Position(fleet.City.LandfillNode)] };
        var first = new DateOnly(2026, 10, 5);
        var runs = Enumerable.Range(0, 18)
            .SelectMany(d => fleet.SimulateRuns(first.AddDays(d), new TimeOnly(6, 0), Paris, new SimulationOptions(), new GpsOptions(), seed: 9)).ToList();

        var samples = EtaTrainer.Sample(runs, tracker, Physics, Paris, Options);
        var cut = first.AddDays(16);
        return ([.. samples.Where(s => s.Run.Date < cut)], [.. samples.Where(s => s.Run.Date >= cut).SelectMany(s => s.Samples)]);
    }

    [Fact]
    public void A_trained_model_beats_the_physics_baseline_on_days_it_has_not_seen_and_its_early_bound_holds()
    {
        var (history, test) = Data.Value;
        var model = EtaTrainer.Train(history, Options);

        var report = EvaluationReport.Score(EtaTrainer.Score(test, model, Physics));
        output.WriteLine(report.FormatTable());

        var mine = report.Get(Predictors.Model, null);
        var physics = report.Get(Predictors.Physics, null);
        Assert.True(mine.MeanAbsoluteError < physics.MeanAbsoluteError, $"model {mine.MeanAbsoluteError} vs physics {physics.MeanAbsoluteError}");
        var far = HorizonBucket.Minutes30To60;
        Assert.True(report.Get(Predictors.Model, far).MeanAbsoluteError < report.Get(Predictors.Physics, far).MeanAbsoluteError * 0.7);
        Assert.InRange(mine.EarlyViolationShare, 0, 0.15);
        Assert.True(Math.Abs(mine.MeanError.TotalMinutes) < Math.Abs(physics.MeanError.TotalMinutes), "the model is less biased than physics");
    }

    /// <summary>
    /// The early bound is held in each bucket of the alert horizon, not only overall: calibrated at the quantile alone
    /// (AlertEarlyShare 0.5 switches the holding off), the trucks that came sooner than predicted crowd the near
    /// buckets; held to 9 % on the held-out days, every bucket from 3 to 30 min stays within the 10 % goal on new ones
    /// (with a little room: the new days are not the held-out ones), at the cost of earlier bounds.
    /// </summary>
    [Fact]
    public void The_early_bound_holds_in_every_bucket_of_the_alert_horizon_not_only_overall()
    {
        var (history, test) = Data.Value;
        var loose = EvaluationReport.Score(EtaTrainer.Score(test, EtaTrainer.Train(history, Options with { AlertEarlyShare = 0.5 }), Physics));
        var held = EvaluationReport.Score(EtaTrainer.Score(test, EtaTrainer.Train(history, Options), Physics));
        HorizonBucket[] alert = [HorizonBucket.Minutes3To6, HorizonBucket.Minutes6To10, HorizonBucket.Minutes10To15, HorizonBucket.Minutes15To30];
        foreach (var bucket in alert)
        {
            output.WriteLine($"{bucket.Name}: early {loose.Get(Predictors.Model, bucket).EarlyViolationShare:P1} at the quantile, {held.Get(Predictors.Model, bucket).EarlyViolationShare:P1} held");
        }

        Assert.Contains(alert, b => loose.Get(Predictors.Model, b).EarlyViolationShare > 0.10); // what there is to fix, or the test proves nothing
        Assert.All(alert, b => Assert.InRange(held.Get(Predictors.Model, b).EarlyViolationShare, 0, 0.12));
        Assert.All(alert, b => Assert.True(held.Get(Predictors.Model, b).EarlyViolationShare <= loose.Get(Predictors.Model, b).EarlyViolationShare));
        // Only the bounds move: the ETAs served are the same.
        Assert.Equal(loose.Get(Predictors.Model, null).MeanAbsoluteError, held.Get(Predictors.Model, null).MeanAbsoluteError);
    }

    [Fact]
    public void A_model_saved_with_its_bounds_and_loaded_again_predicts_exactly_the_same()
    {
        var (history, test) = Data.Value;
        var model = EtaTrainer.Train(history, Options);
        var loaded = EtaModel.Load(model.Save(), model.BandsJson());

        var rows = EtaModel.Rows(test);
        var a = new EtaSeconds[test.Count];
        var b = new EtaSeconds[test.Count];
        model.Predict(rows, test.Count, a);
        loaded.Predict(rows, test.Count, b);

        Assert.Equal(a, b);
        Assert.Equal(model.Bands, loaded.Bands);
        Assert.Contains(a, e => e.Early < e.Eta && e.Eta < e.Late); // calibrated bands have width
    }

    [Fact]
    public void Training_without_enough_days_says_so()
    {
        var (history, _) = Data.Value;
        var oneDay = history.Where(s => s.Run.Date == history[0].Run.Date).ToList();

        var error = Assert.Throws<ArgumentException>(() => EtaTrainer.Train(oneDay, Options));
        Assert.Contains("more than 2 days", error.Message);
    }

    [Fact]
    public void A_model_trained_on_other_features_is_refused_on_loading_not_when_it_first_predicts()
    {
        var random = new Random(1);
        var x = Enumerable.Range(0, 100 * 3).Select(_ => (float)random.NextDouble()).ToArray();
        var trees = TreeEnsemble.Train(x, [.. Enumerable.Range(0, 100).Select(i => x[i * 3])], 3, new EtaTrainingOptions { Rounds = 10 }, EtaLearner.FastTree);

        var error = Assert.Throws<ArgumentException>(() => EtaModel.Load(trees.Zip, "[]"));
        Assert.Contains($"trained on 3 features and this version computes {EtaFeatures.Count}", error.Message);
    }
}
