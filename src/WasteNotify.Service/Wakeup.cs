using System.Threading.Channels;

namespace WasteNotify.Service;

/// <summary>
/// Wakes a background loop that otherwise waits for its next round: any number of <see cref="Set"/> calls before the
/// loop waits wake it once. Set never blocks, so it may be called from a hot path or another service's loop.
/// </summary>
public sealed class Wakeup(TimeProvider time)
{
    private readonly Channel<bool> _signal = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    public void Set() => _signal.Writer.TryWrite(true);

    /// <summary>Returns when woken or after <paramref name="timeout"/> (at once if it is not positive); throws only when <paramref name="ct"/> is cancelled.</summary>
    public async Task WaitAsync(TimeSpan timeout, CancellationToken ct)
    {
        if (timeout > TimeSpan.Zero)
        {
            using var timer = new CancellationTokenSource(timeout, time);
            using var waiting = CancellationTokenSource.CreateLinkedTokenSource(ct, timer.Token);
            try
            {
                await _signal.Reader.WaitToReadAsync(waiting.Token);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
            }
        }

        ct.ThrowIfCancellationRequested();
        _signal.Reader.TryRead(out _);
    }

    /// <summary>
    /// Returns when woken, when one of <paramref name="orReady"/> completes (a channel reader's <c>WaitToReadAsync</c>:
    /// the stage's links have something), or after <paramref name="timeout"/>; throws only when <paramref name="ct"/> is cancelled.
    /// </summary>
    public async Task WaitAsync(TimeSpan timeout, CancellationToken ct, params Func<CancellationToken, ValueTask<bool>>[] orReady)
    {
        using var done = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var waits = new Task[orReady.Length + 1];
        waits[0] = WaitAsync(timeout, done.Token);
        for (var i = 0; i < orReady.Length; i++)
        {
            waits[i + 1] = orReady[i](done.Token).AsTask();
        }

        await Task.WhenAny(waits);
        await done.CancelAsync();
        try
        {
            await Task.WhenAll(waits);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            // The waits that lost the race, cancelled.
        }

        ct.ThrowIfCancellationRequested();
    }
}
