using System.Globalization;

namespace WasteNotify.Testing;

/// <summary>Builds tracker payloads in the two formats ingest accepts.</summary>
public static class FixJson
{
    public static string Native(DateTimeOffset ts, double lat = 48.8566, double lon = 2.3522, double speed = 4.2, double heading = 90, long? seq = null) =>
        string.Create(CultureInfo.InvariantCulture,
            $$"""{"ts":"{{ts.UtcDateTime:yyyy-MM-ddTHH:mm:ss.fffZ}}","lat":{{lat:R}},"lon":{{lon:R}},"speed":{{speed:R}},"heading":{{heading:R}}{{(seq is { } s ? $",\"seq\":{s}" : "")}}}""");

    public static string OwnTracks(DateTimeOffset ts, double lat = 43.7384, double lon = 7.4246, double velKmh = 18, double cog = 180) =>
        string.Create(CultureInfo.InvariantCulture,
            $$"""{"_type":"location","tid":"d7","lat":{{lat:R}},"lon":{{lon:R}},"tst":{{ts.ToUnixTimeSeconds()}},"vel":{{velKmh:R}},"cog":{{cog:R}},"acc":8,"batt":77}""");
}
