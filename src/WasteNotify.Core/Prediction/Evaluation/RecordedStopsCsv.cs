using System.Globalization;
using WasteNotify.Core.City;

namespace WasteNotify.Core.Prediction.Evaluation;

/// <summary>
/// Recorded runs as CSV (RFC 4180). The header names the columns in any order, in any case: run_id, sequence, lat,
/// lon and arrival, optionally departure, building_id and outcome (served, the default, or skipped); other columns are
/// ignored. Times are ISO 8601 with an offset or Z. A file with any bad row is refused whole.
/// </summary>
public static class RecordedStopsCsv
{
    public const string Header = "run_id,sequence,lat,lon,arrival,departure,building_id,outcome";
    private static readonly string[] Required = ["run_id", "sequence", "lat", "lon", "arrival"];
    private static readonly string[] Known = Header.Split(',');

    public static IReadOnlyList<RecordedRun> Read(TextReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var runs = new Dictionary<string, List<RecordedStop>>(StringComparer.Ordinal);
        var order = new List<string>();
        var firstLine = new Dictionary<(string RunId, int Sequence), string>();
        foreach (var (at, field) in Csv.ReadTable(reader, Known, Required))
        {
            var (runId, stop) = Row(at, field);
            if (!firstLine.TryAdd((runId, stop.Sequence), at))
            {
                throw new ImportException(at, "sequence",
                    $"run '{runId}' has stop {stop.Sequence} twice (first on {firstLine[(runId, stop.Sequence)]})");
            }

            if (!runs.TryGetValue(runId, out var stops))
            {
                runs[runId] = stops = [];
                order.Add(runId);
            }

            stops.Add(stop);
        }

        return [.. order.Select(id => new RecordedRun(id, [.. runs[id].OrderBy(s => s.Sequence)]))];
    }

    public static void Write(TextWriter writer, IEnumerable<RecordedRun> runs)
    {
        ArgumentNullException.ThrowIfNull(runs);
        Csv.Write(writer, Header, runs.SelectMany(run => run.Stops.Select(s => new[]
        {
            Csv.Quote(run.RunId), s.Sequence.ToString(CultureInfo.InvariantCulture), Csv.Format(s.Latitude), Csv.Format(s.Longitude),
            s.Arrival is { } arrival ? Csv.Format(arrival) : "", s.Departure is { } departure ? Csv.Format(departure) : "",
            Csv.Quote(s.BuildingId ?? string.Empty), s.Skipped ? "skipped" : "served",
        })));
    }

    private static (string RunId, RecordedStop Stop) Row(string at, Func<string, string> field)
    {
        var runId = field("run_id");
        if (runId.Length == 0)
        {
            throw new ImportException(at, "run_id", "is empty");
        }

        var sequence = int.TryParse(field("sequence"), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n
            : throw new ImportException(at, "sequence", $"'{field("sequence")}' is not a whole number from 0");
        var lat = Csv.Number(field("lat"), at, "lat", -90, 90);
        var lon = Csv.Number(field("lon"), at, "lon", -180, 180);
        var skipped = field("outcome").ToLowerInvariant() switch
        {
            "" or "served" => false,
            "skipped" => true,
            var other => throw new ImportException(at, "outcome", $"'{other}' is neither served nor skipped"),
        };
        var arrival = Time(field("arrival"), at, "arrival", skipped);
        var departure = Time(field("departure"), at, "departure", skipped);
        if (!skipped && arrival is null)
        {
            throw new ImportException(at, "arrival", "is empty, but a served stop needs its arrival time");
        }

        if (departure < arrival)
        {
            throw new ImportException(at, "departure", $"'{field("departure")}' is before the arrival '{field("arrival")}'");
        }

        var buildingId = field("building_id");
        return (runId, new RecordedStop(sequence, buildingId.Length == 0 ? null : buildingId, lat, lon, arrival, departure, skipped));
    }

    private static DateTimeOffset? Time(string text, string at, string field, bool skipped) =>
        text.Length == 0 ? null
        : skipped ? throw new ImportException(at, field, $"'{text}' given, but a skipped stop has no {field}")
        : Csv.Time(text, at, field);
}
