using System.Diagnostics;
using System.Globalization;
using System.Text.Unicode;
using WasteNotify.Messaging;
using WasteNotify.Testing;

namespace WasteNotify.Benchmarks;

/// <summary>One MQTT connection per truck, as real trackers have, each publishing its fixes at QoS 1 (window 100) through MQTTnet.</summary>
internal sealed class FleetPublisher : IAsyncDisposable
{
    private readonly MqttPublisher[] _trucks;

    private FleetPublisher(MqttPublisher[] trucks) => _trucks = trucks;

    public static async Task<FleetPublisher> ConnectAsync(int trucks)
    {
        var clients = await Task.WhenAll(Enumerable.Range(0, trucks).Select(_ =>
            MqttPublisher.ConnectAsync(TestEnvironment.Mqtt($"bench-truck-{Guid.NewGuid():N}", configure: s => s.MaxInflight = 100))));
        return new FleetPublisher(clients);
    }

    /// <summary>The truck ids a phase publishes as: <c>{truckPrefix}-0000</c>...</summary>
    public IEnumerable<string> TruckIds(string truckPrefix) => Enumerable.Range(0, _trucks.Length).Select(t => $"{truckPrefix}-{t:D4}");

    /// <summary>
    /// Publishes <paramref name="perTruck"/> fixes from every truck, as fast as the broker takes them, or each truck at
    /// <paramref name="perTruckPerSecond"/> fixes a second. Event times are one second apart, ending now.
    /// </summary>
    public Task PublishAsync(string topicPrefix, int perTruck, string truckPrefix = "bench", double? perTruckPerSecond = null) => Task.WhenAll(_trucks.Select((client, t) => Task.Run(async () =>
    {
        var topic = $"{topicPrefix}/trucks/{truckPrefix}-{t:D4}/telemetry";
        var start = DateTimeOffset.UtcNow.AddSeconds(-perTruck - 5);
        var buffer = new byte[256];
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < perTruck; i++)
        {
            if (perTruckPerSecond is { } hz)
            {
                var wait = TimeSpan.FromSeconds(i / hz) - clock.Elapsed;
                if (wait > TimeSpan.FromMilliseconds(1))
                {
                    await Task.Delay(wait);
                }
            }

            var ts = start.AddSeconds(i).UtcDateTime;
            var lat = 48.80 + (t * 0.001) + (i * 1e-6);
            Utf8.TryWrite(buffer, CultureInfo.InvariantCulture,
                $"{{\"ts\":\"{ts:yyyy-MM-ddTHH:mm:ss.fffZ}\",\"lat\":{lat:F6},\"lon\":2.350000,\"speed\":{i % 14}.5,\"heading\":{i % 360},\"seq\":{i}}}",
                out var written);
            await client.PublishAsync(topic, buffer.AsMemory(0, written));
        }

        await client.FlushAsync();
    })));

    public async ValueTask DisposeAsync()
    {
        foreach (var client in _trucks)
        {
            await client.DisposeAsync();
        }
    }
}
