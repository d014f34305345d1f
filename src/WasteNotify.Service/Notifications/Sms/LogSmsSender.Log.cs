namespace WasteNotify.Service.Notifications;

public sealed partial class LogSmsSender
{
    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "SMS {OutboxId} to {To} ({Length} characters) not sent: no SMS provider is configured", EventName = "SmsLogged")]
        public static partial void NotSent(ILogger logger, long outboxId, string to, int length);
    }
}
