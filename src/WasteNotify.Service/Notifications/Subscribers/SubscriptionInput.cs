namespace WasteNotify.Service.Notifications;

/// <summary>A subscription as sent to the API; omitted fields take the defaults of <see cref="SubscriptionSettings"/>.</summary>
public sealed record SubscriptionInput(string? BuildingId, int? LeadMinutes, string[]? Alerts, string[]? Channels, QuietHoursText? QuietHours,
    bool? CollectedInQuiet);
