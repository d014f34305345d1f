namespace WasteNotify.Service.Notifications;

public sealed partial class OutboxDispatcher
{
    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "Outbox unreachable ({Reason}); trying again in {Delay}", EventName = "OutboxUnreachable")]
        public static partial void DatabaseFailed(ILogger logger, string reason, TimeSpan delay);

        [LoggerMessage(2, LogLevel.Warning, "{Count} SMS left sending by an interruption and not confirmed by Twilio: sending them again", EventName = "OutboxRecovered")]
        public static partial void Recovered(ILogger logger, int count);

        [LoggerMessage(3, LogLevel.Debug, "SMS {OutboxId} attempt {Attempt}: {Outcome}, now {Status} (error {ErrorCode})", EventName = "SmsAttempted")]
        public static partial void Attempted(ILogger logger, long outboxId, int attempt, SmsOutcome outcome, string status, int? errorCode);
    }
}
