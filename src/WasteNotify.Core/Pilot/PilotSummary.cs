namespace WasteNotify.Core.Pilot;

/// <summary>One policy over many collections: the time on the pavement (median, 90th percentile) and the missed collections.</summary>
public sealed record PolicySummary(PilotPolicy Policy, int Collections, TimeSpan? MedianPavement, TimeSpan? P90Pavement, int Missed)
{
    public double MissedShare => Collections == 0 ? 0 : (double)Missed / Collections;
}

/// <summary>
/// Collections summed up (a day, a route, a building or the whole pilot): the four policies side by side, and how the
/// alerts actually sent did. Cancelled runs and trucks that never came are counted apart and in no other figure.
/// </summary>
public sealed record PilotSummary(
    int Collections,
    int Cancelled,
    int NotReached,
    int Skipped,
    IReadOnlyList<PolicySummary> Policies,
    int OnTime,
    int Early,
    int Late,
    int NoAlert,
    int Duplicates,
    TimeSpan? MedianLead,
    int OutReported,
    int InReported)
{
    public PolicySummary this[PilotPolicy policy] => Policies[(int)policy];

    public static PilotSummary Of(IEnumerable<CollectionKpis> collections)
    {
        ArgumentNullException.ThrowIfNull(collections);
        var all = collections.ToList();
        var counted = all.Where(c => c.Counted).ToList();
        var policies = Enum.GetValues<PilotPolicy>().Select(p =>
        {
            var pavements = counted.Select(c => c[p].Pavement).OfType<TimeSpan>().Order().ToList();
            return new PolicySummary(p, counted.Count, Quantile(pavements, 0.5), Quantile(pavements, 0.9), counted.Count(c => c[p].Missed));
        }).ToList();
        return new PilotSummary(
            counted.Count,
            all.Count(c => c.Collection.End == CollectionEnd.Cancelled),
            all.Count(c => !c.Counted && c.Collection.End != CollectionEnd.Cancelled),
            counted.Count(c => c.Collection.End == CollectionEnd.Skipped),
            policies,
            counted.Count(c => c.Quality == AlertQuality.OnTime),
            counted.Count(c => c.Quality == AlertQuality.Early),
            counted.Count(c => c.Quality == AlertQuality.Late),
            counted.Count(c => c.Quality == AlertQuality.None),
            all.Sum(c => c.Duplicates),
            Quantile([.. counted.Select(c => c.LeadAchieved).OfType<TimeSpan>().Order()], 0.5),
            counted.Count(c => c.Collection.Bins.OutAt is not null),
            counted.Count(c => c.Collection.Bins.InAt is not null));
    }

    /// <summary>The q-quantile of sorted values, interpolated between the nearest ranks; null when there are none.</summary>
    public static TimeSpan? Quantile(IReadOnlyList<TimeSpan> sorted, double q)
    {
        ArgumentNullException.ThrowIfNull(sorted);
        if (sorted.Count == 0)
        {
            return null;
        }

        var rank = q * (sorted.Count - 1);
        var (low, high) = ((int)Math.Floor(rank), (int)Math.Ceiling(rank));
        return sorted[low] + ((sorted[high] - sorted[low]) * (rank - low));
    }
}
