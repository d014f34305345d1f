namespace WasteNotify.Service.Ingest;

public sealed partial class TelemetryWriter
{
    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Error, "Telemetry database unreachable ({Reason}); buffering {Buffered} fixes and retrying", EventName = "TelemetryDatabaseDown")]
        public static partial void DatabaseDown(ILogger logger, string reason, int buffered, Exception exception);

        [LoggerMessage(2, LogLevel.Debug, "Telemetry database still unreachable ({Reason}); {Buffered} fixes buffered", EventName = "TelemetryDatabaseStillDown")]
        public static partial void StillDown(ILogger logger, string reason, int buffered);

        [LoggerMessage(3, LogLevel.Information, "Telemetry database reachable again; writing {Buffered} buffered fixes ({Dropped} dropped during the outage)", EventName = "TelemetryDatabaseBack")]
        public static partial void DatabaseBack(ILogger logger, int buffered, long dropped);

        [LoggerMessage(4, LogLevel.Error, "Telemetry buffer full ({Capacity} fixes) while the database is down: new fixes are dropped and counted until it is back", EventName = "TelemetryBufferFull")]
        public static partial void BufferFull(ILogger logger, int capacity);

        [LoggerMessage(5, LogLevel.Error, "Stopping with {Count} fixes not written; counted as dropped", EventName = "TelemetryLostOnStop")]
        public static partial void LostOnStop(ILogger logger, int count);

        [LoggerMessage(6, LogLevel.Error, "PostgreSQL refused a batch of {Count} fixes ({Reason}); counted as dropped", EventName = "TelemetryBatchRefused")]
        public static partial void BatchRefused(ILogger logger, int count, string reason, Exception exception);
    }
}
