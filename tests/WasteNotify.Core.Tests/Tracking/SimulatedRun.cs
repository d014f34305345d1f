using WasteNotify.Core.City;
using WasteNotify.Core.Streets;
using WasteNotify.Core.Tests.City;
using WasteNotify.Core.Tracking;
using WasteNotify.FleetSimulator.Simulation;

namespace WasteNotify.Core.Tests.Tracking;

/// <summary>A simulated run on the procedural town: the route as tracking sees it, the truth, and the fixes sent.</summary>
internal sealed record SimulatedRun(TrackedRoute Route, TruckDayTrace Truth, List<EmittedFix> Fixes)
{
    public static readonly GeneratedCity Town = ProceduralCity.Generate(seed: 2);
    public static readonly TimeZoneInfo Paris = TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris");
    private static readonly Dictionary<(int, int), (PlannedRoute, List<RouteStop>)> Routes = [];

    public static SimulatedRun Create(int seed, int stops = 60, SimulationOptions? options = null, GpsOptions? gps = null, int routeSeed = 3, DateOnly? date = null)
    {
        var (planned, routeStops) = Plan(stops, routeSeed);
        var day = date ?? new DateOnly(2026, 11, 23);
        var start = new DateTimeOffset(day.ToDateTime(new TimeOnly(6, 0)), Paris.GetUtcOffset(day.ToDateTime(new TimeOnly(6, 0))));
        var trace = new TruckDaySimulator(Town.Network, options ?? new SimulationOptions())
            .Run("truck-1", routeStops, Town.DepotNode, Town.LandfillNode, start, Paris, seed);
        return new SimulatedRun(RouteOf(planned, routeStops), trace, GpsModel.Emit(trace, gps ?? new GpsOptions(), seed + 1));
    }

    public static (PlannedRoute Planned, List<RouteStop> Stops) Plan(int stops, int routeSeed)
    {
        lock (Routes)
        {
            if (!Routes.TryGetValue((stops, routeSeed), out var route))
            {
                var buildings = Buildings.Near(Town.Network, stops, routeSeed);
                var planned = new RoutePlanner(Town.Network, new EdgeIndex(Town.Network)).Plan(Town.DepotNode, buildings, trucks: 1).Single();
                Routes[(stops, routeSeed)] = route = (planned, [.. planned.Stops.Select((b, i) => new RouteStop(b.Id, planned.StopNodes[i], b.Bins))]);
            }

            return route;
        }
    }

    public static TrackedRoute RouteOf(PlannedRoute planned, IReadOnlyList<RouteStop> stops) =>
        new($"route-{stops.Count}", planned.Path, [.. stops.Select(s => (s.BuildingId, Town.Network.Position(s.Node)))]);

    /// <summary>Every fix through a fresh tracker, in the given order; the events it decided.</summary>
    public static readonly TrackerOptions Options = new() { Facilities = [Town.Network.Position(Town.LandfillNode)] };

    public List<TrackingEvent> Track(IEnumerable<EmittedFix> fixes, TrackerOptions? options = null) => Track(new RunTracker(Route, options ?? Options), fixes);

    public static List<TrackingEvent> Track(RunTracker tracker, IEnumerable<EmittedFix> fixes)
    {
        var events = new List<TrackingEvent>();
        foreach (var fix in fixes)
        {
            tracker.Observe(fix.Tracked, events);
        }

        return events;
    }
}
