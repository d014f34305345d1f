using System.ComponentModel.DataAnnotations;

namespace WasteNotify.Service.Eta;

/// <summary>How the arrival model is trained and when a new one replaces the current one.</summary>
public sealed record EtaTrainingOptions
{
    /// <summary>The ML.NET trainer that learns the model.</summary>
    public EtaLearner Learner { get; init; } = EtaLearner.FastTree;

    /// <summary>Boosting rounds: trees in the ensemble.</summary>
    [Range(10, 5_000)]
    public int Rounds { get; init; } = 300;

    /// <summary>Leaves per tree (32: what depth-6 trees mostly used).</summary>
    [Range(2, 1_024)]
    public int Leaves { get; init; } = 32;

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

    /// <summary>
    /// The most held-out predictions whose truck came before the early bound in any bucket of the alert horizon (3
    /// to 30 min ahead); the early quantile is lowered from <see cref="EarlyQuantile"/> until none is over. A little
    /// below the 10 % goal, for the held-out days are not the next ones.
    /// </summary>
    [Range(0.01, 0.5)]
    public double AlertEarlyShare { get; init; } = 0.09;

    /// <summary>The most recent days held out to calibrate the bounds and to judge the new model against the current one.</summary>
    [Range(1, 28)]
    public int HoldoutDays { get; init; } = 3;

    /// <summary>Prediction moments: every this often along each recorded run.</summary>
    public TimeSpan SampleEvery { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Predictions further ahead than this are neither learned nor scored.</summary>
    public TimeSpan MaxAhead { get; init; } = TimeSpan.FromMinutes(90);
}
