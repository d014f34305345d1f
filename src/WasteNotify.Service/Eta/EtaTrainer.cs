using WasteNotify.Core.Prediction;
using WasteNotify.Core.Prediction.Evaluation;
using WasteNotify.Core.Tracking;

namespace WasteNotify.Service.Eta;

/// <summary>The samples of one run, with the route history they were built against.</summary>
public sealed record RunSamples(RecordedRunFixes Run, List<EtaSample> Samples);

/// <summary>
/// Builds training rows from recorded runs and trains, calibrates and scores the arrival model. Each run's features
/// use only the history of its route from before that run (the model never sees the future it predicts).
/// </summary>
public static class EtaTrainer
{
    public const string Model = "model";
    public const string Physics = "physics";
    public const string Historical = "historical";

    public static List<RunSamples> Sample(IReadOnlyList<RecordedRunFixes> runs, TrackerOptions tracker, PhysicsOptions physics, TimeZoneInfo zone, EtaTrainingOptions options)
    {
        ArgumentNullException.ThrowIfNull(runs);
        var past = new Dictionary<string, List<PastRun>>();
        var result = new List<RunSamples>();
        foreach (var run in runs.OrderBy(r => r.PlannedStart))
        {
            if (!past.TryGetValue(run.Route.Id, out var before))
            {
                past[run.Route.Id] = before = [];
            }

            var history = RouteHistory.Build(run.Route.StopCount, before, physics.DwellSeconds);
            var features = new EtaFeatures(history, physics, zone);
            var recorded = run.Recorded ?? EtaSampler.Replay(run.Route, tracker, run.Fixes, run.PlannedStart);
            result.Add(new RunSamples(run, EtaSampler.Sample(run.Route, tracker, features, run.Fixes, recorded, run.PlannedStart, options.SampleEvery, options.MaxAhead)));
            before.Add(recorded);
        }

        return result;
    }

    /// <summary>Trains on every run before the last <see cref="EtaTrainingOptions.HoldoutDays"/> dates and calibrates on those.</summary>
    public static EtaModel Train(IReadOnlyList<RunSamples> samples, EtaTrainingOptions options)
    {
        ArgumentNullException.ThrowIfNull(samples);
        var dates = samples.Select(s => s.Run.Date).Distinct().Order().ToList();
        if (dates.Count <= options.HoldoutDays)
        {
            throw new ArgumentException($"training needs more than {options.HoldoutDays} days of runs (the held-out days); got {dates.Count}");
        }

        var cut = dates[^options.HoldoutDays];
        var train = samples.Where(s => s.Run.Date < cut).SelectMany(s => s.Samples).ToList();
        var holdout = samples.Where(s => s.Run.Date >= cut).SelectMany(s => s.Samples).ToList();
        return EtaModel.Train(train, holdout, options);
    }

    /// <summary>Every sample scored for the model (when given), the physics baseline and the historical average.</summary>
    public static List<ScoredPrediction> Score(IReadOnlyList<EtaSample> samples, EtaModel? model, PhysicsOptions physics)
    {
        ArgumentNullException.ThrowIfNull(samples);
        var scored = new List<ScoredPrediction>(samples.Count * 3);
        var predicted = model?.PredictSeconds(EtaModel.Rows(samples), samples.Count);
        for (var i = 0; i < samples.Count; i++)
        {
            var s = samples[i];
            if (predicted is not null)
            {
                scored.Add(Scored(Model, s, model!.Bound(predicted[i])));
            }

            scored.Add(Scored(Physics, s, Fixed(s.PhysicsSeconds, physics)));
            if (!float.IsNaN(s.HistoricalSeconds))
            {
                scored.Add(Scored(Historical, s, Fixed(s.HistoricalSeconds, physics)));
            }
        }

        return scored;
    }

    /// <summary>Bounds as fixed fractions of the time to go, for the predictors that have nothing to calibrate them on.</summary>
    public static EtaSeconds Fixed(float seconds, PhysicsOptions physics) =>
        new(seconds, (float)(seconds * physics.EarlyFraction), (float)(seconds * physics.LateFraction));

    private static ScoredPrediction Scored(string predictor, EtaSample s, EtaSeconds eta) =>
        new(predictor, s.MadeAt, s.MadeAt.AddSeconds(eta.Eta), s.MadeAt.AddSeconds(eta.Early), s.MadeAt.AddSeconds(eta.Late), s.Actual);
}
