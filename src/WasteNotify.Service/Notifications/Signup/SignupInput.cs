namespace WasteNotify.Service.Notifications;

/// <summary>A concierge registering through a building's link; <c>consent</c> must be true (the box they ticked).</summary>
public sealed record SignupInput(string? Name, string? Phone, string? Language, bool? Consent, int? LeadMinutes, string[]? Alerts, string[]? Channels,
    QuietHoursText? QuietHours, bool? CollectedInQuiet)
{
    public SubscriptionInput ToSubscription() => new(null, LeadMinutes, Alerts, Channels, QuietHours, CollectedInQuiet);
}
