namespace WasteNotify.Service.Ingest;

public sealed partial class TelemetryIngestService
{
    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "Rejected telemetry on {Topic}: {Reason} ({Detail}); {Total} of this reason so far", EventName = "TelemetryRejected")]
        public static partial void Rejected(ILogger logger, string topic, string reason, string detail, long total);

        [LoggerMessage(2, LogLevel.Information, "Ingesting telemetry from {Filters}", EventName = "TelemetrySubscribed")]
        public static partial void Subscribed(ILogger logger, string filters);

        [LoggerMessage(3, LogLevel.Critical, "Could not subscribe to telemetry: {Reason}", EventName = "TelemetrySubscribeFailed")]
        public static partial void SubscribeFailed(ILogger logger, string reason, Exception exception);
    }
}
