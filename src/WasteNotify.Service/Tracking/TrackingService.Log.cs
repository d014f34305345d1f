namespace WasteNotify.Service.Tracking;

public sealed partial class TrackingService
{
    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Tracking {Runs} open runs; arrival model {Version}", EventName = "TrackingStarted")]
        public static partial void Started(ILogger logger, int runs, int? version);

        [LoggerMessage(2, LogLevel.Warning, "Tracking cannot start ({Reason}); retrying in {Delay}", EventName = "TrackingStartFailed")]
        public static partial void StartFailed(ILogger logger, string reason, TimeSpan delay);

        [LoggerMessage(3, LogLevel.Warning, "Could not look up the run of truck {Truck} ({Reason}); its stored fixes are replayed later", EventName = "RunLookupFailed")]
        public static partial void ActivateFailed(ILogger logger, string truck, string reason);

        [LoggerMessage(4, LogLevel.Warning, "Run {Run}: route {Route} has no path or no stops; not tracked", EventName = "RunWithoutRoute")]
        public static partial void NoRoute(ILogger logger, long run, string route);

        [LoggerMessage(5, LogLevel.Warning, "Run {Previous} of truck {Truck} never finished; following run {Run}", EventName = "RunSuperseded")]
        public static partial void Superseded(ILogger logger, long previous, long run, string truck);

        [LoggerMessage(6, LogLevel.Information, "Following run {Run} (route {Route}, truck {Truck}): {Fixes} stored fixes replayed, {History} past runs of history", EventName = "RunActivated")]
        public static partial void Activated(ILogger logger, long run, string route, string truck, int fixes, int history);

        [LoggerMessage(7, LogLevel.Warning, "Tracking's periodic check failed ({Reason})", EventName = "TrackingWatchFailed")]
        public static partial void WatchFailed(ILogger logger, string reason);

        [LoggerMessage(8, LogLevel.Warning, "Run {Run} (truck {Truck}): {Anomaly}", EventName = "RunAnomaly")]
        public static partial void Anomaly(ILogger logger, long run, string truck, string anomaly);

        [LoggerMessage(9, LogLevel.Information, "Arrival model version {Version} now serves", EventName = "ModelLoaded")]
        public static partial void ModelLoaded(ILogger logger, int version);

        [LoggerMessage(10, LogLevel.Error, "Arrival model version {Version} could not be loaded ({Reason}); the previous predictor keeps serving", EventName = "ModelRefused")]
        public static partial void ModelRefused(ILogger logger, int version, string reason);

        [LoggerMessage(11, LogLevel.Warning, "Could not store the decisions of {Runs} runs ({Reason}); kept and retried", EventName = "TrackingFlushFailed")]
        public static partial void FlushFailed(ILogger logger, int runs, string reason);

        [LoggerMessage(14, LogLevel.Error, "Run {Run} (truck {Truck}) failed and is rebuilt from the database in a minute", EventName = "RunFailed")]
        public static partial void RunFailed(ILogger logger, long run, string truck, Exception exception);

        [LoggerMessage(13, LogLevel.Error, "Run {Run}: route {Route} cannot be followed ({Reason}); re-plan or re-import it", EventName = "RouteUnusable")]
        public static partial void RouteUnusable(ILogger logger, long run, string route, string reason);

        [LoggerMessage(12, LogLevel.Information, "Run {Run} (truck {Truck}) finished", EventName = "RunFinished")]
        public static partial void Finished(ILogger logger, long run, string truck);
    }
}
