namespace WasteNotify.Core.Notifications;

/// <summary>The alerts already decided for one run, building and subscriber, and the ETA announced with "approaching".</summary>
public readonly record struct SentAlerts(bool Approaching, bool Collected, bool Delayed, bool NotToday, DateTimeOffset? AnnouncedEta)
{
    public bool Has(string kind) => kind switch
    {
        AlertKinds.Approaching => Approaching,
        AlertKinds.Collected => Collected,
        AlertKinds.Delayed => Delayed,
        AlertKinds.NotToday => NotToday,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "not an alert kind"),
    };

    public SentAlerts With(string kind, DateTimeOffset? eta) => kind switch
    {
        AlertKinds.Approaching => this with { Approaching = true, AnnouncedEta = eta },
        AlertKinds.Collected => this with { Collected = true },
        AlertKinds.Delayed => this with { Delayed = true },
        AlertKinds.NotToday => this with { NotToday = true },
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "not an alert kind"),
    };
}
