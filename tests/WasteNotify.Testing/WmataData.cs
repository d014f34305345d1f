using System.Globalization;
using WasteNotify.Core.Prediction.Evaluation;
using WasteNotify.Core.Streets;
using WasteNotify.Core.Tracking;

namespace WasteNotify.Testing;

/// <summary>One bus trip of the WMATA set as one vehicle drove it: its GTFS shape and stops, the pings it sent, the arrivals derived from them.</summary>
public sealed record WmataTrip(string TripId, string VehicleId, string RouteId, TrackedRoute Route, List<TrackedFix> Fixes, Dictionary<int, WmataArrival> Arrivals,
    List<(int Sequence, string StopId, GeoPoint At)> Stops)
{
    /// <summary>The run's id in trace files: trip and vehicle (a trip can be driven by two buses).</summary>
    public string RunId => $"{TripId}/{VehicleId}";
}

/// <summary>An arrival of arrivals.csv: when the bus reached the stop (or came nearest), how long it was within 30 m, and whether the row is clean.</summary>
public sealed record WmataArrival(DateTimeOffset Arrival, double SecondsWithin, bool Clean);

/// <summary>
/// The real WMATA bus AVL of ../shared/data/wmata-bus-avl (2026-02-16, pings every ~30 s; "Data: WMATA", never
/// redistributed): read from there, never copied. See its README for the columns and how arrivals were derived.
/// </summary>
public static class WmataData
{
    public const string Folder = "wmata-bus-avl";

    public static List<WmataTrip> Load()
    {
        var root = Path.GetDirectoryName(SharedData.Require($"{Folder}/avl.csv"))!;
        var shapes = Table(Path.Combine(root, "gtfs", "shapes.txt"))
            .GroupBy(r => r["shape_id"])
            .ToDictionary(g => g.Key, g => g.OrderBy(r => int.Parse(r["shape_pt_sequence"], CultureInfo.InvariantCulture))
                .Select(r => new GeoPoint(Number(r["shape_pt_lat"]), Number(r["shape_pt_lon"]))).ToList());
        var trips = Table(Path.Combine(root, "gtfs", "trips.txt")).ToDictionary(r => r["trip_id"], r => (Shape: r["shape_id"], Route: r["route_id"]));
        var stops = Table(Path.Combine(root, "gtfs", "stops.txt")).ToDictionary(r => r["stop_id"], r => new GeoPoint(Number(r["stop_lat"]), Number(r["stop_lon"])));
        var stopTimes = Table(Path.Combine(root, "gtfs", "stop_times.txt"))
            .GroupBy(r => r["trip_id"])
            .ToDictionary(g => g.Key, g => g.OrderBy(r => int.Parse(r["stop_sequence"], CultureInfo.InvariantCulture))
                .Select(r => (Sequence: int.Parse(r["stop_sequence"], CultureInfo.InvariantCulture), StopId: r["stop_id"])).ToList());
        var arrivals = Table(Path.Combine(root, "arrivals.csv"))
            .GroupBy(r => (r["trip_id_performed"], r["vehicle_id"]))
            .ToDictionary(g => g.Key, g => g.ToDictionary(
                r => int.Parse(r["stop_sequence"], CultureInfo.InvariantCulture),
                r => new WmataArrival(DateTimeOffset.FromUnixTimeSeconds(long.Parse(r["arrival_epoch_s"], CultureInfo.InvariantCulture)),
                    double.Parse(r["exit_epoch_s"], CultureInfo.InvariantCulture) - double.Parse(r["enter_epoch_s"], CultureInfo.InvariantCulture),
                    r["flags"].Length == 0)));

        var result = new List<WmataTrip>();
        foreach (var group in Table(Path.Combine(root, "avl.csv")).GroupBy(r => (r["trip_id_performed"], r["vehicle_id"])))
        {
            var (tripId, vehicle) = group.Key;
            if (!trips.TryGetValue(tripId, out var trip) || !stopTimes.TryGetValue(tripId, out var tripStops))
            {
                continue;
            }

            var fixes = group.Select(r => new TrackedFix(
                    DateTimeOffset.FromUnixTimeSeconds(long.Parse(r["event_epoch_s"], CultureInfo.InvariantCulture)),
                    new GeoPoint(Number(r["latitude"]), Number(r["longitude"])),
                    r["speed"].Length == 0 ? null : Number(r["speed"]),
                    r["heading"].Length == 0 ? null : Number(r["heading"])))
                .OrderBy(f => f.Time).ToList();
            // Stops in sequence order; the sequence numbers are GTFS's (they need not start at 1), kept beside the route's.
            var route = new TrackedRoute($"{trip.Route}:{tripId}", shapes[trip.Shape], [.. tripStops.Select(s => ($"{s.Sequence}", stops[s.StopId]))]);
            result.Add(new WmataTrip(tripId, vehicle, trip.Route, route, fixes, arrivals.GetValueOrDefault((tripId, vehicle)) ?? [],
                [.. tripStops.Select(s => (s.Sequence, s.StopId, stops[s.StopId]))]));
        }

        return result;
    }

    /// <summary>
    /// The trips as the trace files evaluate, train and import-runs read (<see cref="RecordedStopsCsv"/>,
    /// <see cref="RecordedFixesCsv"/>): every GTFS stop of a trip with its derived arrival (flagged ones too; no
    /// departure), a stop the bus never reached as skipped, the GTFS stop id as the building; times in New York's
    /// offsets, as a city's export would write them. Trips with fewer than 10 pings are left out.
    /// </summary>
    public static (string Stops, string Fixes) WriteTrace(List<WmataTrip> trips, string directory)
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");
        DateTimeOffset Local(DateTimeOffset t) => TimeZoneInfo.ConvertTime(t, zone);
        var kept = trips.Where(t => t.Fixes.Count >= 10).ToList();
        var runs = kept.Select(t => new RecordedRun(t.RunId, [.. t.Stops.Select(s =>
        {
            var arrival = t.Arrivals.TryGetValue(s.Sequence, out var a) ? Local(a.Arrival) : (DateTimeOffset?)null;
            return new RecordedStop(s.Sequence, s.StopId, s.At.Latitude, s.At.Longitude, arrival, null, arrival is null);
        })]));
        var fixes = kept.Select(t => new RunFixes(t.RunId, [.. t.Fixes.Select(f => f with { Time = Local(f.Time) })]));
        var (stopsFile, fixesFile) = (Path.Combine(directory, "wmata-stops.csv"), Path.Combine(directory, "wmata-fixes.csv"));
        using (var writer = File.CreateText(stopsFile))
        {
            RecordedStopsCsv.Write(writer, runs);
        }

        using (var writer = File.CreateText(fixesFile))
        {
            RecordedFixesCsv.Write(writer, fixes);
        }

        return (stopsFile, fixesFile);
    }

    private static double Number(string text) => double.Parse(text, CultureInfo.InvariantCulture);

    /// <summary>A comma-separated table with a header and no quoting (these files have none), as rows by column name.</summary>
    private static IEnumerable<Dictionary<string, string>> Table(string path)
    {
        using var reader = new StreamReader(path);
        var header = reader.ReadLine()!.Split(',');
        while (reader.ReadLine() is { } line)
        {
            var fields = line.Split(',');
            yield return header.Select((name, i) => (name, value: i < fields.Length ? fields[i] : "")).ToDictionary(x => x.name, x => x.value);
        }
    }
}
