namespace WasteNotify.Service.Notifications;

/// <summary>
/// An SMS of the outbox as operators see it: the number masked (<c>to</c>, null once the concierge was erased), no text,
/// the alert it tells, its status and every attempt (<c>attemptLog</c>; <c>attempts</c> counts them).
/// </summary>
public sealed record OutboxView(long Id, long? AlertId, string? Kind, long? RunId, string? BuildingId, string? To, string Status, string? Reason,
    int Attempts, DateTimeOffset NextAttemptAt, string? ProviderSid, int? ErrorCode, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt,
    List<OutboxAttemptView> AttemptLog);
