using WasteNotify.Core.City;
using WasteNotify.Core.Streets;
using WasteNotify.Core.Tracking;

namespace WasteNotify.Core.Prediction.Evaluation;

/// <summary>The GPS fixes of one recorded run, in the order they arrived.</summary>
public sealed record RunFixes(string RunId, IReadOnlyList<TrackedFix> Fixes);

/// <summary>
/// Recorded GPS fixes as CSV (RFC 4180), the companion of <see cref="RecordedStopsCsv"/>. The header names the
/// columns in any order, in any case: run_id (the run of the stops file the fix belongs to), time (ISO 8601 with an
/// offset or Z), lat and lon (0,0 is refused), optionally speed_mps (0 to 100) and heading_deg (0 to 360, clockwise
/// from north), empty when unknown; other columns are ignored. Rows stay in file order, taken as the order the fixes
/// arrived in (the tracker places late ones by their time). A file with any bad row is refused whole.
/// </summary>
public static class RecordedFixesCsv
{
    public const string Header = "run_id,time,lat,lon,speed_mps,heading_deg";
    private static readonly string[] Required = ["run_id", "time", "lat", "lon"];
    private static readonly string[] Known = Header.Split(',');

    public static IReadOnlyList<RunFixes> Read(TextReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var runs = new Dictionary<string, List<TrackedFix>>(StringComparer.Ordinal);
        var order = new List<string>();
        foreach (var (at, field) in Csv.ReadTable(reader, Known, Required))
        {
            var runId = field("run_id");
            if (runId.Length == 0)
            {
                throw new ImportException(at, "run_id", "is empty");
            }

            var time = Csv.Time(field("time"), at, "time");
            var position = new GeoPoint(Csv.Number(field("lat"), at, "lat", -90, 90), Csv.Number(field("lon"), at, "lon", -180, 180));
            if (position == default)
            {
                throw new ImportException(at, "lat", "0,0 is no position (what a tracker without a fix sends)");
            }

            var speed = Optional(field("speed_mps"), at, "speed_mps", 100);
            var heading = Optional(field("heading_deg"), at, "heading_deg", 360);
            if (!runs.TryGetValue(runId, out var fixes))
            {
                runs[runId] = fixes = [];
                order.Add(runId);
            }

            fixes.Add(new TrackedFix(time, position, speed, heading));
        }

        return [.. order.Select(id => new RunFixes(id, runs[id]))];
    }

    public static void Write(TextWriter writer, IEnumerable<RunFixes> runs)
    {
        ArgumentNullException.ThrowIfNull(runs);
        Csv.Write(writer, Header, runs.SelectMany(run => run.Fixes.Select(f => new[]
        {
            Csv.Quote(run.RunId), Csv.Format(f.Time), Csv.Format(f.Position.Latitude), Csv.Format(f.Position.Longitude),
            f.SpeedMps is { } speed ? Csv.Format(speed) : "", f.HeadingDegrees is { } heading ? Csv.Format(heading) : "",
        })));
    }

    private static double? Optional(string text, string at, string field, double max) =>
        text.Length == 0 ? null : Csv.Number(text, at, field, 0, max);
}
