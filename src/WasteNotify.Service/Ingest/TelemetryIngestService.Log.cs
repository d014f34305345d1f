namespace WasteNotify.Service.Ingest;

public sealed partial class TelemetryIngestService
{
    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "Rejected telemetry on {Topic}: {Reason} ({Detail}); {Total} of this reason so far", EventName = "TelemetryRejected")]
        public static partial void Rejected(ILogger logger, string topic, string reason, string detail, long total);

        [LoggerMessage(2, LogLevel.Information, "Subscribing to telemetry on {Filters}", EventName = "TelemetrySubscribing")]
        public static partial void Subscribing(ILogger logger, string filters);

        [LoggerMessage(3, LogLevel.Error, "Handling a message on {Topic} failed; counted as internal_error, ingest goes on", EventName = "TelemetryInternalError")]
        public static partial void InternalError(ILogger logger, string topic, Exception exception);
    }
}
