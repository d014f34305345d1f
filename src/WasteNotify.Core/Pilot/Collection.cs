namespace WasteNotify.Core.Pilot;

/// <summary>How the truck ended one collection: served the building, passed it without serving it, never came, or the run was cancelled.</summary>
public enum CollectionEnd
{
    Served,
    Skipped,
    NotReached,
    Cancelled,
}

/// <summary>
/// One alert of a collection to one subscriber: when it was decided, when it reached the concierge (an SMS accepted by
/// the carrier or logged, or the web push at decision time; null when nothing reached them: suppressed in quiet
/// hours, failed, expired), the lead the subscriber asked for, and how many SMS it gave (more than one is a duplicate).
/// </summary>
public sealed record AlertFact(long? ConciergeId, string Kind, DateTimeOffset DecidedAt, DateTimeOffset? DeliveredAt, int LeadMinutes, int Messages = 1);

/// <summary>What the concierge reported: bins out and back in, each with its time and source (<c>page</c> or <c>sms</c>), or null.</summary>
public sealed record BinReport(DateTimeOffset? OutAt, string? OutSource, DateTimeOffset? InAt, string? InSource)
{
    public static readonly BinReport None = new(null, null, null, null);
}

/// <summary>
/// One collection: a run at one building, with what the truck did (<see cref="TruckAt"/>: its arrival when served, the
/// time it was decided to have passed when skipped), the alerts sent for it, the bins reported, the subscribers'
/// largest lead time (the first of them an alert would wake), and when the naive ETA would have decided the
/// approaching alert (null: never before the truck came).
/// </summary>
public sealed record Collection(
    long RunId,
    string RouteId,
    DateOnly ServiceDate,
    string BuildingId,
    string? Street,
    DateTimeOffset PlannedStart,
    CollectionEnd End,
    DateTimeOffset? TruckAt,
    IReadOnlyList<AlertFact> Alerts,
    BinReport Bins,
    int LeadMinutes,
    DateTimeOffset? NaiveAlertAt);
