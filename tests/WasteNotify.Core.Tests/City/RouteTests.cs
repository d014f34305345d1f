using System.Text;
using WasteNotify.Core.City;
using WasteNotify.Core.Streets;

namespace WasteNotify.Core.Tests.City;

public sealed class RouteTests
{
    private static readonly GeneratedCity Town = ProceduralCity.Generate(seed: 5);

    [Fact]
    public void Generated_routes_visit_every_building_once_from_and_back_to_the_depot()
    {
        var buildings = Buildings.Near(Town.Network, 150, seed: 1);
        var planner = new RoutePlanner(Town.Network, new EdgeIndex(Town.Network));

        var routes = planner.Plan(Town.DepotNode, buildings, trucks: 4);

        Assert.Equal(4, routes.Count);
        Assert.Equal(buildings.Select(b => b.Id).Order(), routes.SelectMany(r => r.Stops).Select(b => b.Id).Order());
        var depot = Town.Network.Position(Town.DepotNode);
        Assert.All(routes, r =>
        {
            Assert.Equal(depot, r.Path[0]);
            Assert.Equal(depot, r.Path[^1]);
            Assert.InRange(r.Stops.Count, 37, 38);
        });
    }

    [Fact]
    public void Two_opt_never_makes_a_tour_slower_than_nearest_neighbour()
    {
        var planner = new RoutePlanner(Town.Network, new EdgeIndex(Town.Network));
        for (var seed = 1; seed <= 5; seed++)
        {
            var buildings = Buildings.Near(Town.Network, 60, seed);

            var improved = planner.Plan(Town.DepotNode, buildings, trucks: 1).Single();
            var greedy = planner.NearestNeighbourTour(Town.DepotNode, buildings);

            Assert.True(improved.TimeSeconds <= greedy.TimeSeconds + 1e-6, $"seed {seed}: {improved.TimeSeconds:F0} s vs {greedy.TimeSeconds:F0} s");
        }
    }

    [Fact]
    public void Routes_round_trip_through_geojson()
    {
        var buildings = Buildings.Near(Town.Network, 40, seed: 2);
        var byId = buildings.ToDictionary(b => b.Id);
        var planned = new RoutePlanner(Town.Network, new EdgeIndex(Town.Network)).Plan(Town.DepotNode, buildings, trucks: 2);
        var routes = planned.Select((r, i) => new CollectionRoute($"route-{i + 1}", i == 0 ? "truck-1" : null, [.. r.Stops.Select(b => b.Id)], r.Path,
            i == 0 ? new RouteSchedule([DayOfWeek.Monday, DayOfWeek.Thursday], new TimeOnly(6, 30)) : null)).ToList();

        var stream = new MemoryStream();
        RouteGeoJson.Write(stream, routes, byId);
        stream.Position = 0;
        var read = RouteGeoJson.Read(stream, byId.Keys.ToHashSet());

        Assert.Equal(routes.Count, read.Count);
        foreach (var (expected, actual) in routes.Zip(read.OrderBy(r => r.Id)))
        {
            Assert.Equal(expected.Id, actual.Id);
            Assert.Equal(expected.TruckId, actual.TruckId);
            Assert.Equal(expected.Stops, actual.Stops);
            Assert.Equal(expected.Schedule?.PlannedStart, actual.Schedule?.PlannedStart);
            Assert.Equal(expected.Schedule?.Weekdays, actual.Schedule?.Weekdays);
            Assert.Equal(expected.Path.Count, actual.Path.Count);
            Assert.All(expected.Path.Zip(actual.Path), p => Assert.True(GeoPoint.DistanceMeters(p.First, p.Second) < 0.05));
        }
    }

    [Theory]
    [InlineData("""{"type":"FeatureCollection","features":[""", "line 1", "json")]
    [InlineData("""{"type":"Feature"}""", "document", "type")]
    [InlineData("""{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"LineString","coordinates":[[2.3,48.8],[2.31,48.81]]},"properties":{"kind":"path","routeId":"r"}},{"type":"Feature","geometry":{"type":"Point","coordinates":[2.3,48.8]},"properties":{"kind":"stop","routeId":"r","sequence":1,"buildingId":"nope"}}]}""", "feature 2", "buildingId")]
    [InlineData("""{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"LineString","coordinates":[[2.3,48.8],[2.31,48.81]]},"properties":{"kind":"path","routeId":"r"}},{"type":"Feature","geometry":{"type":"Point","coordinates":[2.3,48.8]},"properties":{"kind":"stop","routeId":"r","sequence":2,"buildingId":"b1"}}]}""", "route 'r'", "sequence")]
    [InlineData("""{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"LineString","coordinates":[[2.3,95],[2.31,48.81]]},"properties":{"kind":"path","routeId":"r"}}]}""", "feature 1", "coordinates")]
    [InlineData("""{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Point","coordinates":[2.3,48.8]},"properties":{"kind":"stop","routeId":"r","sequence":1,"buildingId":"b1"}}]}""", "route 'r'", "path")]
    public void A_bad_route_file_is_refused_whole_naming_the_feature_and_field(string json, string location, string field)
    {
        var error = Assert.Throws<ImportException>(() => RouteGeoJson.Read(new MemoryStream(Encoding.UTF8.GetBytes(json)), new HashSet<string> { "b1" }));

        Assert.Equal(location, error.Location);
        Assert.Equal(field, error.Field);
    }
}
