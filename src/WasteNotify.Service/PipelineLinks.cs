namespace WasteNotify.Service;

/// <summary>
/// The names of the pipeline's links (<see cref="StageChannel{T}"/>), which are also their keys in the container: a
/// stage takes its inbox as <c>[FromKeyedServices(PipelineLinks.X)]</c>, so the wiring shows what feeds what.
/// </summary>
public static class PipelineLinks
{
    /// <summary>Batches of fixes once committed: the writer (ingest) to tracking. Waits when full.</summary>
    public const string StoredFixes = "stored-fixes: ingest → tracking";

    /// <summary>Each run's state after a fix, a restart or a clock check: tracking to the notifier. Drops its oldest when full.</summary>
    public const string RunUpdatesToNotifier = "run-updates: tracking → notifier";

    /// <summary>The same updates to the live pushes. Drops its oldest when full.</summary>
    public const string RunUpdatesToLive = "run-updates: tracking → live";

    /// <summary>Alerts once stored: the notifier to the live pushes. Drops its oldest when full.</summary>
    public const string DecidedAlerts = "decided-alerts: notifier → live";
}
