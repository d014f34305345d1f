using System.Text;

namespace WasteNotify.Messaging.Tests;

/// <summary>Reads a connection's messages in the background so a test can await "all of these arrived".</summary>
internal sealed class Collect : IAsyncDisposable
{
    private readonly List<ReceivedMessage> _messages = [];
    private readonly Lock _gate = new();
    private readonly Task _pump;
    private readonly CancellationTokenSource _stop = new();
    private (Func<IReadOnlyList<string>, bool> Condition, TaskCompletionSource Done)? _waiter;

    /// <param name="acknowledge">With manual acknowledgement, whether to acknowledge each message as it is read.</param>
    public Collect(MqttConnection connection, bool acknowledge = true)
    {
        _pump = Task.Run(async () =>
        {
            try
            {
                await foreach (var message in connection.Messages.ReadAllAsync(_stop.Token))
                {
                    if (acknowledge && message.Receipt is { } receipt)
                    {
                        await receipt.AcknowledgeAsync(_stop.Token);
                    }

                    lock (_gate)
                    {
                        _messages.Add(message);
                        if (_waiter is { } w && w.Condition(Payloads()))
                        {
                            w.Done.TrySetResult();
                        }
                    }
                }
            }
            catch (OperationCanceledException)
            {
            }
        });
    }

    public IReadOnlyList<ReceivedMessage> Messages()
    {
        lock (_gate)
        {
            return [.. _messages];
        }
    }

    public IReadOnlyList<string> Snapshot()
    {
        lock (_gate)
        {
            return Payloads();
        }
    }

    public async Task<IReadOnlyList<string>> UntilAsync(Func<IReadOnlyList<string>, bool> condition, TimeSpan timeout)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            if (condition(Payloads()))
            {
                return Payloads();
            }

            _waiter = (condition, done);
        }

        try
        {
            await done.Task.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            var got = Snapshot();
            throw new TimeoutException($"Condition not met within {timeout}; {got.Count} messages received, last: {got.LastOrDefault()}");
        }

        return Snapshot();
    }

    public Task<IReadOnlyList<string>> CountAsync(int count, TimeSpan timeout) => UntilAsync(p => p.Count >= count, timeout);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _pump;
        _stop.Dispose();
    }

    private List<string> Payloads() => [.. _messages.Select(m => Encoding.UTF8.GetString(m.Payload))];
}
