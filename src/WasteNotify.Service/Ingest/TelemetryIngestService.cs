using Microsoft.Extensions.Options;
using WasteNotify.Core.Telemetry;
using WasteNotify.Messaging;

namespace WasteNotify.Service.Ingest;

/// <summary>
/// Subscribes to the telemetry topics, validates every message and hands each to the writer, which acknowledges it
/// to the broker once it is safe. Nothing is judged before the truck registry is loaded, so a backlog the broker
/// delivers at start is judged against today's trucks. A refused message is counted, sampled and logged; a message
/// whose handling throws is counted as <c>internal_error</c>; neither stops ingest.
/// </summary>
public sealed partial class TelemetryIngestService(
    MqttConnection broker,
    TruckDirectory trucks,
    TelemetryParser parser,
    TelemetryWriter writer,
    IngestMetrics metrics,
    RejectionSample rejections,
    IOptions<TelemetryLimits> limits,
    TimeProvider time,
    ILogger<TelemetryIngestService> logger) : BackgroundService
{
    private const int LingerBelow = 32;
    private static readonly TimeSpan Linger = TimeSpan.FromMilliseconds(2);
    private static readonly TimeSpan RejectionLogInterval = TimeSpan.FromSeconds(10);
    private readonly long[] _lastRejectionLog = new long[RejectReasons.All.Count];

    public IReadOnlyList<string> TopicFilters { get; } = [$"{limits.Value.TopicPrefix}/#", $"{limits.Value.OwnTracksPrefix}/#"];

    /// <summary>Completes once the broker has granted the telemetry subscriptions the first time: fixes published before are not ours.</summary>
    public Task Subscribed => broker.Subscribed;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            foreach (var filter in TopicFilters)
            {
                broker.Subscribe(filter);
            }

            // Connected at once, so the session and its subscriptions exist from the first start; what the broker
            // delivers waits, unacknowledged and bounded by the receive maximum, until the registry is read.
            broker.Start();
            Log.Subscribing(logger, string.Join(", ", TopicFilters));
            await trucks.Loaded.WaitAsync(stoppingToken);
            await ConsumeAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            writer.Complete();
        }
    }

    private async Task ConsumeAsync(CancellationToken cancellationToken)
    {
        var reader = broker.Messages;
        while (await reader.WaitToReadAsync(cancellationToken))
        {
            var handled = 0;
            while (reader.TryRead(out var message))
            {
                handled++;
                await HandleAsync(message, cancellationToken);
            }

            // Under load fixes arrive one at a time, and waking for each costs more than handling it: when a wake-up
            // found only a few, gather for a moment (at most Linger of added latency).
            if (handled < LingerBelow)
            {
                await Task.Delay(Linger, time, cancellationToken);
            }
        }
    }

    private async ValueTask HandleAsync(ReceivedMessage message, CancellationToken cancellationToken)
    {
        metrics.OnReceived();
        var result = await JudgeAsync(message, cancellationToken);
        switch (result.Outcome)
        {
            case TelemetryOutcome.Accepted:
                await writer.EnqueueAsync(new IngestEntry(result.Fix, message), cancellationToken);
                return;
            case TelemetryOutcome.Rejected:
                metrics.OnRejected(result.Reason);
                rejections.Add(message.Topic, result.Reason, result.Detail!, message.Payload);
                LogRejection(message.Topic, result.Reason, result.Detail!);
                break;
            default:
                metrics.OnIgnored();
                break;
        }

        if (message.Receipt is not null)
        {
            // Acknowledged after the fixes received before it, so acknowledgements keep the order of the messages.
            await writer.EnqueueAsync(new IngestEntry(null, message), cancellationToken);
        }
    }

    private async ValueTask<TelemetryParseResult> JudgeAsync(ReceivedMessage message, CancellationToken cancellationToken)
    {
        try
        {
            var result = parser.Parse(message.Topic, message.Payload);
            if (result is { Outcome: TelemetryOutcome.Rejected, Reason: RejectReason.UnknownTruck or RejectReason.UnknownDevice }
                && parser.Subject(message.Topic) is var (truckId, device)
                && await trucks.LookUpAsync(truckId, device, cancellationToken))
            {
                result = parser.Parse(message.Topic, message.Payload);
            }

            return result;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // A bug of ours, not the sender's: counted, sampled and logged with its exception; the next message goes on.
            if (ShouldLog(RejectReason.InternalError))
            {
                Log.InternalError(logger, message.Topic, ex);
            }

            return TelemetryParseResult.Reject(RejectReason.InternalError, $"{ex.GetType().Name}: {ex.Message}");
        }
    }

    // One line per reason every few seconds: a misconfigured tracker must not flood the log.
    private void LogRejection(string topic, RejectReason reason, string detail)
    {
        if (reason != RejectReason.InternalError && ShouldLog(reason))
        {
            Log.Rejected(logger, topic, reason.Label(), detail, metrics.Rejected(reason));
        }
    }

    private bool ShouldLog(RejectReason reason)
    {
        var now = time.GetTimestamp();
        ref var last = ref _lastRejectionLog[(int)reason];
        if (last != 0 && time.GetElapsedTime(last, now) < RejectionLogInterval)
        {
            return false;
        }

        last = now;
        return true;
    }
}
