namespace WasteNotify.Service.Notifications;

public sealed record SmsResult(SmsOutcome Outcome, string? Sid = null, string? Status = null, int? HttpStatus = null, int? ErrorCode = null,
    string? Detail = null, TimeSpan? RetryAfter = null);
