using System.Text.Json;
using WasteNotify.Core.Prediction;
using WasteNotify.Core.Prediction.Evaluation;
using WasteNotify.Service.Tracking;

namespace WasteNotify.Service.Eta;

/// <summary>
/// For the predictions the model puts below <paramref name="UpToSeconds"/> (and at or above the previous band's), which
/// predictor is served (<paramref name="Predictor"/>: the model, or a baseline that did better there on days the model
/// did not learn from) and its residuals (actual minus predicted seconds) at the early and late quantiles on those
/// days, over the predictions whose truck came within the scored horizons; <paramref name="TreesLow"/> and
/// <paramref name="TreesHigh"/> are the model's own, for scoring it alone. ML.NET's tree trainers have no public
/// quantile objective, so bounds are calibrated.
/// </summary>
/// <param name="NextSpot">Whether the band is of the next spot's predictions (no spot between the truck and the stop), which
/// behave unlike the farther ones (the truck may be on its way or waiting there), or of the others.</param>
public sealed record ResidualBand(float UpToSeconds, float Low, float High, string Predictor, float TreesLow, float TreesHigh, bool NextSpot);

/// <summary>
/// The gradient-boosted arrival model (an ML.NET tree ensemble, <see cref="TreeEnsemble"/>): predicts the seconds
/// until the truck reaches each upcoming stop from <see cref="EtaFeatures"/> rows. What it serves is chosen per band of
/// its predicted horizon: its own answer, or the physics, naive or historical baseline's (all three are in the row)
/// where one of them was more accurate on the held-out days, so that it is never worse than the best baseline there;
/// bounds come from that choice's residuals calibrated per band. Immutable.
/// </summary>
public sealed class EtaModel : IArrivalModel
{
    private static readonly float[] Horizons = [60, 180, 360, 600, 900, 1_800, 3_600, float.MaxValue]; // MaxValue: JSON has no infinity

    private static readonly int PhysicsFeature = Feature("physics_s");
    private static readonly int HistoricalFeature = Feature("historical_s");
    private static readonly int NaiveFeature = Feature("naive_s");
    private static readonly int SpotsBetweenFeature = Feature("stops_between");

    /// <summary>What a band may serve, in order of preference on a tie.</summary>
    private static readonly string[] Choices = [Predictors.Model, Predictors.Physics, Predictors.Naive, Predictors.Historical];

    /// <summary>How much lower a baseline's held-out error must be than the model's for a band to serve it.</summary>
    private const double ChoiceMargin = 0.05;

    /// <summary>The buckets of the alert horizon, where the early share is held to <see cref="EtaTrainingOptions.AlertEarlyShare"/>.</summary>
    private static readonly TimeSpan AlertHorizonFrom = TimeSpan.FromMinutes(3);
    private static readonly TimeSpan AlertHorizonTo = TimeSpan.FromMinutes(30);

    /// <summary>The early quantile is not lowered below this: the bound would be so early it says nothing.</summary>
    private const double MinEarlyQuantile = 0.005;

    private readonly TreeEnsemble _trees;

    private EtaModel(TreeEnsemble trees, IReadOnlyList<ResidualBand> bands) => (_trees, Bands) = (trees, bands);

    public IReadOnlyList<ResidualBand> Bands { get; }

    public static EtaModel Train(IReadOnlyList<EtaSample> train, IReadOnlyList<EtaSample> calibration, EtaTrainingOptions options)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(calibration);
        ArgumentNullException.ThrowIfNull(options);
        // Calibrated on the predictions whose truck came within the horizons the evaluation scores (and alerts look
        // at): the rows that arrived later, learnt from but scored nowhere, are almost never early, and counting them
        // in a band let the scored ones break its early bound half as often again as the quantile says.
        var scored = calibration.Where(s => HorizonBucket.For(TimeSpan.FromSeconds(s.LabelSeconds)) is not null).ToList();
        if (train.Count == 0 || scored.Count == 0)
        {
            throw new ArgumentException($"training needs samples to learn from and to calibrate on (got {train.Count} and {scored.Count} within {HorizonBucket.All[^1].To.TotalMinutes} min)");
        }

        // Learnt as the log of the ratio to the physics baseline's answer: squared error on seconds would let the
        // 90-minute rows (errors of many minutes) drown the 3-minute ones that matter most, and a correction to a
        // sound baseline extrapolates better to days unlike the training ones than a time learnt from scratch.
        float[] labels = [.. train.Select(s => MathF.Log(1 + Math.Max(0, s.LabelSeconds)) - MathF.Log(1 + s.Features[PhysicsFeature]))];
        var trees = TreeEnsemble.Train(Rows(train), labels, EtaFeatures.Count, options, options.Learner);
        var unbounded = new EtaModel(trees, []);

        var predicted = unbounded.PredictSeconds(Rows(scored), scored.Count);
        var chosen = new List<(bool Next, float UpTo, string Choice, List<int> Rows)>();
        foreach (var next in (bool[])[true, false])
        {
            var group = Enumerable.Range(0, scored.Count).Where(i => IsNextSpot(scored[i].Features) == next).ToList();
            group = group.Count >= 20 ? group : [.. Enumerable.Range(0, scored.Count)];
            float from = 0;
            foreach (var to in Horizons)
            {
                var inBand = group.Where(i => predicted[i] >= from && predicted[i] < to).ToList();
                var tooFew = inBand.Count < 20;
                inBand = tooFew ? group : inBand; // too few to say: the model, with the group's overall spread

                var mae = Choices.ToDictionary(c => c, c => inBand.Average(i => Math.Abs(scored[i].LabelSeconds - Seconds(c, predicted[i], scored[i].Features))));
                var best = Choices.MinBy(c => mae[c])!;
                // A baseline replaces the model only when clearly better: a few held-out days are a noisy judge.
                chosen.Add((next, to, tooFew || mae[best] > mae[Predictors.Model] * (1 - ChoiceMargin) ? Predictors.Model : best, inBand));
                from = to;
            }
        }

        List<ResidualBand> Calibrate(double early)
        {
            List<ResidualBand> bands = [];
            foreach (var (next, to, choice, inBand) in chosen)
            {
                List<float> Residuals(string predictor) =>
                    [.. inBand.Select(i => scored[i].LabelSeconds - Seconds(predictor, predicted[i], scored[i].Features)).Order()];
                var (served, own) = (Residuals(choice), Residuals(Predictors.Model));
                bands.Add(new ResidualBand(to, Quantile(served, early), Quantile(served, options.LateQuantile), choice,
                    Quantile(own, early), Quantile(own, options.LateQuantile), next));
            }

            return bands;
        }

        // The early bound is what the alert goes by, and an arrival before it is a missed collection. Calibrated per band
        // of the predicted horizon, the early share comes out at the quantile overall but not by how far the truck
        // really was: the trucks that came sooner than predicted crowd the near buckets. So the quantile is lowered
        // until, on the held-out rows, every bucket of the alert horizon (3 to 30 min) is within the goal.
        var quantile = options.EarlyQuantile;
        var result = Calibrate(quantile);
        while (quantile > MinEarlyQuantile && WorstAlertEarlyShare(new EtaModel(trees, result), scored, predicted) > options.AlertEarlyShare)
        {
            quantile = Math.Max(MinEarlyQuantile, quantile * 0.75);
            result = Calibrate(quantile);
        }

        var bands = result;
        return new EtaModel(trees, bands);
    }

    /// <summary>The largest share of held-out rows whose truck came before the served early bound, over the buckets of the alert horizon.</summary>
    private static double WorstAlertEarlyShare(EtaModel model, List<EtaSample> scored, float[] predicted)
    {
        var early = new int[HorizonBucket.All.Count];
        var count = new int[HorizonBucket.All.Count];
        for (var i = 0; i < scored.Count; i++)
        {
            var bucket = HorizonBucket.For(TimeSpan.FromSeconds(scored[i].LabelSeconds));
            if (bucket is null || bucket.From < AlertHorizonFrom || bucket.To > AlertHorizonTo)
            {
                continue;
            }

            var b = HorizonBucket.All.ToList().IndexOf(bucket);
            count[b]++;
            early[b] += scored[i].LabelSeconds < model.Serve(predicted[i], scored[i].Features).Early ? 1 : 0;
        }

        return Enumerable.Range(0, count.Length).Where(b => count[b] >= 20).Select(b => early[b] / (double)count[b]).DefaultIfEmpty(0).Max();
    }

    /// <exception cref="ArgumentException">The bytes are no ML.NET model (a model of an earlier version, XGBoost's, among them), it was trained on other features than this version computes (retrain it), or has no bands.</exception>
    public static EtaModel Load(byte[] model, string bandsJson)
    {
        ArgumentNullException.ThrowIfNull(model);
        var bands = JsonSerializer.Deserialize<ResidualBand[]>(bandsJson) ?? throw new ArgumentException("no residual bands", nameof(bandsJson));
        if (bands.FirstOrDefault(b => !Choices.Contains(b.Predictor)) is { } unknown)
        {
            throw new ArgumentException($"a band up to {unknown.UpToSeconds} s serves '{unknown.Predictor}', none of {string.Join(", ", Choices)} (bands of an earlier version: train a new model)", nameof(bandsJson));
        }

        var trees = TreeEnsemble.Load(model);
        return trees.FeatureCount == EtaFeatures.Count
            ? new EtaModel(trees, bands)
            : throw new ArgumentException($"the model was trained on {trees.FeatureCount} features and this version computes {EtaFeatures.Count}: train a new one (wastenotify train)", nameof(model));
    }

    /// <summary>The model as ML.NET saved it (a zip), for <see cref="Load"/>.</summary>
    public byte[] Save() => _trees.Zip;

    public string BandsJson() => JsonSerializer.Serialize(Bands);

    /// <summary>Seconds to go for each row (the median, as learnt on the log scale), never negative.</summary>
    public float[] PredictSeconds(ReadOnlySpan<float> rows, int count)
    {
        if (count == 0)
        {
            return [];
        }

        var raw = new float[count];
        for (var i = 0; i < count; i++)
        {
            raw[i] = _trees.Predict(rows.Slice(i * EtaFeatures.Count, EtaFeatures.Count));
        }

        for (var i = 0; i < raw.Length; i++)
        {
            raw[i] = Math.Max(0, (MathF.Exp(raw[i]) * (1 + rows[(i * EtaFeatures.Count) + PhysicsFeature])) - 1);
        }

        return raw;
    }

    /// <summary>What is served for each row: the choice of the band the model's answer falls in, with its bounds.</summary>
    public void Predict(ReadOnlySpan<float> rows, int count, Span<EtaSeconds> output)
    {
        var seconds = PredictSeconds(rows, count);
        for (var i = 0; i < count; i++)
        {
            output[i] = Serve(seconds[i], rows.Slice(i * EtaFeatures.Count, EtaFeatures.Count));
        }
    }

    /// <summary>What is served for a row whose model answer is <paramref name="modelSeconds"/>.</summary>
    public EtaSeconds Serve(float modelSeconds, ReadOnlySpan<float> row)
    {
        var band = Band(modelSeconds, row);
        var seconds = Seconds(band.Predictor, modelSeconds, row);
        return Bounded(seconds, band.Low, band.High);
    }

    /// <summary>The model's own answer with its own bounds (what <see cref="Serve"/> gives where no baseline was better).</summary>
    public EtaSeconds Trees(float modelSeconds, ReadOnlySpan<float> row)
    {
        var band = Band(modelSeconds, row);
        return Bounded(modelSeconds, band.TreesLow, band.TreesHigh);
    }

    /// <summary>"next spot: model at 0-1 min, ...; farther: naive at 0-1 min, ...": what each band of the model's horizon serves.</summary>
    public string DescribeChoices()
    {
        var groups = new List<string>();
        foreach (var next in (bool[])[true, false])
        {
            var parts = new List<string>();
            float from = 0;
            foreach (var band in Bands.Where(b => b.NextSpot == next))
            {
                var to = band.UpToSeconds == float.MaxValue ? "+" : $"-{band.UpToSeconds / 60:0.#}";
                parts.Add($"{band.Predictor} at {from / 60:0.#}{to} min");
                from = band.UpToSeconds;
            }

            groups.Add($"{(next ? "next spot" : "farther")}: {string.Join(", ", parts)}");
        }

        return string.Join("; ", groups);
    }

    private ResidualBand Band(float seconds, ReadOnlySpan<float> row)
    {
        var next = IsNextSpot(row);
        ResidualBand? last = null;
        foreach (var band in Bands)
        {
            if (band.NextSpot == next)
            {
                if (seconds < band.UpToSeconds)
                {
                    return band;
                }

                last = band;
            }
        }

        return last ?? Bands[^1];
    }

    private static bool IsNextSpot(ReadOnlySpan<float> row) => row[SpotsBetweenFeature] == 0;

    private static EtaSeconds Bounded(float seconds, float low, float high) =>
        new(seconds, Math.Clamp(seconds + low, 0, seconds), Math.Max(seconds, seconds + high));

    /// <summary>A predictor's seconds for a row: a baseline's from its feature (the historical average falls back to the model where there is no history).</summary>
    private static float Seconds(string predictor, float modelSeconds, ReadOnlySpan<float> row) => predictor switch
    {
        Predictors.Physics => row[PhysicsFeature],
        Predictors.Naive => row[NaiveFeature],
        Predictors.Historical when !float.IsNaN(row[HistoricalFeature]) => row[HistoricalFeature],
        _ => modelSeconds,
    };

    private static int Feature(string name) => EtaFeatures.Names.ToList().IndexOf(name);

    public static float[] Rows(IReadOnlyList<EtaSample> samples)
    {
        var rows = new float[samples.Count * EtaFeatures.Count];
        for (var i = 0; i < samples.Count; i++)
        {
            samples[i].Features.CopyTo(rows, i * EtaFeatures.Count);
        }

        return rows;
    }

    /// <summary>Nearest-rank quantile of sorted values.</summary>
    private static float Quantile(List<float> sorted, double q) => sorted[Math.Clamp((int)Math.Ceiling(q * sorted.Count) - 1, 0, sorted.Count - 1)];
}
