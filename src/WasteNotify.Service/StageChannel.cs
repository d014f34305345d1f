using System.Threading.Channels;

namespace WasteNotify.Service;

/// <summary>
/// A link of the pipeline: a bounded, named channel from one stage to the next, created in the wiring
/// (<see cref="Extensions.AddWasteNotify"/>) so that what feeds what is read in one place, not found in the stages.
/// </summary>
/// <remarks>
/// What a full link does is the link's choice. <see cref="BoundedChannelFullMode.Wait"/>: the producer waits, so
/// back-pressure reaches the one before it (stored fixes: tracking must see every one). DropOldest: the producer never
/// waits and the consumer that fell behind loses the oldest item, counted in <see cref="Dropped"/> (run updates: a
/// later update of the run carries its whole state).
/// </remarks>
public sealed class StageChannel<T>
{
    private readonly Channel<T> _channel;
    private long _written;
    private long _dropped;

    public StageChannel(string name, int capacity, BoundedChannelFullMode fullMode)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        if (fullMode is not (BoundedChannelFullMode.Wait or BoundedChannelFullMode.DropOldest))
        {
            throw new ArgumentOutOfRangeException(nameof(fullMode), fullMode, "a stage link waits or drops its oldest item");
        }

        (Name, Capacity, FullMode) = (name, capacity, fullMode);
        _channel = Channel.CreateBounded<T>(new BoundedChannelOptions(capacity) { FullMode = fullMode, SingleReader = true },
            _ => Interlocked.Increment(ref _dropped));
    }

    /// <summary>What the link carries, from which stage to which ("stored-fixes: ingest → tracking").</summary>
    public string Name { get; }

    public int Capacity { get; }

    public BoundedChannelFullMode FullMode { get; }

    /// <summary>The consumer's end: one stage reads it.</summary>
    public ChannelReader<T> Reader => _channel.Reader;

    /// <summary>Items written so far, items dropped because the consumer was behind, and items waiting now.</summary>
    public (long Written, long Dropped, int Waiting) Counts => (Interlocked.Read(ref _written), Interlocked.Read(ref _dropped), _channel.Reader.Count);

    /// <summary>Writes without waiting: true when written (with DropOldest always, an older item may be dropped for it).</summary>
    public bool TryWrite(T item)
    {
        if (!_channel.Writer.TryWrite(item))
        {
            return false;
        }

        Interlocked.Increment(ref _written);
        return true;
    }

    /// <summary>Writes, waiting for room when the link waits and the consumer is behind.</summary>
    public async ValueTask WriteAsync(T item, CancellationToken ct)
    {
        if (!TryWrite(item))
        {
            await _channel.Writer.WriteAsync(item, ct);
            Interlocked.Increment(ref _written);
        }
    }

    public override string ToString() => $"{Name} ({Capacity}, {FullMode})";
}
