namespace WasteNotify.Service.Notifications;

/// <summary>How and when a concierge agreed to receive alerts (<c>at</c> defaults to now).</summary>
public sealed record ConsentInput(string? Source, DateTimeOffset? At);
