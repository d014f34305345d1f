namespace WasteNotify.Core.Pilot;

/// <summary>The four ways of putting bins out compared on the same collections.</summary>
public enum PilotPolicy
{
    /// <summary>The old habit: out the evening before, in some time after the truck.</summary>
    EveningBefore,

    /// <summary>Out at the route's planned start, in some time after the truck.</summary>
    FixedWindow,

    /// <summary>Out on an alert decided from the naive ETA (distance at the route's average pace), in on "collected".</summary>
    NaiveEta,

    /// <summary>Out on the alerts actually sent, or when the concierge said; in on "collected", or when they said.</summary>
    Ours,
}

/// <summary>How the approaching alert served the collection: with the lead asked for, too early, too late, or none reached the concierge.</summary>
public enum AlertQuality
{
    OnTime,
    Early,
    Late,
    None,
}

/// <summary>
/// One policy's bins at one collection: when out and back in (each estimated or reported), the time on the pavement
/// between, and whether the truck came before the bins were out (a missed collection; no bins out at all is missed too).
/// </summary>
public sealed record PolicyOutcome(PilotPolicy Policy, DateTimeOffset? BinsOut, bool OutEstimated, DateTimeOffset? BinsIn, bool InEstimated, bool Missed)
{
    public TimeSpan? Pavement => BinsOut is { } o && BinsIn is { } i && i > o ? i - o : BinsOut is not null && BinsIn is not null ? TimeSpan.Zero : null;
}

/// <summary>
/// A collection's figures: each policy's outcome (indexed by <see cref="PilotPolicy"/>), the lead the alert achieved
/// (the truck's arrival less the first approaching alert's delivery), its quality, and duplicate alerts (a second
/// alert of a kind to the same concierge, or a second SMS for one alert: the product promises none). A cancelled run,
/// or a truck that never came, counts for nothing but itself (<see cref="Counted"/> false).
/// </summary>
public sealed record CollectionKpis(Collection Collection, IReadOnlyList<PolicyOutcome> Policies, TimeSpan? LeadAchieved, AlertQuality Quality, int Duplicates)
{
    public bool Counted => Collection.End is CollectionEnd.Served or CollectionEnd.Skipped && Collection.TruckAt is not null;

    public PolicyOutcome this[PilotPolicy policy] => Policies[(int)policy];

    /// <summary>The figures of <paramref name="collection"/> under <paramref name="rules"/>, local times (the evening before) in <paramref name="zone"/>.</summary>
    public static CollectionKpis Of(Collection collection, PilotRules rules, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(collection);
        ArgumentNullException.ThrowIfNull(rules);
        ArgumentNullException.ThrowIfNull(zone);
        var truck = collection.End is CollectionEnd.Served or CollectionEnd.Skipped ? collection.TruckAt : null;
        var approaching = collection.Alerts.Where(a => a.Kind == "approaching" && a.DeliveredAt is not null).MinBy(a => a.DeliveredAt);
        var collected = collection.Alerts.Where(a => a.Kind == "collected" && a.DeliveredAt is not null).Min(a => a.DeliveredAt);

        // Without a report, the habit's bins come back in the usual time after the truck.
        var usualIn = truck + rules.UsualBackIn;
        var evening = Local(collection.ServiceDate.AddDays(-1), rules.EveningBeforeAt, zone);
        var policies = new PolicyOutcome[4];
        policies[(int)PilotPolicy.EveningBefore] = Outcome(PilotPolicy.EveningBefore, evening, true, usualIn, true, truck);
        policies[(int)PilotPolicy.FixedWindow] = Outcome(PilotPolicy.FixedWindow, collection.PlannedStart, true, usualIn, true, truck);
        policies[(int)PilotPolicy.NaiveEta] = Outcome(PilotPolicy.NaiveEta, collection.NaiveAlertAt + rules.ReactionTime, true,
            truck + rules.ReactionTime, true, truck);

        var bins = collection.Bins;
        var (ourOut, outEstimated) = bins.OutAt is { } reportedOut ? (reportedOut, false) : (approaching?.DeliveredAt + rules.ReactionTime, true);
        var (ourIn, inEstimated) = bins.InAt is { } reportedIn ? (reportedIn, false)
            : collected is { } c ? (c + rules.ReactionTime, true) : (usualIn, true);
        policies[(int)PilotPolicy.Ours] = Outcome(PilotPolicy.Ours, ourOut, outEstimated, ourIn, inEstimated, truck);

        TimeSpan? lead = collection.End == CollectionEnd.Served && truck is { } arrival && approaching?.DeliveredAt is { } delivered ? arrival - delivered : null;
        var quality = approaching is null || truck is null ? AlertQuality.None
            : lead is not { } achieved ? AlertQuality.OnTime // passed, not served: the lead is not the alert's to answer for
            : achieved < TimeSpan.FromMinutes(approaching.LeadMinutes) ? AlertQuality.Late
            : achieved > TimeSpan.FromMinutes(approaching.LeadMinutes) + rules.EarlyAfter ? AlertQuality.Early
            : AlertQuality.OnTime;
        var duplicates = collection.Alerts.GroupBy(a => (a.ConciergeId, a.Kind)).Sum(g => g.Count() - 1)
                         + collection.Alerts.Sum(a => Math.Max(0, a.Messages - 1));
        return new CollectionKpis(collection, policies, lead, quality, duplicates);
    }

    private static PolicyOutcome Outcome(PilotPolicy policy, DateTimeOffset? binsOut, bool outEstimated, DateTimeOffset? binsIn, bool inEstimated, DateTimeOffset? truck) =>
        new(policy, binsOut, outEstimated, binsIn, inEstimated, truck is { } t && (binsOut is not { } o || o > t));

    private static DateTimeOffset Local(DateOnly date, TimeOnly time, TimeZoneInfo zone)
    {
        var local = date.ToDateTime(time);
        return new DateTimeOffset(local, zone.GetUtcOffset(local));
    }
}
