using System.Diagnostics.Metrics;
using WasteNotify.Core.Telemetry;

namespace WasteNotify.Service.Ingest;

/// <summary>Ingest counters, read by /metrics and published on the "WasteNotify.Ingest" meter.</summary>
public sealed class IngestMetrics
{
    public const string MeterName = "WasteNotify.Ingest";

    private readonly long[] _rejected = new long[RejectReasons.All.Count];
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
        meter.CreateObservableCounter("wastenotify.telemetry.dropped", () => Dropped, description: "Fixes lost because the buffer was full while the database was down");
        meter.CreateObservableCounter("wastenotify.telemetry.rejected", () =>
            RejectReasons.All.Select(r => new Measurement<long>(Rejected(r), new KeyValuePair<string, object?>("reason", r.Label()))),
            description: "Messages refused by validation");
        meter.CreateObservableGauge("wastenotify.telemetry.buffered", () => Buffered, description: "Fixes waiting to be written");
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

    public void OnDropped(int count) => Interlocked.Add(ref _dropped, count);

    public void OnWriteFailed() => Interlocked.Increment(ref _writeFailures);

    public void SetBuffered(long count) => Interlocked.Exchange(ref _buffered, count);

    public void SetDatabaseUp(bool up) => Volatile.Write(ref _databaseUp, up ? 1 : 0);
}
