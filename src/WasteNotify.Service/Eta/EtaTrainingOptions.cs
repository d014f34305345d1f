using System.ComponentModel.DataAnnotations;
using System.Globalization;

namespace WasteNotify.Service.Eta;

/// <summary>How the arrival model is trained and when a new one replaces the current one.</summary>
public sealed record EtaTrainingOptions
{
    /// <summary>The gradient-boosting library that learns the model.</summary>
    public EtaLearner Learner { get; init; } = EtaLearner.XGBoost;

    [Range(10, 5_000)]
    public int Rounds { get; init; } = 300;

    [Range(2, 12)]
    public int MaxDepth { get; init; } = 6;

    [Range(0.01, 1)]
    public double LearningRate { get; init; } = 0.08;

    /// <summary>
    /// The quantile of residuals that sets the early bound. The notifier alerts on it, so it is set a little below
    /// the 10% goal: calibration on a few days is itself noisy.
    /// </summary>
    [Range(0.01, 0.5)]
    public double EarlyQuantile { get; init; } = 0.07;

    [Range(0.5, 0.99)]
    public double LateQuantile { get; init; } = 0.9;

    /// <summary>The most recent days held out to calibrate the bounds and to judge the new model against the current one.</summary>
    [Range(1, 28)]
    public int HoldoutDays { get; init; } = 3;

    /// <summary>Prediction moments: every this often along each recorded run.</summary>
    public TimeSpan SampleEvery { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Predictions further ahead than this are neither learned nor scored.</summary>
    public TimeSpan MaxAhead { get; init; } = TimeSpan.FromMinutes(90);

    public IEnumerable<KeyValuePair<string, string>> Parameters() =>
    [
        new("objective", "reg:squarederror"),
        new("max_depth", MaxDepth.ToString(CultureInfo.InvariantCulture)),
        new("eta", LearningRate.ToString(CultureInfo.InvariantCulture)),
        new("subsample", "0.8"),
        new("colsample_bytree", "0.9"),
        new("min_child_weight", "5"),
        new("seed", "1"),
        new("nthread", "0"),
    ];
}
