using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;

namespace WasteNotify.Core.Telemetry;

/// <summary>
/// Turns one MQTT message into a validated fix or a reason for refusing it. Thread-safe; allocation-light on
/// the accepted path (one truck-id string per topic, cached). OwnTracks devices map to trucks through the
/// configuration, then through <paramref name="deviceLookup"/> (the truck registry) when given.
/// </summary>
public sealed class TelemetryParser(TelemetryLimits limits, TimeProvider timeProvider, Func<string, string?>? deviceLookup = null)
{
    private const int MaxTruckIdLength = 64;
    private const int MaxCachedTopics = 100_000;

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
                ? TelemetryParseResult.Reject(RejectReason.UnknownTopic, $"expected {_nativePrefix}{{truckId}}/telemetry with a truck id of 1-{MaxTruckIdLength} letters, digits, '.', '_' or '-'")
                : ParseNative(truckId, payload);
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
            return (limits.OwnTracksDevices.TryGetValue(name, out var truck) ? truck : deviceLookup?.Invoke(name)) is { } mapped
                ? ParseOwnTracks(mapped, payload)
                : TelemetryParseResult.Reject(RejectReason.UnknownDevice, $"OwnTracks device '{device}' is not mapped to a truck (a truck's ownTracksDevice, or Ingest:OwnTracksDevices)");
        }

        return TelemetryParseResult.Reject(RejectReason.UnknownTopic, $"not a telemetry topic: expected {_nativePrefix}{{truckId}}/telemetry or {_ownTracksPrefix}{{user}}/{{device}}");
    }

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
            var id = rest[..^suffix.Length];
            if (IsValidTruckId(id))
            {
                truckId = id.ToString();
            }
        }

        if (_truckByTopic.Count >= MaxCachedTopics)
        {
            _truckByTopic.Clear();
        }

        _truckByTopic[topic] = truckId;
        return truckId;
    }

    /// <summary>1 to 64 ASCII letters, digits, '.', '_' or '-'.</summary>
    public static bool IsValidTruckId(ReadOnlySpan<char> id)
    {
        if (id.Length is 0 or > MaxTruckIdLength)
        {
            return false;
        }

        foreach (var c in id)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
            {
                return false;
            }
        }

        return true;
    }

    private TelemetryParseResult ParseNative(string truckId, ReadOnlySpan<byte> payload)
    {
        var fields = new Fields();
        if (ReadObject(payload, ref fields, native: true) is { } error)
        {
            return error;
        }

        if (fields.Missing(native: true) is { } missing)
        {
            return TelemetryParseResult.Reject(RejectReason.MissingField, $"missing field '{missing}'");
        }

        return Validate(truckId, fields, TelemetrySource.Native);
    }

    private TelemetryParseResult ParseOwnTracks(string truckId, ReadOnlySpan<byte> payload)
    {
        var fields = new Fields();
        if (ReadObject(payload, ref fields, native: false) is { } error)
        {
            return error;
        }

        if (fields.Type is null)
        {
            return TelemetryParseResult.Reject(RejectReason.MissingField, "missing field '_type'");
        }

        if (fields.Type != "location")
        {
            return TelemetryParseResult.Ignore($"OwnTracks message of type '{fields.Type}'");
        }

        if (fields.Missing(native: false) is { } missing)
        {
            return TelemetryParseResult.Reject(RejectReason.MissingField, $"missing field '{missing}'");
        }

        // OwnTracks sends vel in km/h.
        fields.Speed /= 3.6;
        return Validate(truckId, fields, TelemetrySource.OwnTracks);
    }

    private TelemetryParseResult Validate(string truckId, Fields f, TelemetrySource source)
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

        if (f.Accuracy is { } accuracy && accuracy < 0)
        {
            return TelemetryParseResult.Reject(RejectReason.InvalidField, $"accuracy {accuracy} is negative");
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

    private static TelemetryParseResult? ReadObject(ReadOnlySpan<byte> payload, ref Fields fields, bool native)
    {
        try
        {
            var reader = new Utf8JsonReader(payload, new JsonReaderOptions { MaxDepth = 16 });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return TelemetryParseResult.Reject(RejectReason.MalformedJson, "payload is not a JSON object");
            }

            // Read to the end before blaming a field: a broken document is malformed JSON, whatever it holds.
            string? problem = null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader.ValueSpan;
                reader.Read();
                var fieldProblem = native ? fields.ReadNative(name, ref reader) : fields.ReadOwnTracks(name, ref reader);
                problem ??= fieldProblem;
                reader.Skip();
            }

            if (reader.TokenType != JsonTokenType.EndObject || reader.Read())
            {
                return TelemetryParseResult.Reject(RejectReason.MalformedJson, "unexpected content after the JSON object");
            }

            return problem is null ? null : TelemetryParseResult.Reject(RejectReason.InvalidField, problem);
        }
        catch (JsonException ex)
        {
            return TelemetryParseResult.Reject(RejectReason.MalformedJson, ex.Message);
        }
    }

    /// <summary>The fields both formats carry, read leniently and checked afterwards.</summary>
    private struct Fields
    {
        public DateTimeOffset? Timestamp;
        public double? Lat;
        public double? Lon;
        public double? Speed;
        public double? Heading;
        public double? Accuracy;
        public long? Seq;
        public string? Type;

        public readonly string? Missing(bool native) =>
            Timestamp is null ? (native ? "ts" : "tst")
            : Lat is null ? "lat"
            : Lon is null ? "lon"
            : native && Speed is null ? "speed"
            : native && Heading is null ? "heading"
            : null;

        public string? ReadNative(ReadOnlySpan<byte> name, ref Utf8JsonReader reader)
        {
            if (name.SequenceEqual("ts"u8))
            {
                return ReadIsoTimestamp(ref reader, out Timestamp);
            }

            if (name.SequenceEqual("seq"u8))
            {
                if (reader.TokenType == JsonTokenType.Null)
                {
                    return null;
                }

                if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out var seq) || seq < 0)
                {
                    return "field 'seq' must be a non-negative integer";
                }

                Seq = seq;
                return null;
            }

            return ReadCommon(name, "speed"u8, "heading"u8, ref reader);
        }

        public string? ReadOwnTracks(ReadOnlySpan<byte> name, ref Utf8JsonReader reader)
        {
            if (name.SequenceEqual("_type"u8))
            {
                if (reader.TokenType != JsonTokenType.String)
                {
                    return "field '_type' must be a string";
                }

                Type = reader.GetString();
                return null;
            }

            if (name.SequenceEqual("tst"u8))
            {
                if (reader.TokenType != JsonTokenType.Number || !reader.TryGetDouble(out var seconds) || !double.IsFinite(seconds)
                    || seconds < 0 || seconds > 253_402_300_799)
                {
                    return "field 'tst' must be Unix seconds";
                }

                Timestamp = DateTimeOffset.FromUnixTimeMilliseconds((long)(seconds * 1000));
                return null;
            }

            return ReadCommon(name, "vel"u8, "cog"u8, ref reader);
        }

        private string? ReadCommon(ReadOnlySpan<byte> name, ReadOnlySpan<byte> speedName, ReadOnlySpan<byte> headingName, ref Utf8JsonReader reader)
        {
            if (name.SequenceEqual("lat"u8))
            {
                return ReadNumber(ref reader, "lat", out Lat);
            }

            if (name.SequenceEqual("lon"u8))
            {
                return ReadNumber(ref reader, "lon", out Lon);
            }

            if (name.SequenceEqual(speedName))
            {
                return ReadNumber(ref reader, Encoding.UTF8.GetString(speedName), out Speed, nullable: true);
            }

            if (name.SequenceEqual(headingName))
            {
                return ReadNumber(ref reader, Encoding.UTF8.GetString(headingName), out Heading, nullable: true);
            }

            if (name.SequenceEqual("acc"u8))
            {
                return ReadNumber(ref reader, "acc", out Accuracy, nullable: true);
            }

            return null; // unknown fields are ignored, so trackers can send more than we read
        }

        private static string? ReadNumber(ref Utf8JsonReader reader, string name, out double? value, bool nullable = false)
        {
            value = null;
            if (nullable && reader.TokenType == JsonTokenType.Null)
            {
                return null;
            }

            if (reader.TokenType != JsonTokenType.Number || !reader.TryGetDouble(out var number) || !double.IsFinite(number))
            {
                return $"field '{name}' must be a finite number";
            }

            value = number;
            return null;
        }

        private static string? ReadIsoTimestamp(ref Utf8JsonReader reader, out DateTimeOffset? value)
        {
            value = null;
            if (reader.TokenType != JsonTokenType.String || reader.ValueIsEscaped)
            {
                return "field 'ts' must be an ISO 8601 string";
            }

            if (!HasUtcOffset(reader.ValueSpan) || !reader.TryGetDateTimeOffset(out var ts))
            {
                return "field 'ts' must be an ISO 8601 time with a UTC offset, e.g. 2026-11-22T07:00:00.000Z";
            }

            value = ts.ToUniversalTime();
            return null;
        }

        // A time without 'Z' or an offset would be read in the server's zone: refuse the ambiguity.
        private static bool HasUtcOffset(ReadOnlySpan<byte> text) =>
            text.Length > 10 && (text[^1] is (byte)'Z' or (byte)'z'
                || (text.Length > 16 && text[^6] is (byte)'+' or (byte)'-' && text[^3] == (byte)':'));
    }
}
