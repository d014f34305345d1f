namespace WasteNotify.Core.Tracking;

public enum TrackingEventKind
{
    /// <summary>The truck left the depot.</summary>
    Started,

    /// <summary>The truck stopped at a stop (reported with the decision that it served it).</summary>
    Arrived,

    /// <summary>The truck stood at the stop long enough to collect.</summary>
    Served,

    /// <summary>The truck moved on from a served stop.</summary>
    Departed,

    /// <summary>The truck went past the stop and on without collecting.</summary>
    Skipped,

    /// <summary>Every stop served or skipped and the truck back at the depot.</summary>
    Finished,

    /// <summary>The truck has been away from its path for a while.</summary>
    OffRoute,

    /// <summary>The truck is back on its path after an off-route anomaly.</summary>
    BackOnRoute,

    /// <summary>The truck has been standing still for unusually long.</summary>
    LongStop,
}

/// <summary>
/// Something the tracker decided, by event time: <see cref="At"/> is when it happened according to the fixes (an
/// arrival's time is the first fix standing at the stop), not when it was decided.
/// </summary>
public readonly record struct TrackingEvent(TrackingEventKind Kind, DateTimeOffset At, int StopSequence = 0, string? Detail = null)
{
    public bool IsStopEvent => StopSequence > 0;
}
