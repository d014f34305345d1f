namespace WasteNotify.Service.Notifications;

public sealed partial class NotifierService
{
    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "Alerts of {Updates} run updates not stored ({Reason}); judging them again in {Delay}", EventName = "AlertsNotStored")]
        public static partial void DecideFailed(ILogger logger, int updates, string reason, TimeSpan delay);

        [LoggerMessage(3, LogLevel.Error, "Alerts of {Updates} run updates not judged: the batch is given up", EventName = "AlertsBatchFailed")]
        public static partial void BatchFailed(ILogger logger, int updates, Exception exception);

        [LoggerMessage(2, LogLevel.Debug, "{Stored} alerts stored ({Known} already were)", EventName = "AlertsStored")]
        public static partial void Decided(ILogger logger, int stored, int known);
    }
}
