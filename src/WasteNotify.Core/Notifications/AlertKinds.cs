namespace WasteNotify.Core.Notifications;

// Placeholder until the phones branch lands (it brings the real one).
public static class AlertKinds
{
    public const string Approaching = "approaching";
    public const string Collected = "collected";
    public const string Delayed = "delayed";
    public const string NotToday = "not_today";
    public static readonly IReadOnlyList<string> All = [Approaching, Collected, Delayed, NotToday];
}
