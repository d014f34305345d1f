namespace WasteNotify.Service.Tracking;

/// <summary>
/// The fleet's clock, one for the service: the latest event time any truck reported, moved on by the wall-clock time
/// since; the wall clock until a first fix. Live, it is the wall clock; in a replay at K times real time it runs with the
/// fixes, so a truck falls silent, fails to start, or a run ends "not today" by the clock its fixes and planned starts
/// are on. Tracking advances it (one loop); anyone reads it.
/// </summary>
public sealed class FleetClock(TimeProvider time)
{
    private volatile Reading? _latest;

    public DateTimeOffset Now => _latest is { } r ? r.EventTime + (time.GetUtcNow() - r.SeenAt) : time.GetUtcNow();

    /// <summary>A fix's event time: the clock moves to it when it is later than any before (late fixes do not move it back).</summary>
    public void Observe(DateTimeOffset eventTime)
    {
        if (_latest is not { } r || eventTime > r.EventTime)
        {
            _latest = new Reading(eventTime, time.GetUtcNow());
        }
    }

    private sealed record Reading(DateTimeOffset EventTime, DateTimeOffset SeenAt);
}
