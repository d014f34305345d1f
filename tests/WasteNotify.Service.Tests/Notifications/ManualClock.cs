namespace WasteNotify.Service.Tests.Notifications;

/// <summary>A clock the test sets by hand (for links signed at another time than the service's).</summary>
internal sealed class ManualClock(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}
