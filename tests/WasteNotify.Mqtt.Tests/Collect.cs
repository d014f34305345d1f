using System.Text;
using WasteNotify.Mqtt;

namespace WasteNotify.Mqtt.Tests;

/// <summary>Reads a client's messages in the background so a test can await "all of these arrived".</summary>
internal sealed class Collect : IAsyncDisposable
{
    private readonly List<string> _payloads = [];
    private readonly Lock _gate = new();
    private readonly Task _pump;
    private readonly CancellationTokenSource _stop = new();
    private (Func<IReadOnlyList<string>, bool> Condition, TaskCompletionSource Done)? _waiter;

    public Collect(MqttClient client)
    {
        _pump = Task.Run(async () =>
        {
            try
            {
                await foreach (var message in client.Messages.ReadAllAsync(_stop.Token))
                {
                    lock (_gate)
                    {
                        _payloads.Add(Encoding.UTF8.GetString(message.Payload));
                        if (_waiter is { } w && w.Condition(_payloads))
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

    public IReadOnlyList<string> Snapshot()
    {
        lock (_gate)
        {
            return [.. _payloads];
        }
    }

    public async Task<IReadOnlyList<string>> UntilAsync(Func<IReadOnlyList<string>, bool> condition, TimeSpan timeout)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            if (condition(_payloads))
            {
                return [.. _payloads];
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
}
