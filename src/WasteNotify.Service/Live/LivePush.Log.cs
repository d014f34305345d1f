namespace WasteNotify.Service.Live;

public sealed partial class LivePush
{
    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "Live push failed", EventName = "LivePushFailed")]
        public static partial void PushFailed(ILogger logger, Exception exception);
    }
}
