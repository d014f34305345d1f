namespace WasteNotify.Service.Notifications;

/// <summary>One try at sending an outbox message; phone numbers in the provider's detail are masked.</summary>
public sealed record OutboxAttemptView(int Attempt, DateTimeOffset StartedAt, DateTimeOffset FinishedAt, string Outcome, int? HttpStatus, int? ErrorCode,
    string? Detail);
