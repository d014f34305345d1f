using System.Text.Json;
using WasteNotify.Core.Prediction;
using WasteNotify.Core.Prediction.Evaluation;

namespace WasteNotify.Service.Eta;

/// <summary>An ETA in seconds from now, with its early and late bounds.</summary>
public readonly record struct EtaSeconds(float Eta, float Early, float Late);

/// <summary>
/// The residuals (actual minus predicted seconds) of predictions up to a horizon, at the early and late quantiles,
/// measured on days the model did not learn from, over the predictions whose truck came within the scored horizons.
/// ML.NET's tree trainers have no public quantile objective, so bounds are calibrated.
/// </summary>
public sealed record ResidualBand(float UpToSeconds, float Low, float High);

/// <summary>
/// The gradient-boosted arrival model (an ML.NET tree ensemble, <see cref="TreeEnsemble"/>): predicts the seconds
/// until the truck reaches each upcoming stop from <see cref="EtaFeatures"/> rows, with bounds from residuals
/// calibrated per predicted horizon. Immutable.
/// </summary>
public sealed class EtaModel
{
    private static readonly float[] Horizons = [180, 360, 600, 900, 1_800, 3_600, float.MaxValue]; // MaxValue: JSON has no infinity

    private static readonly int PhysicsFeature = EtaFeatures.Names.ToList().IndexOf("physics_s");

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
        var unbounded = new EtaModel(TreeEnsemble.Train(Rows(train), labels, EtaFeatures.Count, options, options.Learner), []);

        var predicted = unbounded.PredictSeconds(Rows(scored), scored.Count);
        var residuals = scored.Select((s, i) => (Predicted: predicted[i], Residual: s.LabelSeconds - predicted[i])).ToList();
        var bands = new List<ResidualBand>();
        float from = 0;
        foreach (var to in Horizons)
        {
            var inBand = residuals.Where(r => r.Predicted >= from && r.Predicted < to).Select(r => r.Residual).Order().ToList();
            if (inBand.Count < 20)
            {
                inBand = [.. residuals.Select(r => r.Residual).Order()]; // too few to say: the overall spread
            }

            bands.Add(new ResidualBand(to, Quantile(inBand, options.EarlyQuantile), Quantile(inBand, options.LateQuantile)));
            from = to;
        }

        return new EtaModel(unbounded._trees, bands);
    }

    /// <exception cref="ArgumentException">The bytes are no ML.NET model (a model of an earlier version, XGBoost's, among them), it was trained on other features than this version computes (retrain it), or has no bands.</exception>
    public static EtaModel Load(byte[] model, string bandsJson)
    {
        ArgumentNullException.ThrowIfNull(model);
        var bands = JsonSerializer.Deserialize<ResidualBand[]>(bandsJson) ?? throw new ArgumentException("no residual bands", nameof(bandsJson));
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

    public void Predict(ReadOnlySpan<float> rows, int count, Span<EtaSeconds> output)
    {
        var seconds = PredictSeconds(rows, count);
        for (var i = 0; i < count; i++)
        {
            output[i] = Bound(seconds[i]);
        }
    }

    public EtaSeconds Bound(float seconds)
    {
        var band = Bands.FirstOrDefault(b => seconds < b.UpToSeconds) ?? Bands[^1];
        return new EtaSeconds(seconds, Math.Clamp(seconds + band.Low, 0, seconds), Math.Max(seconds, seconds + band.High));
    }

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
