using Microsoft.Extensions.Options;
using WasteNotify.Core.Telemetry;
using WasteNotify.Mqtt;

namespace WasteNotify.Service.Ingest;

/// <summary>
/// Subscribes to the telemetry topics, validates every message and hands accepted fixes to the writer.
/// A rejected message is counted, sampled and logged; it never stops ingest.
/// </summary>
public sealed partial class TelemetryIngestService(
    MqttClient mqtt,
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

    private readonly TaskCompletionSource _subscribed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public IReadOnlyList<string> TopicFilters { get; } = [$"{limits.Value.TopicPrefix}/#", $"{limits.Value.OwnTracksPrefix}/#"];

    /// <summary>Completes once the broker has acknowledged the telemetry subscriptions: fixes published before are not ours.</summary>
    public Task Subscribed => _subscribed.Task;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await Task.WhenAll(ConnectAsync(stoppingToken), ConsumeAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            writer.Complete();
        }
    }

    private async Task ConnectAsync(CancellationToken cancellationToken)
    {
        try
        {
            // The client keeps retrying on its own; subscriptions are renewed on every reconnect.
            await Task.WhenAll(TopicFilters.Select(f => mqtt.SubscribeAsync(f, MqttQos.AtLeastOnce, cancellationToken)).Append(mqtt.ConnectAsync(cancellationToken)));
            _subscribed.TrySetResult();
            Log.Subscribed(logger, string.Join(", ", TopicFilters));
        }
        catch (MqttException ex)
        {
            // Refused credentials or subscriptions: /health reports the broker down; ingest keeps its loop.
            Log.SubscribeFailed(logger, ex.Message, ex);
        }
    }

    private async Task ConsumeAsync(CancellationToken cancellationToken)
    {
        var reader = mqtt.Messages;
        while (await reader.WaitToReadAsync(cancellationToken))
        {
            var handled = 0;
            while (reader.TryRead(out var message))
            {
                handled++;
                await HandleAsync(message, cancellationToken);
            }

            // Under load fixes arrive one at a time from the network thread, and waking for each costs more than
            // handling it: when a wake-up found only a few, gather for a moment (at most Linger of added latency).
            if (handled < LingerBelow)
            {
                await Task.Delay(Linger, time, cancellationToken);
            }
        }
    }

    private async ValueTask HandleAsync(MqttMessage message, CancellationToken cancellationToken)
    {
        metrics.OnReceived();
        var result = parser.Parse(message.Topic, message.Payload);
        switch (result.Outcome)
        {
            case TelemetryOutcome.Accepted:
                await writer.EnqueueAsync(result.Fix, cancellationToken);
                break;
            case TelemetryOutcome.Rejected:
                metrics.OnRejected(result.Reason);
                rejections.Add(message.Topic, result.Reason, result.Detail!, message.Payload);
                LogRejection(message.Topic, result.Reason, result.Detail!);
                break;
            default:
                metrics.OnIgnored();
                break;
        }
    }

    // One line per reason every few seconds: a misconfigured tracker must not flood the log.
    private void LogRejection(string topic, RejectReason reason, string detail)
    {
        var now = time.GetTimestamp();
        ref var last = ref _lastRejectionLog[(int)reason];
        if (last != 0 && time.GetElapsedTime(last, now) < RejectionLogInterval)
        {
            return;
        }

        last = now;
        Log.Rejected(logger, topic, reason.Label(), detail, metrics.Rejected(reason));
    }
}
