using System.Globalization;
using System.Text;

namespace WasteNotify.Testing;

/// <summary>Seeded payloads for fuzzing: valid fixes of both formats and mutations of them.</summary>
/// <remarks>Topics of both families under the given prefixes: trucks <c>truck-7</c> and <c>t1</c>, an unknown one and a bad id;
/// OwnTracks <c>driver7/phone</c> (mapped), a user named after truck-7, an event sub-topic and an unknown device.</remarks>
public sealed class PayloadFuzzer(int seed, DateTimeOffset now, string nativePrefix = "wastenotify", string ownTracksPrefix = "owntracks")
{
    private readonly string[] _topics =
    [
        $"{nativePrefix}/trucks/truck-7/telemetry", $"{nativePrefix}/trucks/t1/telemetry", $"{nativePrefix}/trucks/stranger/telemetry",
        $"{nativePrefix}/trucks/bad id/telemetry", $"{nativePrefix}/other", $"{ownTracksPrefix}/driver7/phone", $"{ownTracksPrefix}/truck-7/x",
        $"{ownTracksPrefix}/driver7/phone/event", $"{ownTracksPrefix}/nobody/phone",
    ];

    private static readonly string[] Splices =
    [
        "\\ud800", "\\udfff", "\\u0000", "\\u005A", "\"", "\\", "{", "}", "[", "]", ",", ":", "null", "true", "1e400", "-0",
        "\"lat\":48.1,", "\"ts\":\"2026-11-22T06:00:00Z\",", "\"_type\":\"location\",", "\"tst\":1795300000,", "\u00e9", "🚛",
    ];

    private readonly Random _random = new(seed);

    public (string Topic, byte[] Payload) Next()
    {
        var topic = _topics[_random.Next(_topics.Length)];
        var valid = Valid(topic.StartsWith(ownTracksPrefix + "/", StringComparison.Ordinal));
        var payload = _random.Next(10) switch
        {
            0 => RandomBytes(),
            1 => Truncate(valid),
            2 => Splice(valid, Valid(_random.Next(2) == 0)),
            3 or 4 => FlipBits(valid),
            5 or 6 => Insert(valid, Encoding.UTF8.GetBytes(Splices[_random.Next(Splices.Length)])),
            7 => Insert(valid, [(byte)_random.Next(0x80, 0x100)]),
            _ => valid,
        };
        return (topic, payload);
    }

    /// <summary>A valid native fix of a registered truck (t1), and the time it must be read as.</summary>
    public (string Topic, byte[] Payload, DateTimeOffset Timestamp) Canary()
    {
        // Milliseconds, as the payload writes it.
        var ts = now.AddTicks(-(now.Ticks % TimeSpan.TicksPerMillisecond)).AddSeconds(-_random.Next(1, 86_400)).AddMilliseconds(_random.Next(1000));
        var payload = string.Create(CultureInfo.InvariantCulture, $$"""{"ts":"{{ts.UtcDateTime:yyyy-MM-ddTHH:mm:ss.fffZ}}","lat":48.85,"lon":2.35,"speed":3,"heading":12}""");
        return ($"{nativePrefix}/trucks/t1/telemetry", Encoding.UTF8.GetBytes(payload), ts);
    }

    private byte[] Valid(bool ownTracks)
    {
        var ts = now.AddSeconds(-_random.Next(-600, 9 * 86_400));
        var lat = (_random.NextDouble() * 200) - 100;
        var lon = (_random.NextDouble() * 400) - 200;
        var text = ownTracks
            ? string.Create(CultureInfo.InvariantCulture, $$"""{"_type":"{{(_random.Next(5) == 0 ? "transition" : "location")}}","lat":{{lat:F5}},"lon":{{lon:F5}},"tst":{{ts.ToUnixTimeSeconds()}},"vel":{{_random.Next(-5, 250)}},"cog":{{_random.Next(-10, 400)}},"acc":{{_random.Next(-1, 50)}}}""")
            : string.Create(CultureInfo.InvariantCulture, $$"""{"ts":"{{ts.UtcDateTime:yyyy-MM-ddTHH:mm:ss.fffZ}}","lat":{{lat:F5}},"lon":{{lon:F5}},"speed":{{(_random.NextDouble() * 60) - 5:F1}},"heading":{{_random.Next(-10, 400)}},"seq":{{_random.Next(-2, 100_000)}}}""");
        return Encoding.UTF8.GetBytes(text);
    }

    private byte[] RandomBytes()
    {
        var bytes = new byte[_random.Next(0, 200)];
        _random.NextBytes(bytes);
        return bytes;
    }

    private byte[] Truncate(byte[] valid) => valid[.._random.Next(valid.Length)];

    private byte[] Splice(byte[] a, byte[] b) => [.. a[.._random.Next(a.Length)], .. b[_random.Next(b.Length)..]];

    private byte[] FlipBits(byte[] valid)
    {
        var copy = (byte[])valid.Clone();
        for (var n = _random.Next(1, 4); n > 0; n--)
        {
            copy[_random.Next(copy.Length)] ^= (byte)(1 << _random.Next(8));
        }

        return copy;
    }

    private byte[] Insert(byte[] valid, byte[] piece)
    {
        var at = _random.Next(valid.Length);
        return [.. valid[..at], .. piece, .. valid[at..]];
    }
}
