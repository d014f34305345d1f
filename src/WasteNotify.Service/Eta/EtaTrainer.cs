using WasteNotify.Core.City;
using WasteNotify.Core.Prediction;
using static WasteNotify.Core.Prediction.Predictors;
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

            var history = RouteHistory.Build(run.Route.BuildingIds, before, physics.DwellSeconds);
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
        return Train([.. samples.Select(s => (s.Run.Date, s.Samples))], options);
    }

    /// <summary>Trains on the runs (each its date and samples) before the last <see cref="EtaTrainingOptions.HoldoutDays"/> dates and calibrates on those.</summary>
    /// <exception cref="ArgumentException">There are no more days than the held-out ones, or no samples on either side.</exception>
    public static EtaModel Train(IReadOnlyList<(DateOnly Date, List<EtaSample> Samples)> runs, EtaTrainingOptions options)
    {
        ArgumentNullException.ThrowIfNull(runs);
        ArgumentNullException.ThrowIfNull(options);
        var dates = runs.Select(s => s.Date).Distinct().Order().ToList();
        if (dates.Count <= options.HoldoutDays)
        {
            throw new ArgumentException($"training needs more than {options.HoldoutDays} days of runs (the held-out days); got {dates.Count}");
        }

        var cut = dates[^options.HoldoutDays];
        var train = runs.Where(s => s.Date < cut).SelectMany(s => s.Samples).ToList();
        var holdout = runs.Where(s => s.Date >= cut).SelectMany(s => s.Samples).ToList();
        return EtaModel.Train(train, holdout, options);
    }

    /// <summary>
    /// Trains on a recorded trace's runs: by days as <see cref="Train(IReadOnlyList{ValueTuple{DateOnly, List{EtaSample}}}, EtaTrainingOptions)"/>
    /// when there are more days than the held-out ones, else (a trace of a day or two) by time, the latest quarter of
    /// the runs by first fix held out to choose and calibrate on. Returns the model, what was held out, and its samples.
    /// </summary>
    /// <exception cref="ArgumentException">Too few runs or samples to train and hold out.</exception>
    public static (EtaModel Model, string HeldOut, List<EtaSample> HeldOutSamples) TrainOnTrace(IReadOnlyList<TracedRun> runs, TimeZoneInfo zone, EtaTrainingOptions options)
    {
        ArgumentNullException.ThrowIfNull(runs);
        ArgumentNullException.ThrowIfNull(options);
        var dated = runs.Select(r => (Date: zone.DateAt(r.FirstFix), r.Samples)).ToList();
        var days = dated.Select(r => r.Date).Distinct().Order().ToList();
        if (days.Count > options.HoldoutDays)
        {
            var from = days[^options.HoldoutDays];
            return (Train(dated, options), $"the last {options.HoldoutDays} days, from {from:yyyy-MM-dd}",
                [.. dated.Where(r => r.Date >= from).SelectMany(r => r.Samples)]);
        }

        if (runs.Count < 4)
        {
            throw new ArgumentException($"training needs more than {options.HoldoutDays} days of runs, or at least 4 runs to hold the latest quarter out; got {runs.Count} runs of {days.Count} days");
        }

        var ordered = runs.OrderBy(r => r.FirstFix).ToList();
        var cut = ordered.Count - Math.Max(1, ordered.Count / 4);
        var heldOut = ordered[cut..].SelectMany(r => r.Samples).ToList();
        var model = EtaModel.Train([.. ordered[..cut].SelectMany(r => r.Samples)], heldOut, options);
        return (model, $"the latest {ordered.Count - cut} of {ordered.Count} runs, started from {ordered[cut].FirstFix:yyyy-MM-dd HH:mm zzz} (too few days to hold days out)", heldOut);
    }

    /// <summary>
    /// Every sample scored for the model (when given: what it serves, and its trees alone), the physics and naive
    /// baselines and the historical average, in that order of predictors.
    /// </summary>
    public static List<ScoredPrediction> Score(IReadOnlyList<EtaSample> samples, EtaModel? model, PhysicsOptions physics) =>
        [.. Predict(samples, model, physics).SelectMany((etas, i) => etas.Select(e => Scored(e.Predictor, samples[i], e.Eta)))];

    /// <summary>Each sample's predictions by predictor (as <see cref="Score"/> orders them; the historical average only where there is history).</summary>
    public static List<(string Predictor, EtaSeconds Eta)[]> Predict(IReadOnlyList<EtaSample> samples, EtaModel? model, PhysicsOptions physics)
    {
        ArgumentNullException.ThrowIfNull(samples);
        var predicted = model?.PredictSeconds(EtaModel.Rows(samples), samples.Count);
        var result = new List<(string, EtaSeconds)[]>(samples.Count);
        var etas = new List<(string, EtaSeconds)>(5);
        for (var i = 0; i < samples.Count; i++)
        {
            var s = samples[i];
            etas.Clear();
            if (predicted is not null)
            {
                etas.Add((Model, model!.Serve(predicted[i], s.Features)));
                etas.Add((Trees, model.Trees(predicted[i], s.Features)));
            }

            etas.Add((Physics, Fixed(s.PhysicsSeconds, physics)));
            etas.Add((Naive, Fixed(s.NaiveSeconds, physics)));
            if (!float.IsNaN(s.HistoricalSeconds))
            {
                etas.Add((Historical, Fixed(s.HistoricalSeconds, physics)));
            }

            result.Add([.. etas]);
        }

        return result;
    }

    public static ScoredPrediction Scored(string predictor, EtaSample s, EtaSeconds eta) =>
        new(predictor, s.MadeAt, s.MadeAt.AddSeconds(eta.Eta), s.MadeAt.AddSeconds(eta.Early), s.MadeAt.AddSeconds(eta.Late), s.Actual);
}
