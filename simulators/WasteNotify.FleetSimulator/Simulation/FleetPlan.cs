using WasteNotify.Core.City;
using WasteNotify.Core.Prediction;
using WasteNotify.Core.Streets;
using WasteNotify.Core.Tracking;

namespace WasteNotify.FleetSimulator.Simulation;

/// <summary>The city, its buildings and each truck's route, all from a seed: the same seed, the same fleet.</summary>
public sealed record FleetPlan(GeneratedCity City, IReadOnlyList<Building> Buildings, IReadOnlyList<(string TruckId, IReadOnlyList<RouteStop> Stops, IReadOnlyList<GeoPoint> Path)> Routes)
{
    public static FleetPlan Create(int citySeed, int trucks, int buildingsPerTruck, int seed)
    {
        var city = ProceduralCity.Generate(citySeed);
        var random = new Random(seed);
        var network = city.Network;
        var buildings = Enumerable.Range(1, trucks * buildingsPerTruck).Select(i =>
        {
            var p = network.Position(random.Next(network.NodeCount));
            return new Building($"sim-b{i}", $"{i} simulated street", new GeoPoint(p.Latitude + ((random.NextDouble() - 0.5) * 0.0004), p.Longitude + ((random.NextDouble() - 0.5) * 0.0004)),
                1 + (int)Math.Min(9, -Math.Log(1 - random.NextDouble()) * 1.5));
        }).ToList();
        var planned = new RoutePlanner(network, new EdgeIndex(network)).Plan(city.DepotNode, buildings, trucks);
        var routes = planned.Select((r, t) => ($"sim-{t + 1:D3}", (IReadOnlyList<RouteStop>)[.. r.Stops.Select((b, i) => new RouteStop(b.Id, r.StopNodes[i], b.Bins))], r.Path)).ToList();
        return new FleetPlan(city, buildings, routes);
    }

    /// <summary>Route <paramref name="t"/> as tracking sees it: its path, and each stop where the truck stands, at its street node.</summary>
    public TrackedRoute Tracked(int t) =>
        new(Routes[t].TruckId, Routes[t].Path, [.. Routes[t].Stops.Select(s => (s.BuildingId, City.Network.Position(s.Node)))], bins: [.. Routes[t].Stops.Select(s => s.Bins)]);

    /// <summary>Each truck's day on a date as a recorded run of its route (<see cref="Tracked"/>), fixes in delivery order.</summary>
    public IEnumerable<RecordedRunFixes> SimulateRuns(DateOnly date, TimeOnly start, TimeZoneInfo zone, SimulationOptions options, GpsOptions gps, int seed)
    {
        var local = date.ToDateTime(start);
        var plannedStart = new DateTimeOffset(local, zone.GetUtcOffset(local));
        return SimulateDay(date, start, zone, options, gps, seed)
            .Select((day, t) => new RecordedRunFixes(Tracked(t), date, plannedStart, [.. day.Fixes.Select(f => f.Tracked)]));
    }

    /// <summary>Each truck's day on a date: its ground truth and what its tracker sends.</summary>
    public IEnumerable<(TruckDayTrace Trace, List<EmittedFix> Fixes)> SimulateDay(DateOnly date, TimeOnly start, TimeZoneInfo zone, SimulationOptions options, GpsOptions gps, int seed)
    {
        var simulator = new TruckDaySimulator(City.Network, options);
        var local = date.ToDateTime(start);
        var plannedStart = new DateTimeOffset(local, zone.GetUtcOffset(local));
        for (var t = 0; t < Routes.Count; t++)
        {
            var (truck, stops, _) = Routes[t];
            // Not HashCode.Combine: it is randomised per process, and a seed must give the same day in every run.
            var daySeed = unchecked((seed * 1_000_003) + (date.DayNumber * 1_009) + t);
            var trace = simulator.Run(truck, stops, City.DepotNode, City.LandfillNode, plannedStart, zone, daySeed);
            yield return (trace, GpsModel.Emit(trace, gps, daySeed + 1));
        }
    }
}
