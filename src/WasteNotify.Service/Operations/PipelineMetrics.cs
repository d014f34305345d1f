using System.Diagnostics.Metrics;
using WasteNotify.Core.Telemetry;
using WasteNotify.Service.Notifications;
using WasteNotify.Service.Tracking;

namespace WasteNotify.Service.Operations;

/// <summary>
/// The pipeline's links on the "WasteNotify.Pipeline" meter, by link: items written, items dropped because the consumer
/// was behind (only the links that drop their oldest), and items waiting now. A notifier that falls behind shows here.
/// </summary>
public sealed class PipelineMetrics
{
    public const string MeterName = "WasteNotify.Pipeline";

    public PipelineMetrics(
        IMeterFactory meters,
        [FromKeyedServices(PipelineLinks.StoredFixes)] StageChannel<IReadOnlyList<TelemetryFix>> stored,
        [FromKeyedServices(PipelineLinks.RunUpdatesToNotifier)] StageChannel<RunUpdate> toNotifier,
        [FromKeyedServices(PipelineLinks.RunUpdatesToLive)] StageChannel<RunUpdate> toLive,
        [FromKeyedServices(PipelineLinks.DecidedAlerts)] StageChannel<DecidedAlert> alerts)
    {
        (string Link, Func<(long Written, long Dropped, int Waiting)> Counts)[] links =
            [(stored.Name, () => stored.Counts), (toNotifier.Name, () => toNotifier.Counts), (toLive.Name, () => toLive.Counts), (alerts.Name, () => alerts.Counts)];
        IEnumerable<Measurement<long>> Each(Func<(long Written, long Dropped, int Waiting), long> figure) =>
            links.Select(l => new Measurement<long>(figure(l.Counts()), new KeyValuePair<string, object?>("link", l.Link)));

        var meter = meters.Create(MeterName);
        meter.CreateObservableCounter("wastenotify.pipeline.written", () => Each(c => c.Written), description: "Items written to a pipeline link");
        meter.CreateObservableCounter("wastenotify.pipeline.dropped", () => Each(c => c.Dropped), description: "Items a link dropped because its consumer was behind");
        meter.CreateObservableGauge("wastenotify.pipeline.waiting", () => Each(c => c.Waiting), description: "Items waiting in a link for its consumer");
    }
}
