using System.Diagnostics;
using WasteNotify.Messaging;
using WasteNotify.Testing;

namespace WasteNotify.Benchmarks;

/// <summary>
/// Trucks' fixes at QoS 1 over a pool of MQTT connections, each on its due time divided by a speed-up, or as fast as
/// the broker takes them. A truck always uses the same connection, so its fixes reach the service in its order; a
/// pool, not one connection per truck, because a thousand libmosquitto threads would measure this machine's scheduler.
/// </summary>
internal sealed class PacedPublisher : IAsyncDisposable
{
    private readonly MqttPublisher[] _connections;

    private PacedPublisher(MqttPublisher[] connections) => _connections = connections;

    public int Connections => _connections.Length;

    public static async Task<PacedPublisher> ConnectAsync(int connections)
    {
        var clients = await Task.WhenAll(Enumerable.Range(0, connections).Select(_ =>
            MqttPublisher.ConnectAsync(TestEnvironment.Mqtt(TestEnvironment.UniqueName("bench-fleet"), configure: s => s.MaxInflight = 100)))).WaitAsync(TimeSpan.FromSeconds(30));
        return new PacedPublisher(clients);
    }

    /// <summary>
    /// Publishes every fix on its truck's topic, the first due at once and the others <c>(due - first due) / speed</c>
    /// later (all at once without a speed); completes when the broker has acknowledged them all. Returns how many.
    /// </summary>
    public async Task<int> PublishAsync(string topicPrefix, IEnumerable<(int Truck, TimeSpan Due, byte[] Payload)> fixes, int? speed)
    {
        var all = fixes.ToList();
        if (all.Count == 0)
        {
            return 0;
        }

        var first = all.Min(f => f.Due);
        var topics = new Dictionary<int, string>();
        // In delivery order on each connection (the sort is stable: a truck's fixes keep theirs), paced or not.
        var queues = all
            .GroupBy(f => f.Truck % _connections.Length)
            .Select(g => (Connection: _connections[g.Key], Fixes: g.OrderBy(f => f.Due)
                .Select(f => (f.Truck, Due: speed is { } k ? (f.Due - first) / k : TimeSpan.Zero, f.Payload)).ToList()))
            .ToList();
        foreach (var truck in all.Select(f => f.Truck).Distinct())
        {
            topics[truck] = $"{topicPrefix}/trucks/{NotifyFleet.TruckId(truck)}/telemetry";
        }

        var clock = Stopwatch.StartNew();
        await Task.WhenAll(queues.Select(q => Task.Run(async () =>
        {
            foreach (var (truck, due, payload) in q.Fixes)
            {
                // Below a millisecond a timer would only add its own lateness.
                var wait = due - clock.Elapsed;
                if (wait > TimeSpan.FromMilliseconds(1))
                {
                    await Task.Delay(wait);
                }

                await q.Connection.PublishAsync(topics[truck], payload);
            }

            await q.Connection.FlushAsync();
        })));
        return all.Count;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var connection in _connections)
        {
            await connection.DisposeAsync();
        }
    }
}
