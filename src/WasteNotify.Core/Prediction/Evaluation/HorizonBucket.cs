namespace WasteNotify.Core.Prediction.Evaluation;

/// <summary>
/// A range of horizons (<see cref="From"/> inclusive to <see cref="To"/> exclusive) and the band in which an
/// arrival counts as accurate: no more than <see cref="EarlyTolerance"/> before the ETA and no more than
/// <see cref="LateTolerance"/> after it, both edges inclusive.
/// </summary>
/// <remarks>
/// Up to 15 minutes these are the buckets and bands of TransitApp's ETA Accuracy Benchmark
/// (https://github.com/TransitApp/ETA-Accuracy-Benchmark, after IBI Group's methodology): 0–3 min, 30 s early to
/// 1.5 min late (split here into 0–1 and 1–3 min with that band each: the next stop's countdown lives in the first
/// minute); 3–6 min, 1 to 2.5 min; 6–10 min, 1 to 3.5 min; 10–15 min, 1.5 to 4.5 min; same edge rules.
/// The benchmark stops at 15 minutes. For 15–30 and 30–60 we keep its last bucket's proportions, early 15 % and late
/// 45 % of the bucket's start (1.5 and 4.5 of 10 min, the 1:3 asymmetry): 2.25 to 6.75 min and 4.5 to 13.5 min.
/// </remarks>
public sealed class HorizonBucket
{
    private HorizonBucket(int fromMinutes, int toMinutes, TimeSpan earlyTolerance, TimeSpan lateTolerance)
    {
        From = TimeSpan.FromMinutes(fromMinutes);
        To = TimeSpan.FromMinutes(toMinutes);
        EarlyTolerance = earlyTolerance;
        LateTolerance = lateTolerance;
        Name = $"{fromMinutes}-{toMinutes} min";
    }

    public static HorizonBucket Minutes0To1 { get; } = new(0, 1, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(90));

    public static HorizonBucket Minutes1To3 { get; } = new(1, 3, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(90));

    public static HorizonBucket Minutes3To6 { get; } = new(3, 6, TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(150));

    public static HorizonBucket Minutes6To10 { get; } = new(6, 10, TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(210));

    public static HorizonBucket Minutes10To15 { get; } = new(10, 15, TimeSpan.FromSeconds(90), TimeSpan.FromSeconds(270));

    public static HorizonBucket Minutes15To30 { get; } = new(15, 30, TimeSpan.FromSeconds(135), TimeSpan.FromSeconds(405));

    public static HorizonBucket Minutes30To60 { get; } = new(30, 60, TimeSpan.FromSeconds(270), TimeSpan.FromSeconds(810));

    /// <summary>The buckets in order of horizon; together they cover 0 (inclusive) to 60 minutes (exclusive).</summary>
    public static IReadOnlyList<HorizonBucket> All { get; } =
        [Minutes0To1, Minutes1To3, Minutes3To6, Minutes6To10, Minutes10To15, Minutes15To30, Minutes30To60];

    /// <summary>"0-3 min", "30-60 min".</summary>
    public string Name { get; }

    public TimeSpan From { get; }

    public TimeSpan To { get; }

    public TimeSpan EarlyTolerance { get; }

    public TimeSpan LateTolerance { get; }

    /// <summary>The bucket holding a horizon, or null for a negative horizon or one of 60 minutes or more.</summary>
    public static HorizonBucket? For(TimeSpan horizon)
    {
        foreach (var bucket in All)
        {
            if (horizon >= bucket.From && horizon < bucket.To)
            {
                return bucket;
            }
        }

        return null;
    }

    /// <summary>Whether an error (actual − ETA) lies in this bucket's band, edges included.</summary>
    public bool InBand(TimeSpan error) => error >= -EarlyTolerance && error <= LateTolerance;

    public override string ToString() => Name;
}
