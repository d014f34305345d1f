using System.Globalization;
using System.Text.Unicode;
using WasteNotify.Mqtt;

namespace WasteNotify.FleetSimulator;

/// <summary>One fix as published: the same topic and JSON as real trackers, or an OwnTracks location.</summary>
internal readonly record struct OutgoingFix(string TruckId, DateTimeOffset Timestamp, double Latitude, double Longitude, double SpeedMps, double HeadingDegrees, long? Sequence);

/// <summary>Publishes fixes at QoS 1 through the project's MQTT binding, one connection for the fleet.</summary>
internal sealed class FixPublisher(MqttClient client, string topicPrefix, bool ownTracks) : IAsyncDisposable
{
    private readonly byte[] _buffer = new byte[512];

    public long Published { get; private set; }

    public static async Task<FixPublisher> ConnectAsync(string host, int port, string topicPrefix, bool ownTracks, CancellationToken ct)
    {
        var client = new MqttClient(new MqttClientOptions { Host = host, Port = port, ClientId = $"wastenotify-sim-{Guid.NewGuid():N}"[..32], MaxInflight = 500 });
        await client.ConnectAsync(ct).WaitAsync(TimeSpan.FromSeconds(30), ct);
        return new FixPublisher(client, topicPrefix, ownTracks);
    }

    public string Topic(string truckId) => ownTracks ? $"owntracks/{truckId}/sim" : $"{topicPrefix}/trucks/{truckId}/telemetry";

    public async ValueTask PublishAsync(OutgoingFix fix, CancellationToken ct)
    {
        var written = Format(fix, _buffer, ownTracks);
        await client.PublishAsync(Topic(fix.TruckId), _buffer.AsMemory(0, written), MqttQos.AtLeastOnce, cancellationToken: ct);
        Published++;
    }

    public Task FlushAsync(CancellationToken ct) => client.FlushAsync(ct);

    public ValueTask DisposeAsync() => client.DisposeAsync();

    internal static int Format(OutgoingFix fix, Span<byte> buffer, bool ownTracks)
    {
        var ok = ownTracks
            ? Utf8.TryWrite(buffer, CultureInfo.InvariantCulture,
                $"{{\"_type\":\"location\",\"tid\":\"sim\",\"lat\":{fix.Latitude:F6},\"lon\":{fix.Longitude:F6},\"tst\":{fix.Timestamp.ToUnixTimeSeconds()},\"vel\":{Math.Round(fix.SpeedMps * 3.6)},\"cog\":{Math.Round(fix.HeadingDegrees)}}}",
                out var written)
            : Utf8.TryWrite(buffer, CultureInfo.InvariantCulture,
                $"{{\"ts\":\"{fix.Timestamp.UtcDateTime:yyyy-MM-ddTHH:mm:ss.fffZ}\",\"lat\":{fix.Latitude:F6},\"lon\":{fix.Longitude:F6},\"speed\":{fix.SpeedMps:F1},\"heading\":{fix.HeadingDegrees:F0}{(fix.Sequence is { } s ? $",\"seq\":{s}" : "")}}}",
                out written);
        return ok ? written : throw new InvalidOperationException("fix does not fit its buffer");
    }
}
