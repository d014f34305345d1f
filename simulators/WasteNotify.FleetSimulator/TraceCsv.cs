using System.Globalization;
using WasteNotify.Core.Streets;

namespace WasteNotify.FleetSimulator;

/// <summary>A recorded fix: the truck, when, where.</summary>
internal sealed record TracePoint(string TruckId, DateTimeOffset Time, GeoPoint Position);

/// <summary>
/// Reads a recorded trace as CSV with configurable columns: <c>--columns lat,lon,truck,skip,time</c> names each
/// field (lat, lon, truck, time; anything else is skipped). Local times without an offset are read in
/// <c>--time-zone</c>. The Jersey City garbage-truck file is <c>--delimiter '|' --columns lat,lon,truck,skip,time
/// --time-zone America/New_York</c>. Rows that cannot be read are counted with their line, never guessed.
/// </summary>
internal sealed record TraceCsv(char Delimiter, IReadOnlyList<string> Columns, TimeZoneInfo Zone, bool Header)
{
    public static TraceCsv JerseyCity { get; } = new('|', ["lat", "lon", "truck", "skip", "time"], TimeZoneInfo.FindSystemTimeZoneById("America/New_York"), false);

    public (List<TracePoint> Points, List<string> Rejected) Read(TextReader reader)
    {
        int Index(string name) => Columns.ToList().IndexOf(name) is var i and >= 0 ? i : throw new ArgumentException($"--columns has no '{name}'");
        var (lat, lon, truck, time) = (Index("lat"), Index("lon"), Index("truck"), Index("time"));
        var points = new List<TracePoint>();
        var rejected = new List<string>();
        var line = 0;
        if (Header)
        {
            reader.ReadLine();
            line++;
        }

        while (reader.ReadLine() is { } text)
        {
            line++;
            if (text.Length == 0)
            {
                continue;
            }

            var f = text.Split(Delimiter);
            if (f.Length < Columns.Count)
            {
                rejected.Add($"line {line}: {f.Length} fields, expected {Columns.Count}");
                continue;
            }

            if (!double.TryParse(f[lat], NumberStyles.Float, CultureInfo.InvariantCulture, out var la) || la is < -90 or > 90
                || !double.TryParse(f[lon], NumberStyles.Float, CultureInfo.InvariantCulture, out var lo) || lo is < -180 or > 180 || (la == 0 && lo == 0))
            {
                rejected.Add($"line {line}: no valid position in '{f[lat]}', '{f[lon]}'");
                continue;
            }

            if (string.IsNullOrWhiteSpace(f[truck]))
            {
                rejected.Add($"line {line}: no truck");
                continue;
            }

            if (!DateTimeOffset.TryParse(f[time], CultureInfo.InvariantCulture, DateTimeStyles.AllowWhiteSpaces, out var when))
            {
                rejected.Add($"line {line}: '{f[time]}' is not a time");
                continue;
            }

            // A time without an offset is local to the trace's zone.
            if (!HasOffset(f[time]))
            {
                var local = DateTime.SpecifyKind(when.DateTime, DateTimeKind.Unspecified);
                when = new DateTimeOffset(local, Zone.GetUtcOffset(local));
            }

            points.Add(new TracePoint(f[truck].Trim(), when.ToUniversalTime(), new GeoPoint(la, lo)));
        }

        return (points, rejected);
    }

    private static bool HasOffset(string text)
    {
        var t = text.Trim();
        return t.EndsWith('Z') || (t.Length > 6 && (t[^6] == '+' || t[^6] == '-') && t[^3] == ':');
    }
}
