namespace WasteNotify.Service.Notifications;

/// <summary>Quiet hours as the API reads and writes them: local times "HH:mm", from (included) to (excluded), possibly across midnight.</summary>
public sealed record QuietHoursText(string? From, string? To);
