using WasteNotify.Core.Notifications;

namespace WasteNotify.Service.Notifications;

/// <summary>The ended runs' buildings a subscriber may still have to hear about (collected, or not today).</summary>
public sealed record EndedStop(long RunId, string BuildingId, long SubscriptionId, bool Served, DateTimeOffset? ServedAt);
