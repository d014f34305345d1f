namespace WasteNotify.Service.Notifications;

public sealed record SubscriptionView(string BuildingId, int LeadMinutes, string[] Alerts, string[] Channels, QuietHoursText? QuietHours,
    bool CollectedInQuiet);
