namespace WasteNotify.Service.Notifications;

/// <summary>An outbox message claimed for sending (its number and text are null once the concierge was erased).</summary>
public sealed record DueMessage(long Id, string? To, string? Body, int Attempt, DateTimeOffset? ExpiresAt, bool OptedOut, string? PhoneProblem)
{
    /// <summary>Why the message must not be sent after all, if so: erased, opted out since, number refused, or too late.</summary>
    public (string Status, string Reason)? Skip(DateTimeOffset now) =>
        To is null || Body is null ? ("suppressed", "concierge erased")
        : OptedOut ? ("suppressed", "opted out")
        : PhoneProblem is not null ? ("suppressed", $"number {PhoneProblem}")
        : ExpiresAt < now ? ("expired", "too late to be useful")
        : null;
}
