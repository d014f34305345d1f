namespace WasteNotify.Service.Ingest;

public sealed partial class TelemetryWriter
{
    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Error, "Telemetry database unreachable ({Reason}); {Waiting} messages wait, unacknowledged, while it is retried", EventName = "TelemetryDatabaseDown")]
        public static partial void DatabaseDown(ILogger logger, string reason, int waiting, Exception exception);

        [LoggerMessage(2, LogLevel.Debug, "Telemetry database still unreachable ({Reason}); {Waiting} messages wait", EventName = "TelemetryDatabaseStillDown")]
        public static partial void StillDown(ILogger logger, string reason, int waiting);

        [LoggerMessage(3, LogLevel.Information, "Telemetry database reachable again; {Queued} messages queued behind the retried batch", EventName = "TelemetryDatabaseBack")]
        public static partial void DatabaseBack(ILogger logger, int queued);

        [LoggerMessage(4, LogLevel.Warning, "Stopping with {Count} messages not written: the broker delivers the {AtLeastOnce} QoS 1 ones again; {AtMostOnce} QoS 0 fixes are lost", EventName = "TelemetryLeftOnStop")]
        public static partial void LeftOnStop(ILogger logger, int count, int atLeastOnce, int atMostOnce);

        [LoggerMessage(5, LogLevel.Error, "A fix on {Topic} could not be stored ({Reason}: {Detail}); counted and acknowledged, the rest of its batch is stored", EventName = "TelemetryFixRefused")]
        public static partial void FixRefused(ILogger logger, string topic, string reason, string detail, Exception exception);
    }
}
