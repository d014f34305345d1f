namespace WasteNotify.Core.Notifications;

/// <summary>What an alert tells a concierge.</summary>
public static class AlertKinds
{
    /// <summary>The truck will reach the building soon: put the bins out.</summary>
    public const string Approaching = "approaching";

    /// <summary>The building's bins have been emptied: bring them back in.</summary>
    public const string Collected = "collected";

    /// <summary>The truck is late and has a new expected time.</summary>
    public const string Delayed = "delayed";

    /// <summary>The building will not be collected today.</summary>
    public const string NotToday = "not_today";

    public static IReadOnlyList<string> All { get; } = [Approaching, Collected, Delayed, NotToday];
}
