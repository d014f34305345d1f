using System.Globalization;
using WasteNotify.Core.City;

namespace WasteNotify.Core.Telemetry;

/// <summary>A row of a telemetry file that passed every check; speed, heading and sequence may be missing.</summary>
public readonly record struct TelemetryRow(int Line, string TruckId, DateTimeOffset Timestamp, double Latitude, double Longitude, float? SpeedMetersPerSecond, float? HeadingDegrees, long? Sequence);

/// <summary>A row refused, with every reason, each naming its field: <c>lat '91' is out of range -90..90</c>.</summary>
public readonly record struct RefusedRow(int Line, string Reason)
{
    public override string ToString() => $"line {Line}: {Reason}";
}

/// <summary>What a telemetry file held: its valid rows and the refused ones, in file order.</summary>
public sealed record TelemetryFile(IReadOnlyList<TelemetryRow> Rows, IReadOnlyList<RefusedRow> Refused)
{
    public int RowCount => Rows.Count + Refused.Count;
}

/// <summary>
/// Reads recorded fixes from CSV (RFC 4180): a header naming <c>truck_id, ts, lat, lon</c> and optionally <c>seq,
/// speed_mps, heading_deg</c> in any order and case, other columns ignored (the simulator's history files have more).
/// Every row is checked as ingest checks a fix, except for age (history is old by nature); a bad row is refused with
/// its line and every problem it has, never the whole file. Times need an offset or Z: without one they would be guessed.
/// </summary>
public static class TelemetryCsv
{
    public static readonly IReadOnlyList<string> Known = ["truck_id", "seq", "ts", "lat", "lon", "speed_mps", "heading_deg"];
    public static readonly IReadOnlyList<string> Required = ["truck_id", "ts", "lat", "lon"];

    /// <summary>Reads the file; a header it cannot use is an <see cref="ImportException"/>, a bad row is a <see cref="RefusedRow"/>.</summary>
    public static TelemetryFile Read(TextReader reader, TelemetryLimits limits, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(limits);
        var rows = new List<TelemetryRow>();
        var refused = new List<RefusedRow>();
        var ids = new Dictionary<string, string>(StringComparer.Ordinal); // one string per truck, not one per row
        var problems = new List<string>(4);
        using var records = Csv.ReadRecords(reader).GetEnumerator();
        if (!records.MoveNext())
        {
            throw new ImportException("line 1", "header", $"is missing (needs {string.Join(", ", Required)})");
        }

        var header = records.Current.Fields;
        var columns = Csv.Columns(header, Known, Required);
        while (true)
        {
            try
            {
                if (!records.MoveNext())
                {
                    break;
                }
            }
            catch (ImportException ex)
            {
                // An unclosed quote runs to the end of the file: that row is refused, and there is no next one.
                refused.Add(new RefusedRow(int.Parse(ex.Location.AsSpan("line ".Length), CultureInfo.InvariantCulture), ex.Problem));
                break;
            }

            var (line, fields) = records.Current;
            if (fields is [""])
            {
                continue; // a blank line
            }

            if (fields.Count != header.Count)
            {
                refused.Add(new RefusedRow(line, $"{fields.Count} fields, expected {header.Count} as in the header"));
                continue;
            }

            problems.Clear();
            string Field(string name) => columns.TryGetValue(name, out var i) ? fields[i].Trim() : "";
            var truckId = Field("truck_id");
            if (TruckIds.Problem(truckId) is { } idProblem)
            {
                problems.Add(truckId.Length == 0 ? "truck_id is empty" : $"truck_id '{TelemetryParser.Printable(truckId)}' {idProblem}");
            }

            var ts = Time(Field("ts"), now, limits.MaxFutureSkew, problems);
            var lat = Number(Field("lat"), "lat", -90, 90, required: true, problems);
            var lon = Number(Field("lon"), "lon", -180, 180, required: true, problems);
            if (lat == 0 && lon == 0)
            {
                problems.Add("lat/lon 0,0 is a receiver without a fix, not a position");
            }

            var speed = Number(Field("speed_mps"), "speed_mps", 0, limits.MaxSpeedMetersPerSecond, required: false, problems);
            var heading = Number(Field("heading_deg"), "heading_deg", 0, 360, required: false, problems);
            var seq = Sequence(Field("seq"), problems);
            if (problems.Count > 0)
            {
                refused.Add(new RefusedRow(line, string.Join("; ", problems)));
                continue;
            }

            if (!ids.TryGetValue(truckId, out var id))
            {
                ids[truckId] = id = truckId;
            }

            rows.Add(new TelemetryRow(line, id, ts, lat!.Value, lon!.Value, (float?)speed, (float?)heading, seq));
        }

        return new TelemetryFile(rows, refused);
    }

    private static DateTimeOffset Time(string text, DateTimeOffset now, TimeSpan maxFutureSkew, List<string> problems)
    {
        if (text.Length == 0)
        {
            problems.Add("ts is empty");
            return default;
        }

        if (Csv.TryTime(text, out var ts))
        {
            if (ts > now + maxFutureSkew)
            {
                problems.Add($"ts '{text}' is more than {maxFutureSkew} ahead of this machine's clock ({Csv.Format(now)})");
            }

            return ts.ToUniversalTime(); // the offset said which instant; PostgreSQL's timestamptz takes it in UTC
        }

        // A time that reads without its offset is a local time of some zone: guessing it would shift the whole day.
        problems.Add(DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var local) && local.Kind == DateTimeKind.Unspecified
            ? $"ts '{TelemetryParser.Printable(text)}' has no offset (give Z or +01:00, as in 2025-03-04T07:15:00+01:00)"
            : $"ts '{TelemetryParser.Printable(text)}' is not an ISO 8601 time with an offset or Z, like 2025-03-04T07:15:00+01:00");
        return default;
    }

    private static double? Number(string text, string field, double min, double max, bool required, List<string> problems)
    {
        if (text.Length == 0)
        {
            if (required)
            {
                problems.Add($"{field} is empty");
            }

            return null;
        }

        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
        {
            problems.Add($"{field} '{TelemetryParser.Printable(text)}' is not a number");
            return null;
        }

        if (!(value >= min && value <= max))
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"{field} '{text}' is out of range {min}..{max}"));
            return null;
        }

        return value;
    }

    private static long? Sequence(string text, List<string> problems)
    {
        if (text.Length == 0)
        {
            return null;
        }

        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var seq))
        {
            return seq;
        }

        problems.Add($"seq '{TelemetryParser.Printable(text)}' is not a whole number from 0");
        return null;
    }
}
