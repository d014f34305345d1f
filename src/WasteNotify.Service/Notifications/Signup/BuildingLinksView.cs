namespace WasteNotify.Service.Notifications;

/// <summary>A building's signed links: self-registration, and the live page.</summary>
public sealed record BuildingLinksView(string SignupUrl, string SignupToken, DateTimeOffset SignupExpires, string PageUrl, string PageToken,
    DateTimeOffset PageExpires);
