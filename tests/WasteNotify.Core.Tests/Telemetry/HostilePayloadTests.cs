using System.Text;
using WasteNotify.Core.Telemetry;

namespace WasteNotify.Core.Tests.Telemetry;

/// <summary>What a client can send that is not a plain fix: every one is a named rejection, never an exception.</summary>
public sealed class HostilePayloadTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 7, 0, 0, TimeSpan.Zero);
    private const string Native = "wastenotify/trucks/truck-7/telemetry";
    private const string Phone = "owntracks/driver7/phone";
    private const string Good = "\"ts\":\"2026-11-22T06:59:58.250Z\",\"lat\":48.8566,\"lon\":2.3522,\"speed\":4.2,\"heading\":90";

    private static readonly TelemetryParser Parser = new(new TelemetryLimits { OwnTracksDevices = { ["driver7/phone"] = "truck-7" } }, new ManualClock(Now));

    private static TelemetryParseResult Parse(string topic, byte[] payload) => Parser.Parse(topic, payload);

    private static TelemetryParseResult Parse(string topic, string payload) => Parse(topic, Encoding.UTF8.GetBytes(payload));

    private static byte[] Bytes(params object[] parts) =>
        [.. parts.SelectMany(p => p is string s ? Encoding.UTF8.GetBytes(s) : (byte[])p)];

    public static TheoryData<string, byte[], RejectReason> Hostile() => new()
    {
        // The two payloads that stopped the service: a lone surrogate and raw invalid UTF-8 in OwnTracks' _type.
        { Phone, Bytes("""{"_type":"\ud800","lat":43.7,"lon":7.4,"tst":1795000000}"""), RejectReason.InvalidEncoding },
        { Phone, Bytes("{\"_type\":\"", new byte[] { 0xC3, 0x28 }, "\",\"lat\":43.7,\"lon\":7.4,\"tst\":1795000000}"), RejectReason.InvalidEncoding },
        // Invalid UTF-8 or a lone surrogate anywhere, read or not, top level or nested, name or value.
        { Native, Bytes("{" + Good + ",\"note\":\"", new byte[] { 0xFF, 0xFE }, "\"}"), RejectReason.InvalidEncoding },
        { Native, Bytes("{" + Good + ",\"note\":\"", new byte[] { 0xED, 0xA0, 0x80 }, "\"}"), RejectReason.InvalidEncoding },
        { Native, Bytes("{" + Good + ",\"note\":\"", new byte[] { 0xE2, 0x82 }, "\"}"), RejectReason.InvalidEncoding },
        { Native, Bytes("{" + Good + ""","note":"\udc00x"}"""), RejectReason.InvalidEncoding },
        { Native, Bytes("{" + Good + ""","meta":{"tags":["ok","\ud83d"]}}"""), RejectReason.InvalidEncoding },
        { Native, Bytes("{" + Good + ""","\ud800":1}"""), RejectReason.InvalidEncoding },
        { Native, Bytes("""{"ts":"2026-11-22T06:59:58.250\ud800","lat":48.8566,"lon":2.3522,"speed":4.2,"heading":90}"""), RejectReason.InvalidEncoding },
        // A field we read, twice: which one counts is anybody's guess.
        { Native, Bytes("""{"lat":95,""" + Good + "}"), RejectReason.DuplicateField },
        { Native, Bytes("{" + Good + ""","\u006c\u0061t":48.85}"""), RejectReason.DuplicateField },
        { Phone, Bytes("""{"_type":"location","_type":"lwt","lat":43.7,"lon":7.4,"tst":1795000000}"""), RejectReason.DuplicateField },
        // Structure.
        { Native, Bytes(new string('[', 100) + new string(']', 100)), RejectReason.MalformedJson },
        { Native, Bytes("{" + Good + ",\"deep\":" + new string('[', 40) + new string(']', 40) + "}"), RejectReason.MalformedJson },
        { Native, Bytes("{" + Good + ",}"), RejectReason.MalformedJson },
        { Native, Bytes("{" + Good + "} {}"), RejectReason.MalformedJson },
        { Native, Bytes("{" + Good + "/* c */}"), RejectReason.MalformedJson },
        { Native, Bytes("{\"ts\":\"2026-11-22T06:59:58Z\u0001\"}"), RejectReason.MalformedJson },
        { Native, Bytes([]), RejectReason.MalformedJson },
        { Native, Bytes(new byte[] { 0 }), RejectReason.MalformedJson },
        // Numbers out of every range.
        { Native, Bytes("""{"ts":"2026-11-22T06:59:58.250Z","lat":1e400,"lon":2.35,"speed":4.2,"heading":90}"""), RejectReason.InvalidField },
        { Native, Bytes("{" + Good + ",\"seq\":99999999999999999999}"), RejectReason.InvalidField },
        { Native, Bytes("{" + Good + ",\"acc\":1e300}"), RejectReason.InvalidField },
        { Native, Bytes("""{"ts":"2026-11-22T06:59:58.250Z","lat":-0.0,"lon":0e5,"speed":4.2,"heading":90}"""), RejectReason.InvalidCoordinates },
        { Phone, Bytes("""{"_type":"location","lat":43.7,"lon":7.4,"tst":1e300}"""), RejectReason.InvalidField },
        { Native, Bytes("""{"ts":"+999999-01-01T00:00:00Z","lat":48.8,"lon":2.3,"speed":1,"heading":1}"""), RejectReason.InvalidField },
        { Native, Bytes("{\"ts\":\"" + new string('2', 500) + "Z\",\"lat\":48.8,\"lon\":2.3,\"speed\":1,\"heading\":1}"), RejectReason.InvalidField },
    };

    [Theory]
    [MemberData(nameof(Hostile))]
    public void Each_hostile_payload_is_a_named_rejection(string topic, byte[] payload, RejectReason reason)
    {
        var result = Parse(topic, payload);

        Assert.Equal(TelemetryOutcome.Rejected, result.Outcome);
        Assert.Equal(reason, result.Reason);
        Assert.False(string.IsNullOrWhiteSpace(result.Detail));
    }

    [Fact]
    public void A_timestamp_written_with_json_escapes_is_the_same_time()
    {
        var plain = Parse(Native, "{" + Good + "}");
        var escaped = Parse(Native, """{"ts":"2026-11-22T06:59:58.250\u005A","lat":48.8566,"lon":2.3522,"speed":4.2,"heading":90}""");
        var allEscaped = Parse(Native, """{"\u0074s":"\u0032026-11-22T06:59:58.250\u002B00:00","lat":48.8566,"lon":2.3522,"speed":4.2,"heading":90}""");

        Assert.Equal(TelemetryOutcome.Accepted, escaped.Outcome);
        Assert.Equal(plain.Fix.Timestamp, escaped.Fix.Timestamp);
        Assert.Equal(TelemetryOutcome.Accepted, allEscaped.Outcome);
        Assert.Equal(plain.Fix.Timestamp, allEscaped.Fix.Timestamp);
    }

    [Fact]
    public void Escaped_names_and_a_byte_order_mark_are_read_like_plain_ones()
    {
        var result = Parse(Phone, Bytes(new byte[] { 0xEF, 0xBB, 0xBF }, """{"\u005ftype":"loc\u0061tion","l\u0061t":43.7,"lon":7.4,"tst":1795300000,"tid":"\ud83d\ude9b"}"""));

        Assert.Equal(TelemetryOutcome.Accepted, result.Outcome);
        Assert.Equal(43.7, result.Fix.Latitude);
    }

    [Fact]
    public void Valid_text_in_fields_nobody_reads_is_fine_whatever_its_script()
    {
        var result = Parse(Native, "{" + Good + ",\"driver\":\"Zoë 🚛 Łódź 東京\",\"tags\":[\"\\n\",{\"k\":\"\\u00e9\"}]}");

        Assert.Equal(TelemetryOutcome.Accepted, result.Outcome);
    }
}
