using WasteNotify.Core.Prediction.Evaluation;

namespace WasteNotify.Core.Tests.Prediction.Evaluation;

/// <summary>Builds scored predictions from how far ahead they were made and how wrong they were.</summary>
internal static class Predictions
{
    /// <summary>When every built truck really arrives.</summary>
    public static readonly DateTimeOffset Arrival = new(2025, 3, 4, 9, 30, 0, TimeSpan.FromHours(1));

    public static TimeSpan Min(double minutes) => TimeSpan.FromMinutes(minutes);

    public static TimeSpan Sec(double seconds) => TimeSpan.FromSeconds(seconds);

    /// <summary>
    /// A prediction made <paramref name="horizon"/> before the arrival, whose ETA is off by <paramref name="error"/>
    /// (actual − ETA), with its own bounds <paramref name="early"/> before and <paramref name="late"/> after the ETA (2 min each by default).
    /// </summary>
    public static ScoredPrediction Make(string predictor, TimeSpan horizon, TimeSpan error, TimeSpan? early = null, TimeSpan? late = null)
    {
        var eta = Arrival - error;
        return new(predictor, Arrival - horizon, eta, eta - (early ?? Min(2)), eta + (late ?? Min(2)), Arrival);
    }
}
