using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Unicode;

namespace WasteNotify.Core.Telemetry;

/// <summary>
/// Turns one MQTT message into a validated fix or a reason for refusing it. Total: whatever the bytes, it returns
/// a result and never throws. Thread-safe; allocation-light on the accepted path (one truck-id string per topic,
/// cached). OwnTracks devices map to trucks through the configuration, then the truck registry; with a registry,
/// a fix of a truck it does not hold is refused unless <see cref="TelemetryLimits.AcceptUnregisteredTrucks"/>.
/// </summary>
public sealed class TelemetryParser(TelemetryLimits limits, TimeProvider timeProvider, KnownTrucks? trucks = null)
{
    private const int MaxCachedTopics = 100_000;
    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = 16 };

    private readonly string _nativePrefix = limits.TopicPrefix + "/trucks/";
    private readonly string _ownTracksPrefix = limits.OwnTracksPrefix + "/";
    private readonly ConcurrentDictionary<string, string?> _truckByTopic = new(StringComparer.Ordinal);

    public TelemetryParseResult Parse(string topic, ReadOnlySpan<byte> payload)
    {
        if (payload.Length > limits.MaxPayloadBytes)
        {
            return TelemetryParseResult.Reject(RejectReason.PayloadTooLarge, $"payload is {payload.Length} bytes, the limit is {limits.MaxPayloadBytes}");
        }

        if (topic.StartsWith(_nativePrefix, StringComparison.Ordinal))
        {
            var truckId = NativeTruckId(topic);
            return truckId is null
                ? TelemetryParseResult.Reject(RejectReason.UnknownTopic, $"expected {_nativePrefix}{{truckId}}/telemetry with the truck id in its topic form (letters, digits, '.', '_', '-' and %XX for each other UTF-8 byte)")
                : Unregistered(truckId) ?? ParsePayload(truckId, payload, TelemetrySource.Native);
        }

        if (topic.StartsWith(_ownTracksPrefix, StringComparison.Ordinal))
        {
            var device = topic.AsSpan(_ownTracksPrefix.Length);
            var slash = device.IndexOf('/');
            if (slash <= 0 || slash == device.Length - 1 || device[(slash + 1)..].Contains('/'))
            {
                // owntracks/user/device/event, /cmd, /info, /waypoints: part of the protocol, but no position.
                return TelemetryParseResult.Ignore("OwnTracks sub-topic without a location");
            }

            var name = device.ToString();
            return OwnTracksTruck(name, device[..slash].ToString()) is { } mapped
                ? Unregistered(mapped) ?? ParsePayload(mapped, payload, TelemetrySource.OwnTracks)
                : TelemetryParseResult.Reject(RejectReason.UnknownDevice, $"OwnTracks device '{Printable(name)}' is not mapped to a truck (a truck's ownTracksDevice, Ingest:OwnTracksDevices, or a user named after a registered truck)");
        }

        return TelemetryParseResult.Reject(RejectReason.UnknownTopic, $"not a telemetry topic: expected {_nativePrefix}{{truckId}}/telemetry or {_ownTracksPrefix}{{user}}/{{device}}");
    }

    /// <summary>What a topic names: the truck id of a native topic, or the <c>user/device</c> of an OwnTracks one.</summary>
    public (string? TruckId, string? Device) Subject(string topic) =>
        topic.StartsWith(_nativePrefix, StringComparison.Ordinal) ? (NativeTruckId(topic), null)
        : topic.StartsWith(_ownTracksPrefix, StringComparison.Ordinal) ? (null, topic[_ownTracksPrefix.Length..])
        : (null, null);

    /// <summary>
    /// Configuration first, then a truck registered with this device, then a user named after a registered truck:
    /// with broker credentials per truck, OwnTracks publishes on <c>owntracks/{its username}/{device}</c>, the username
    /// being the truck id's topic form.
    /// </summary>
    private string? OwnTracksTruck(string device, string user) =>
        limits.OwnTracksDevices.TryGetValue(device, out var configured) ? configured
        : trucks?.TruckOfDevice(device) is { } registered ? registered
        : trucks is not null && TruckIds.FromTopicForm(user) is { } named && trucks.Contains(named) ? named
        : null;

    private TelemetryParseResult? Unregistered(string truckId) =>
        trucks is null || limits.AcceptUnregisteredTrucks || trucks.Contains(truckId)
            ? null
            : TelemetryParseResult.Reject(RejectReason.UnknownTruck, $"truck '{truckId}' is not registered (PUT /api/trucks/{Uri.EscapeDataString(truckId)}); Ingest:AcceptUnregisteredTrucks is off");

    private string? NativeTruckId(string topic)
    {
        if (_truckByTopic.TryGetValue(topic, out var cached))
        {
            return cached;
        }

        var rest = topic.AsSpan(_nativePrefix.Length);
        const string suffix = "/telemetry";
        string? truckId = null;
        if (rest.EndsWith(suffix, StringComparison.Ordinal))
        {
            // The topic carries the id's topic form (Truck%2012); the registry and the stored fixes keep the id itself.
            truckId = TruckIds.FromTopicForm(rest[..^suffix.Length]);
        }

        if (_truckByTopic.Count >= MaxCachedTopics)
        {
            _truckByTopic.Clear();
        }

        _truckByTopic[topic] = truckId;
        return truckId;
    }

    private TelemetryParseResult ParsePayload(string truckId, ReadOnlySpan<byte> payload, TelemetrySource source)
    {
        // Trackers that write a byte-order mark mean UTF-8 by it; the JSON reader would refuse it.
        payload = payload.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) ? payload[3..] : payload;
        if (!Utf8.IsValid(payload))
        {
            return TelemetryParseResult.Reject(RejectReason.InvalidEncoding, $"payload is not valid UTF-8 (first bad byte at offset {FirstInvalidByte(payload)})");
        }

        var fields = new TelemetryFields(source);
        if (ReadObject(payload, ref fields) is { } refused)
        {
            return refused;
        }

        if (source == TelemetrySource.OwnTracks)
        {
            if (fields.Type is null)
            {
                return TelemetryParseResult.Reject(RejectReason.MissingField, "missing field '_type'");
            }

            if (fields.Type != "location")
            {
                return TelemetryParseResult.Ignore($"OwnTracks message of type '{Printable(fields.Type)}'");
            }
        }

        if (fields.Missing() is { } missing)
        {
            return TelemetryParseResult.Reject(RejectReason.MissingField, $"missing field '{missing}'");
        }

        if (source == TelemetrySource.OwnTracks)
        {
            fields.Speed /= 3.6; // OwnTracks sends vel in km/h
        }

        return Validate(truckId, fields, source);
    }

    private TelemetryParseResult Validate(string truckId, TelemetryFields f, TelemetrySource source)
    {
        if (f.Lat is not (>= -90 and <= 90) || f.Lon is not (>= -180 and <= 180))
        {
            return TelemetryParseResult.Reject(RejectReason.InvalidCoordinates, $"latitude {f.Lat} / longitude {f.Lon} out of range");
        }

        if (f.Lat == 0 && f.Lon == 0)
        {
            return TelemetryParseResult.Reject(RejectReason.InvalidCoordinates, "0,0 is a receiver without a fix, not a position");
        }

        if (f.Speed is { } speed && (speed < 0 || speed > limits.MaxSpeedMetersPerSecond))
        {
            return TelemetryParseResult.Reject(RejectReason.InvalidSpeed, $"speed {speed:0.##} m/s outside 0..{limits.MaxSpeedMetersPerSecond} m/s");
        }

        if (f.Heading is { } heading && heading is not (>= 0 and <= 360))
        {
            return TelemetryParseResult.Reject(RejectReason.InvalidHeading, $"heading {heading} outside 0..360 degrees");
        }

        if (f.Accuracy is { } accuracy && (accuracy < 0 || accuracy > float.MaxValue))
        {
            return TelemetryParseResult.Reject(RejectReason.InvalidField, $"accuracy {accuracy} is negative or out of range");
        }

        var now = timeProvider.GetUtcNow();
        var ts = f.Timestamp!.Value;
        if (ts > now + limits.MaxFutureSkew)
        {
            return TelemetryParseResult.Reject(RejectReason.TimestampInFuture, $"timestamp {ts:O} is more than {limits.MaxFutureSkew} ahead of {now:O}");
        }

        if (ts < now - limits.MaxAge)
        {
            return TelemetryParseResult.Reject(RejectReason.TimestampTooOld, $"timestamp {ts:O} is older than {limits.MaxAge}");
        }

        return TelemetryParseResult.Accept(new TelemetryFix(truckId, ts, f.Lat!.Value, f.Lon!.Value,
            (float?)f.Speed, (float?)f.Heading, (float?)f.Accuracy, f.Seq, source, now));
    }

    /// <summary>
    /// Reads the object to its end, every nested value included, before blaming a field: a broken document is
    /// malformed JSON and a bad escape is a bad encoding, whatever the fields hold.
    /// </summary>
    private static TelemetryParseResult? ReadObject(ReadOnlySpan<byte> payload, ref TelemetryFields fields)
    {
        try
        {
            var reader = new Utf8JsonReader(payload, ReaderOptions);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return TelemetryParseResult.Reject(RejectReason.MalformedJson, "payload is not a JSON object");
            }

            FieldProblem? problem = null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (!TelemetryFields.EscapesAreValid(ref reader))
                {
                    return TelemetryParseResult.Reject(RejectReason.InvalidEncoding, "a field name holds an escape that is not valid UTF-16 (a lone surrogate)");
                }

                var fieldProblem = fields.Read(ref reader);
                problem ??= fieldProblem;
                if (TelemetryFields.SkipValidating(ref reader) is { } badEscape)
                {
                    return TelemetryParseResult.Reject(RejectReason.InvalidEncoding, badEscape);
                }
            }

            if (reader.TokenType != JsonTokenType.EndObject || reader.Read())
            {
                return TelemetryParseResult.Reject(RejectReason.MalformedJson, "unexpected content after the JSON object");
            }

            return problem is { } p ? TelemetryParseResult.Reject(p.Reason, p.Detail) : null;
        }
        catch (JsonException ex)
        {
            return TelemetryParseResult.Reject(RejectReason.MalformedJson, ex.Message);
        }
    }

    private static int FirstInvalidByte(ReadOnlySpan<byte> payload)
    {
        Span<char> scratch = stackalloc char[256];
        var offset = 0;
        while (offset < payload.Length)
        {
            var status = Utf8.ToUtf16(payload[offset..], scratch, out var read, out _, replaceInvalidSequences: false, isFinalBlock: true);
            if (status == System.Buffers.OperationStatus.InvalidData)
            {
                return offset + read;
            }

            offset += read;
        }

        return offset;
    }

    /// <summary>Text from a client, shortened and stripped of control characters before it goes into a detail or a log.</summary>
    public static string Printable(string text)
    {
        var shown = text.Length > 40 ? text[..40] + "..." : text;
        return string.Create(shown.Length, shown, (span, s) =>
        {
            for (var i = 0; i < s.Length; i++)
            {
                span[i] = char.IsControl(s[i]) || char.IsSurrogate(s[i]) ? '?' : s[i];
            }
        });
    }
}
