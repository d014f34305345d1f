namespace WasteNotify.Service.Notifications;

/// <summary>The building a sign-up link is for, as its page shows it before the concierge registers.</summary>
public sealed record SignupBuildingView(string BuildingId, string Address);
