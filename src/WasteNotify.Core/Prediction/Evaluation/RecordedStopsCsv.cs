using System.Globalization;
using WasteNotify.Core.City;
using WasteNotify.Core.Telemetry;

namespace WasteNotify.Core.Prediction.Evaluation;

/// <summary>What a stops file held read row by row: the runs all of whose rows passed, and every refused row.</summary>
/// <param name="RefusedRuns">Runs left out because one of their rows was refused: a run missing a stop would teach wrong times.</param>
public sealed record RecordedStopsFile(IReadOnlyList<RecordedRun> Runs, IReadOnlyList<RefusedRow> Refused, IReadOnlyList<string> RefusedRuns);

/// <summary>
/// Recorded runs as CSV (RFC 4180). The header names the columns in any order, in any case: run_id, sequence, lat,
/// lon and arrival, optionally departure, building_id, outcome (served, the default, or skipped), route_id and
/// truck_id (the same on every row of a run); other columns are ignored. Times are ISO 8601 with an offset or Z.
/// <see cref="Read"/> refuses a file with any bad row whole (evaluation scores all of it or nothing);
/// <see cref="ReadAll"/> refuses rows one by one, and with them their runs (an import keeps the others).
/// </summary>
public static class RecordedStopsCsv
{
    public const string Header = "run_id,sequence,lat,lon,arrival,departure,building_id,outcome,route_id,truck_id";
    private static readonly string[] Required = ["run_id", "sequence", "lat", "lon", "arrival"];
    private static readonly string[] Known = Header.Split(',');

    /// <exception cref="ImportException">The first bad row, or a header that cannot be used.</exception>
    public static IReadOnlyList<RecordedRun> Read(TextReader reader)
    {
        var errors = new List<(int Line, ImportException Error)>();
        var file = ReadAll(reader, errors);
        return errors.Count == 0 ? file.Runs : throw errors[0].Error;
    }

    /// <exception cref="ImportException">A header that cannot be used (no row can be read under it).</exception>
    public static RecordedStopsFile ReadAll(TextReader reader) => ReadAll(reader, []);

    private static RecordedStopsFile ReadAll(TextReader reader, List<(int Line, ImportException Error)> errors)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var runs = new Dictionary<string, (List<RecordedStop> Stops, string RouteId, string TruckId, int Line)>(StringComparer.Ordinal);
        var order = new List<string>();
        var firstLine = new Dictionary<(string RunId, int Sequence), int>();
        var refusedRuns = new HashSet<string>(StringComparer.Ordinal);
        foreach (var row in Csv.ReadRows(reader, Known, Required))
        {
            var runId = row.Field("run_id");
            try
            {
                if (row.Problem is { } problem)
                {
                    throw new ImportException(row.At, "row", problem);
                }

                var stop = Row(row.At, row.Field);
                var (routeId, truckId) = (row.Field("route_id"), row.Field("truck_id"));
                if (firstLine.TryGetValue((runId, stop.Sequence), out var first))
                {
                    throw new ImportException(row.At, "sequence", $"run '{runId}' has stop {stop.Sequence} twice (first on line {first})");
                }

                if (runs.TryGetValue(runId, out var run) && (run.RouteId, run.TruckId) != (routeId, truckId))
                {
                    var (field, was, now) = run.RouteId != routeId ? ("route_id", run.RouteId, routeId) : ("truck_id", run.TruckId, truckId);
                    throw new ImportException(row.At, field, $"'{now}', but run '{runId}' is '{was}' on line {run.Line}: a run has one {field}");
                }

                if (TruckIds.Problem(truckId) is { } badTruck && truckId.Length > 0)
                {
                    throw new ImportException(row.At, "truck_id", badTruck);
                }

                firstLine[(runId, stop.Sequence)] = row.Line;
                if (!runs.ContainsKey(runId))
                {
                    runs[runId] = ([], routeId, truckId, row.Line);
                    order.Add(runId);
                }

                runs[runId].Stops.Add(stop);
            }
            catch (ImportException ex)
            {
                errors.Add((row.Line, ex));
                if (runId.Length > 0)
                {
                    refusedRuns.Add(runId);
                }
            }
        }

        return new RecordedStopsFile(
            [.. order.Where(id => !refusedRuns.Contains(id)).Select(id => Run(id, runs[id].Stops, runs[id].RouteId, runs[id].TruckId))],
            [.. errors.Select(e => new RefusedRow(e.Line, $"{e.Error.Field} {e.Error.Problem}"))], [.. refusedRuns.Order(StringComparer.Ordinal)]);
    }

    public static void Write(TextWriter writer, IEnumerable<RecordedRun> runs)
    {
        ArgumentNullException.ThrowIfNull(runs);
        Csv.Write(writer, Header, runs.SelectMany(run => run.Stops.Select(s => new[]
        {
            Csv.Quote(run.RunId), s.Sequence.ToString(CultureInfo.InvariantCulture), Csv.Format(s.Latitude), Csv.Format(s.Longitude),
            s.Arrival is { } arrival ? Csv.Format(arrival) : "", s.Departure is { } departure ? Csv.Format(departure) : "",
            Csv.Quote(s.BuildingId ?? string.Empty), s.Skipped ? "skipped" : "served", Csv.Quote(run.RouteId ?? ""), Csv.Quote(run.TruckId ?? ""),
        })));
    }

    private static RecordedRun Run(string id, List<RecordedStop> stops, string routeId, string truckId) =>
        new(id, [.. stops.OrderBy(s => s.Sequence)], routeId.Length == 0 ? null : routeId, truckId.Length == 0 ? null : truckId);

    private static RecordedStop Row(string at, Func<string, string> field)
    {
        if (field("run_id").Length == 0)
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
        return new RecordedStop(sequence, buildingId.Length == 0 ? null : buildingId, lat, lon, arrival, departure, skipped);
    }

    private static DateTimeOffset? Time(string text, string at, string field, bool skipped) =>
        text.Length == 0 ? null
        : skipped ? throw new ImportException(at, field, $"'{text}' given, but a skipped stop has no {field}")
        : Csv.Time(text, at, field);
}
