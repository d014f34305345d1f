using System.Diagnostics.Metrics;
using WasteNotify.Core.Telemetry;

namespace WasteNotify.Service.Ingest;

/// <summary>Ingest counters, read by /metrics and published on the "WasteNotify.Ingest" meter.</summary>
public sealed class IngestMetrics
{
    public const string MeterName = "WasteNotify.Ingest";

    /// <summary>Upper bounds (seconds) of the received-to-committed latency histogram's buckets; the last is +Inf.</summary>
    public static IReadOnlyList<double> LatencyBuckets { get; } =
        [0.001, 0.002, 0.003, 0.005, 0.0075, 0.01, 0.015, 0.02, 0.03, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.5, 0.75, 1, 2, 5, 10, 30];

    private readonly long[] _rejected = new long[RejectReasons.All.Count];
    private readonly long[] _latency = new long[LatencyBuckets.Count + 1];
    private readonly Histogram<double> _latencyInstrument;
    private long _latencySumMicros;
    private long _received;
    private long _ignored;
    private long _stored;
    private long _duplicates;
    private long _dropped;
    private long _writeFailures;
    private long _buffered;
    private int _databaseUp = 1;

    public IngestMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        meter.CreateObservableCounter("wastenotify.telemetry.received", () => Received, description: "Messages received on telemetry topics");
        meter.CreateObservableCounter("wastenotify.telemetry.stored", () => Stored, description: "Fixes written to PostgreSQL");
        meter.CreateObservableCounter("wastenotify.telemetry.duplicates", () => Duplicates, description: "Fixes already stored (same truck and timestamp)");
        meter.CreateObservableCounter("wastenotify.telemetry.ignored", () => Ignored, description: "Messages without a position (OwnTracks events)");
        meter.CreateObservableCounter("wastenotify.telemetry.dropped", () => Dropped, description: "QoS 0 fixes lost: no room while the database was slow, or not written at a stop");
        meter.CreateObservableCounter("wastenotify.telemetry.rejected", () =>
            RejectReasons.All.Select(r => new Measurement<long>(Rejected(r), new KeyValuePair<string, object?>("reason", r.Label()))),
            description: "Messages refused, by reason");
        meter.CreateObservableGauge("wastenotify.telemetry.buffered", () => Buffered, description: "Messages waiting to be written and acknowledged");
        _latencyInstrument = meter.CreateHistogram<double>("wastenotify.telemetry.commit_latency", unit: "s",
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

    /// <summary>Fixes per latency bucket (not cumulative), the last one beyond every bound.</summary>
    public IReadOnlyList<long> CommitLatencyCounts => [.. _latency.Select((_, i) => Interlocked.Read(ref _latency[i]))];

    public double CommitLatencySumSeconds => Interlocked.Read(ref _latencySumMicros) / 1e6;

    public void OnReceived() => Interlocked.Increment(ref _received);

    public void OnIgnored() => Interlocked.Increment(ref _ignored);

    public void OnRejected(RejectReason reason) => Interlocked.Increment(ref _rejected[(int)reason]);

    public void OnWritten(int stored, int duplicates)
    {
        Interlocked.Add(ref _stored, stored);
        Interlocked.Add(ref _duplicates, duplicates);
    }

    public void ObserveCommitLatency(TimeSpan latency)
    {
        var seconds = latency.TotalSeconds;
        var bucket = 0;
        while (bucket < LatencyBuckets.Count && seconds > LatencyBuckets[bucket])
        {
            bucket++;
        }

        Interlocked.Increment(ref _latency[bucket]);
        Interlocked.Add(ref _latencySumMicros, (long)(seconds * 1e6));
        _latencyInstrument.Record(seconds);
    }

    public void OnDropped(int count) => Interlocked.Add(ref _dropped, count);

    public void OnWriteFailed() => Interlocked.Increment(ref _writeFailures);

    public void SetBuffered(long count) => Interlocked.Exchange(ref _buffered, count);

    public void SetDatabaseUp(bool up) => Volatile.Write(ref _databaseUp, up ? 1 : 0);
}
