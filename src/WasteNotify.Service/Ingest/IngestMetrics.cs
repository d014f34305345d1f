using System.Diagnostics.Metrics;
using WasteNotify.Core.Telemetry;
using WasteNotify.Messaging;

namespace WasteNotify.Service.Ingest;

/// <summary>
/// Ingest's counters, published on the "WasteNotify.Ingest" meter (OpenTelemetry exports it at /metrics, with the
/// runtime's, ASP.NET Core's, HttpClient's and Npgsql's) and read by the tests and the benchmarks.
/// </summary>
public sealed class IngestMetrics
{
    public const string MeterName = "WasteNotify.Ingest";

    public const string CommitLatency = "wastenotify.telemetry.commit_latency";

    /// <summary>Upper bounds (seconds) of the received-to-committed latency histogram's buckets (an OpenTelemetry view); the last is +Inf.</summary>
    public static IReadOnlyList<double> LatencyBuckets { get; } =
        [0.001, 0.002, 0.003, 0.005, 0.0075, 0.01, 0.015, 0.02, 0.03, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.5, 0.75, 1, 2, 5, 10, 30];

    private readonly long[] _rejected = new long[RejectReasons.All.Count];
    private readonly Histogram<double> _latencyInstrument;
    private long _received;
    private long _ignored;
    private long _stored;
    private long _duplicates;
    private long _dropped;
    private long _writeFailures;
    private long _buffered;
    private int _databaseUp = 1;

    public IngestMetrics(IMeterFactory meterFactory, MqttConnection broker)
    {
        var meter = meterFactory.Create(MeterName);
        meter.CreateObservableCounter("wastenotify.telemetry.received", () => Received, description: "Messages received on telemetry topics");
        meter.CreateObservableCounter("wastenotify.telemetry.stored", () => Stored, description: "Fixes written to PostgreSQL");
        meter.CreateObservableCounter("wastenotify.telemetry.duplicates", () => Duplicates, description: "Fixes already stored (same truck and timestamp)");
        meter.CreateObservableCounter("wastenotify.telemetry.ignored", () => Ignored, description: "Messages without a position (OwnTracks events)");
        meter.CreateObservableCounter("wastenotify.telemetry.dropped", () => Dropped + broker.DroppedAtMostOnce,
            description: "QoS 0 fixes lost: no room while the database was slow, or not written at a stop (QoS 1 ones are never dropped)");
        meter.CreateObservableCounter("wastenotify.telemetry.write_failures", () => WriteFailures, description: "Failed attempts to write a batch (each is retried)");
        meter.CreateObservableGauge("wastenotify.telemetry.database_up", () => DatabaseUp ? 1 : 0, description: "1 when the last write reached PostgreSQL");
        meter.CreateObservableGauge("wastenotify.mqtt.unacknowledged", () => broker.Unsettled,
            description: "QoS 1 messages received and not yet acknowledged (at most Mqtt:ReceiveMaximum)");
        meter.CreateObservableGauge("wastenotify.mqtt.connected", () => broker.IsConnected ? 1 : 0,
            description: "1 while connected to the broker with the telemetry subscriptions granted");
        meter.CreateObservableCounter("wastenotify.mqtt.connects", () => broker.ConnectCount, description: "Connections to the broker, reconnections included");
        meter.CreateObservableCounter("wastenotify.telemetry.rejected", () =>
            RejectReasons.All.Select(r => new Measurement<long>(Rejected(r), new KeyValuePair<string, object?>("reason", r.Label()))),
            description: "Messages refused, by reason");
        meter.CreateObservableGauge("wastenotify.telemetry.buffered", () => Buffered, description: "Messages waiting to be written and acknowledged");
        _latencyInstrument = meter.CreateHistogram<double>(CommitLatency, unit: "s",
            description: "From a fix received off the broker to its batch committed in PostgreSQL");
    }

    public long Received => Interlocked.Read(ref _received);

    public long Ignored => Interlocked.Read(ref _ignored);

    public long Stored => Interlocked.Read(ref _stored);

    public long Duplicates => Interlocked.Read(ref _duplicates);

    public long Dropped => Interlocked.Read(ref _dropped);

    public long WriteFailures => Interlocked.Read(ref _writeFailures);

    public long Buffered => Interlocked.Read(ref _buffered);

    public bool DatabaseUp => Volatile.Read(ref _databaseUp) == 1;

    public long RejectedTotal => RejectReasons.All.Sum(Rejected);

    public long Rejected(RejectReason reason) => Interlocked.Read(ref _rejected[(int)reason]);

    public void OnReceived() => Interlocked.Increment(ref _received);

    public void OnIgnored() => Interlocked.Increment(ref _ignored);

    public void OnRejected(RejectReason reason) => Interlocked.Increment(ref _rejected[(int)reason]);

    public void OnWritten(int stored, int duplicates)
    {
        Interlocked.Add(ref _stored, stored);
        Interlocked.Add(ref _duplicates, duplicates);
    }

    public void ObserveCommitLatency(TimeSpan latency) => _latencyInstrument.Record(latency.TotalSeconds);

    public void OnDropped(int count) => Interlocked.Add(ref _dropped, count);

    public void OnWriteFailed() => Interlocked.Increment(ref _writeFailures);

    public void SetBuffered(long count) => Interlocked.Exchange(ref _buffered, count);

    public void SetDatabaseUp(bool up) => Volatile.Write(ref _databaseUp, up ? 1 : 0);
}
