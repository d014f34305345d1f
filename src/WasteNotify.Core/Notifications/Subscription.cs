namespace WasteNotify.Core.Notifications;

/// <summary>A concierge's subscription to a building: how long ahead to warn, which alerts, on which channels, and when not to.</summary>
public sealed record Subscription(
    long Id,
    long ConciergeId,
    string BuildingId,
    string Language,
    TimeSpan Lead,
    IReadOnlySet<string> Alerts,
    bool Sms,
    bool Web,
    QuietHours? Quiet,
    bool CollectedInQuiet)
{
    public bool Wants(string kind) => Alerts.Contains(kind);
}
