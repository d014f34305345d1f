using WasteNotify.Core.Notifications;

namespace WasteNotify.Service.Notifications;

/// <summary>A stored alert, as the API and the live pages show it (no personal data).</summary>
public sealed record AlertView(long Id, long RunId, string BuildingId, string Kind, DateTimeOffset At, int? Minutes, DateTimeOffset? Eta, DateTimeOffset? Early);
