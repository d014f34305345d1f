namespace WasteNotify.Service.Notifications;

/// <summary>
/// A registration done: the concierge, their building, its live page link, and whether the number opted out by SMS
/// (then only START by SMS brings alerts back: Twilio blocks the number until it does).
/// </summary>
public sealed record SignupResult(long ConciergeId, string BuildingId, string PageUrl, string PageToken, DateTimeOffset PageExpires, bool OptedOut);
