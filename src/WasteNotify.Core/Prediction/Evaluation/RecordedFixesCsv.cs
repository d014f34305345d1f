using WasteNotify.Core.City;
using WasteNotify.Core.Streets;
using WasteNotify.Core.Telemetry;
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

    /// <exception cref="ImportException">The first bad row, or a header that cannot be used.</exception>
    public static IReadOnlyList<RunFixes> Read(TextReader reader)
    {
        var errors = new List<(int Line, ImportException Error)>();
        var runs = ReadAll(reader, errors);
        return errors.Count == 0 ? runs : throw errors[0].Error;
    }

    /// <summary>
    /// Reads the fixes row by row: a refused row (with its line and reason) is left out and the run's other fixes kept,
    /// since a fix missing is a gap the tracker bridges, not a wrong label.
    /// </summary>
    /// <exception cref="ImportException">A header that cannot be used.</exception>
    public static (IReadOnlyList<RunFixes> Runs, IReadOnlyList<RefusedRow> Refused) ReadAll(TextReader reader)
    {
        var errors = new List<(int Line, ImportException Error)>();
        var runs = ReadAll(reader, errors);
        return (runs, [.. errors.Select(e => new RefusedRow(e.Line, $"{e.Error.Field} {e.Error.Problem}"))]);
    }

    private static List<RunFixes> ReadAll(TextReader reader, List<(int Line, ImportException Error)> errors)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var runs = new Dictionary<string, List<TrackedFix>>(StringComparer.Ordinal);
        var order = new List<string>();
        foreach (var row in Csv.ReadRows(reader, Known, Required))
        {
            try
            {
                var (runId, fix) = Row(row);
                if (!runs.TryGetValue(runId, out var fixes))
                {
                    runs[runId] = fixes = [];
                    order.Add(runId);
                }

                fixes.Add(fix);
            }
            catch (ImportException ex)
            {
                errors.Add((row.Line, ex));
            }
        }

        return [.. order.Select(id => new RunFixes(id, runs[id]))];
    }

    private static (string RunId, TrackedFix Fix) Row(CsvRow row)
    {
        var (at, field) = (row.At, row.Field);
        if (row.Problem is { } problem)
        {
            throw new ImportException(at, "row", problem);
        }

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
        return (runId, new TrackedFix(time, position, speed, heading));
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
