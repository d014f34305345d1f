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

    /// <summary>
    /// Returns when woken, when one of <paramref name="orReady"/> completes (a stage link's <c>WaitToReadAsync</c>), or
    /// after <paramref name="timeout"/> (at once if it is not positive); throws only when <paramref name="ct"/> is cancelled.
    /// </summary>
    public async Task WaitAsync(TimeSpan timeout, CancellationToken ct, params Func<CancellationToken, ValueTask<bool>>[] orReady)
    {
        await WaitAnyAsync(time, timeout, ct, [_signal.Reader.WaitToReadAsync, .. orReady]);
        _signal.Reader.TryRead(out _);
    }

    /// <summary>
    /// Returns when one of <paramref name="ready"/> completes (a stage link's <c>WaitToReadAsync</c>), or after
    /// <paramref name="timeout"/> (at once if it is not positive): the wait of a loop that nothing but its links and its
    /// clock wake. Throws only when <paramref name="ct"/> is cancelled.
    /// </summary>
    public static async Task WaitAnyAsync(TimeProvider time, TimeSpan timeout, CancellationToken ct, params Func<CancellationToken, ValueTask<bool>>[] ready)
    {
        ArgumentOutOfRangeException.ThrowIfZero(ready.Length);
        if (timeout > TimeSpan.Zero)
        {
            using var timer = new CancellationTokenSource(timeout, time);
            using var done = CancellationTokenSource.CreateLinkedTokenSource(ct, timer.Token);
            var waits = Array.ConvertAll(ready, r => r(done.Token).AsTask());
            try
            {
                await Task.WhenAny(waits);
                await done.CancelAsync();
                await Task.WhenAll(waits);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                // The timeout, or the waits that lost the race, cancelled.
            }
        }

        ct.ThrowIfCancellationRequested();
    }
}
