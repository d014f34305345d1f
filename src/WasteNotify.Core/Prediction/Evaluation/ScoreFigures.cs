namespace WasteNotify.Core.Prediction.Evaluation;

/// <summary>
/// How one predictor did over a set of predictions. Errors are actual − ETA; <see cref="P90AbsoluteError"/> is the
/// nearest-rank 90th percentile (an observed value); shares are fractions from 0 to 1.
/// </summary>
/// <param name="MeanError">The bias: positive when trucks come later than predicted on average.</param>
/// <param name="InBandShare">Arrivals inside their bucket's <see cref="HorizonBucket"/> band.</param>
/// <param name="EarlyViolationShare">Arrivals before the predictor's own early bound, the miss that costs a resident the truck.</param>
/// <param name="LateViolationShare">Arrivals after the predictor's own late bound.</param>
public sealed record ScoreFigures(
    int Count,
    TimeSpan MeanAbsoluteError,
    TimeSpan P90AbsoluteError,
    TimeSpan MeanError,
    double InBandShare,
    double EarlyViolationShare,
    double LateViolationShare)
{
    internal static ScoreFigures Of(IReadOnlyList<(ScoredPrediction Prediction, HorizonBucket Bucket)> rows)
    {
        var n = rows.Count;
        var absolute = rows.Select(r => r.Prediction.Error.Duration()).Order().ToArray();
        return new(
            n,
            Mean(absolute),
            absolute[(((9 * n) + 9) / 10) - 1], // rank ⌈0.9·n⌉, in integers so no rounding can move it
            Mean(rows.Select(r => r.Prediction.Error)),
            Share(rows, r => r.Bucket.InBand(r.Prediction.Error)),
            Share(rows, r => r.Prediction.Actual < r.Prediction.Early),
            Share(rows, r => r.Prediction.Actual > r.Prediction.Late));
    }

    private static TimeSpan Mean(IEnumerable<TimeSpan> values)
    {
        var (sum, n) = values.Aggregate((Sum: 0m, N: 0), (a, v) => (a.Sum + v.Ticks, a.N + 1));
        return TimeSpan.FromTicks((long)Math.Round(sum / n, MidpointRounding.AwayFromZero));
    }

    private static double Share<T>(IReadOnlyList<T> rows, Func<T, bool> predicate) =>
        (double)rows.Count(predicate) / rows.Count;
}
