using WasteNotify.Core.Notifications;

namespace WasteNotify.Service.Notifications;

/// <summary>An alert decided and not yet stored, with its SMS text when the subscriber wants SMS.</summary>
public sealed record PendingAlert(long RunId, string BuildingId, Subscription Subscription, AlertDecision Decision, string? SmsBody,
    DateTimeOffset? ExpiresAt, DateTimeOffset? FixReceivedAt);
