using System.Globalization;
using System.Text.Unicode;
using WasteNotify.Core.Telemetry;
using WasteNotify.Messaging;

namespace WasteNotify.FleetSimulator;

/// <summary>One fix as published: the same topic and JSON as real trackers, or an OwnTracks location.</summary>
internal readonly record struct OutgoingFix(string TruckId, DateTimeOffset Timestamp, double Latitude, double Longitude, double SpeedMps, double HeadingDegrees, long? Sequence);

/// <summary>
/// Publishes fixes at QoS 1 over MQTTnet: through one connection for the fleet, or one per truck under its own
/// account (opened at the truck's first fix). A connection that cannot be made within a while is an error that names
/// the broker's answer, not a silent wait.
/// </summary>
internal sealed class FixPublisher(BrokerAccess access, string topicPrefix, bool ownTracks) : IAsyncDisposable
{
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(30);

    private readonly byte[] _buffer = new byte[512];
    private readonly Dictionary<string, MqttPublisher> _byTruck = new(StringComparer.Ordinal);
    private MqttPublisher? _shared;

    public long Published { get; private set; }

    /// <summary>Publishes the broker refused (an ACL), over every connection.</summary>
    public long Refused => Publishers.Sum(p => p.Refused);

    public string? LastRefusal => Publishers.Select(p => p.LastRefusal).LastOrDefault(r => r is not null);

    private IEnumerable<MqttPublisher> Publishers => _shared is null ? _byTruck.Values : [_shared, .. _byTruck.Values];

    public static async Task<FixPublisher> ConnectAsync(BrokerAccess access, string topicPrefix, bool ownTracks, CancellationToken ct)
    {
        var publisher = new FixPublisher(access, topicPrefix, ownTracks);
        if (access.TruckPasswords is null)
        {
            publisher._shared = await OpenAsync(access.Settings(null), ct);
        }

        return publisher;
    }

    /// <summary>The truck's topic, which carries its id's topic form (<c>Truck%2012</c>), as its broker account does.</summary>
    public string Topic(string truckId) => ownTracks ? $"owntracks/{TruckIds.TopicForm(truckId)}/sim" : $"{topicPrefix}/trucks/{TruckIds.TopicForm(truckId)}/telemetry";

    public async ValueTask PublishAsync(OutgoingFix fix, CancellationToken ct)
    {
        var written = Format(fix, _buffer, ownTracks);
        var connection = _shared ?? await TruckConnectionAsync(fix.TruckId, ct);
        await connection.PublishAsync(Topic(fix.TruckId), _buffer.AsMemory(0, written), cancellationToken: ct);
        Published++;
    }

    /// <summary>Waits for every fix to be acknowledged; any the broker refused (an ACL, say) make it fail, naming the last refusal.</summary>
    public async Task FlushAsync(CancellationToken ct)
    {
        await Task.WhenAll(Publishers.Select(p => p.FlushAsync(ct)));
        if (Refused > 0)
        {
            throw new InvalidOperationException($"the broker refused {Refused:N0} of {Published:N0} fixes (last: {LastRefusal}): do the credentials match the trucks?");
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var publisher in Publishers)
        {
            await publisher.DisposeAsync();
        }
    }

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

    private async ValueTask<MqttPublisher> TruckConnectionAsync(string truckId, CancellationToken ct)
    {
        if (!_byTruck.TryGetValue(truckId, out var publisher))
        {
            publisher = await OpenAsync(access.Settings(truckId), ct);
            _byTruck[truckId] = publisher;
        }

        return publisher;
    }

    private static async Task<MqttPublisher> OpenAsync(MqttSettings settings, CancellationToken ct)
    {
        var publisher = new MqttPublisher(settings);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(ConnectTimeout);
        try
        {
            publisher.Connection.Start();
            await publisher.Connection.WaitConnectedOrRefusedAsync(timeout.Token);
            return publisher;
        }
        catch (Exception ex) when (ex is MqttRefusedException || (ex is OperationCanceledException && !ct.IsCancellationRequested))
        {
            var error = publisher.Connection.LastError ?? "no answer";
            await publisher.DisposeAsync();
            throw new InvalidOperationException($"could not connect to the MQTT broker at {settings.Host}:{settings.Port}{(settings.Username is null ? "" : $" as '{settings.Username}'")}: {error}");
        }
        catch
        {
            await publisher.DisposeAsync();
            throw;
        }
    }
}
