namespace WasteNotify.Service.Tests.Notifications;

/// <summary>A clock the test sets by hand (for links signed at another time than the service's, a fleet clock moved on).</summary>
internal sealed class ManualClock(DateTimeOffset now) : TimeProvider
{
    private DateTimeOffset _now = now;

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => _now += by;
}
