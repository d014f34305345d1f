using WasteNotify.Core.Streets;
using WasteNotify.Core.Streets.Osm;
using WasteNotify.Core.Streets.Routing;
using WasteNotify.Testing;

namespace WasteNotify.Core.Tests.Streets;

public sealed class StreetNetworkTests
{
    private static readonly Lazy<(OsmData Data, StreetNetwork Network)> Monaco = new(() =>
    {
        var data = OsmData.Load(SharedData.Require("osm/monaco-latest.osm.pbf"));
        return (data, OsmStreets.Build(data));
    });

    private static (OsmData Data, StreetNetwork Network) LoadMonaco()
    {
        SharedData.Require("osm/monaco-latest.osm.pbf");
        return Monaco.Value;
    }

    [Fact]
    public void Monaco_gives_a_strongly_connected_drivable_network()
    {
        var (_, network) = LoadMonaco();

        Assert.InRange(network.NodeCount, 3_000, 26_406);
        Assert.Equal(network.NodeCount, Reachable(network, 0, reverse: false));
        Assert.Equal(network.NodeCount, Reachable(network, 0, reverse: true));
        Assert.All(network.Edges(), e => Assert.True(e.LengthMeters > 0 && e.TimeSeconds > 0));
    }

    [Fact]
    public void Monaco_keeps_street_names_and_road_classes_and_drops_footways()
    {
        var (data, network) = LoadMonaco();
        var ways = data.Ways.ToDictionary(w => w.Id);

        var streets = network.Edges().Select(e => e.Street).Distinct().ToList();
        Assert.Contains(streets, s => s.Name == "Boulevard Princesse Charlotte");
        Assert.Contains(streets, s => s.Class == RoadClass.Primary);
        Assert.Contains(streets, s => s.Class == RoadClass.Residential);
        Assert.All(streets, s => Assert.NotEqual("footway", ways[s.OsmWayId].Tags["highway"]));
    }

    [Fact]
    public void One_way_streets_are_never_driven_against()
    {
        var (data, network) = LoadMonaco();
        var nodeByOsm = Enumerable.Range(0, network.NodeCount).ToDictionary(network.OsmId);
        var oneWays = data.Ways.Where(w => w.Tags.GetValueOrDefault("oneway") == "yes" && w.Tags.ContainsKey("highway")).ToList();
        Assert.NotEmpty(oneWays);

        var checkedPairs = 0;
        foreach (var way in oneWays)
        {
            for (var i = 0; i + 1 < way.NodeIds.Length; i++)
            {
                if (!nodeByOsm.TryGetValue(way.NodeIds[i], out var a) || !nodeByOsm.TryGetValue(way.NodeIds[i + 1], out var b))
                {
                    continue;
                }

                var (start, end) = network.OutEdges(b);
                for (var e = start; e < end; e++)
                {
                    Assert.False(network.EdgeTarget(e) == a && network.Edge(e).Street.OsmWayId == way.Id,
                        $"way {way.Id} is one-way from {way.NodeIds[i]} to {way.NodeIds[i + 1]} but has an edge back");
                }

                checkedPairs++;
            }
        }

        Assert.True(checkedPairs > 100, $"only {checkedPairs} one-way segments checked");
    }

    [Fact]
    public void A_star_agrees_with_dijkstra_on_random_pairs_and_settles_fewer_nodes()
    {
        var (_, network) = LoadMonaco();
        var router = new Router(network);
        var random = new Random(7);
        long dijkstraWork = 0, aStarWork = 0;

        for (var i = 0; i < 300; i++)
        {
            var (from, to) = (random.Next(network.NodeCount), random.Next(network.NodeCount));
            var plain = router.Dijkstra(from, to)!;
            dijkstraWork += router.LastSettled;
            var guided = router.AStar(from, to)!;
            aStarWork += router.LastSettled;

            Assert.Equal(plain.TimeSeconds, guided.TimeSeconds, 6);
            AssertIsAPath(network, guided, from, to);
        }

        Assert.True(aStarWork < dijkstraWork, $"A* settled {aStarWork} nodes, Dijkstra {dijkstraWork}");
    }

    [Fact]
    public void Dijkstra_agrees_with_an_independent_label_correcting_search()
    {
        var (_, network) = LoadMonaco();
        var router = new Router(network);
        var random = new Random(11);

        for (var i = 0; i < 3; i++)
        {
            var source = random.Next(network.NodeCount);
            var expected = BellmanFord(network, source);
            var actual = router.TimesFrom(source);

            for (var n = 0; n < network.NodeCount; n++)
            {
                Assert.Equal(expected[n], actual[n], 6);
            }
        }
    }

    [Fact]
    public void A_point_snaps_to_the_nearest_street_at_its_distance()
    {
        var (_, network) = LoadMonaco();
        var index = new EdgeIndex(network);
        var random = new Random(3);

        for (var i = 0; i < 200; i++)
        {
            var node = random.Next(network.NodeCount);
            Assert.True(index.Nearest(network.Position(node))!.Value.DistanceMeters < 0.5);
        }

        // 12 m to the side of a long edge's middle lands on that street, 12 m away (or on a closer one).
        var edge = network.Edges().Where(e => e.LengthMeters > 60).First();
        var a = network.Position(edge.From);
        var b = network.Position(edge.To);
        var middle = new GeoPoint((a.Latitude + b.Latitude) / 2, (a.Longitude + b.Longitude) / 2);
        var dLat = b.Latitude - a.Latitude;
        var dLon = (b.Longitude - a.Longitude) * Math.Cos(double.DegreesToRadians(middle.Latitude));
        var norm = Math.Sqrt((dLat * dLat) + (dLon * dLon));
        var side = new GeoPoint(middle.Latitude + (-dLon / norm * 12 / 111_320),
            middle.Longitude + (dLat / norm * 12 / 111_320 / Math.Cos(double.DegreesToRadians(middle.Latitude))));
        var snap = index.Nearest(side)!.Value;
        Assert.True(snap.DistanceMeters <= 12.5, $"snapped {snap.DistanceMeters:F1} m away");
        if (network.Edge(snap.Edge).Street == edge.Street)
        {
            Assert.InRange(snap.DistanceMeters, 11, 12.5);
        }
    }

    [Fact]
    public void The_procedural_city_is_reproducible_from_its_seed()
    {
        var a = ProceduralCity.Generate(seed: 42);
        var b = ProceduralCity.Generate(seed: 42);
        var c = ProceduralCity.Generate(seed: 43);

        Assert.Equal(Signature(a.Network), Signature(b.Network));
        Assert.Equal((a.DepotNode, a.LandfillNode), (b.DepotNode, b.LandfillNode));
        Assert.NotEqual(Signature(a.Network), Signature(c.Network));
    }

    [Fact]
    public void The_procedural_city_is_a_connected_district_with_one_way_streets_a_depot_and_a_landfill()
    {
        var city = ProceduralCity.Generate(seed: 1);
        var network = city.Network;

        Assert.Equal(network.NodeCount, Reachable(network, city.DepotNode, reverse: false));
        Assert.Equal(network.NodeCount, Reachable(network, city.DepotNode, reverse: true));
        var streets = network.Edges().Select(e => e.Street).Distinct().ToList();
        Assert.Contains(streets, s => s.OneWay);
        Assert.Contains(streets, s => s.Class == RoadClass.Primary);
        Assert.NotEqual(city.DepotNode, city.LandfillNode);
        var width = GeoPoint.DistanceMeters(network.Position(city.DepotNode), network.Position(city.LandfillNode));
        Assert.InRange(width, 2_000, 3_500);
        Assert.NotNull(new Router(network).AStar(city.DepotNode, city.LandfillNode));
    }

    private static void AssertIsAPath(StreetNetwork network, StreetPath path, int from, int to)
    {
        Assert.Equal(from, path.Nodes[0]);
        Assert.Equal(to, path.Nodes[^1]);
        for (var i = 0; i < path.Edges.Count; i++)
        {
            Assert.Equal(path.Nodes[i], network.EdgeSource(path.Edges[i]));
            Assert.Equal(path.Nodes[i + 1], network.EdgeTarget(path.Edges[i]));
        }

        Assert.Equal(path.TimeSeconds, path.Edges.Sum(e => (double)network.EdgeTime(e)), 3);
    }

    private static int Reachable(StreetNetwork network, int start, bool reverse)
    {
        var incoming = reverse ? network.Edges().ToLookup(e => e.To, e => e.From) : null;
        var seen = new bool[network.NodeCount];
        var stack = new Stack<int>([start]);
        seen[start] = true;
        var count = 0;
        while (stack.TryPop(out var node))
        {
            count++;
            IEnumerable<int> next = reverse ? incoming![node] : Out(network, node);
            foreach (var other in next.Where(o => !seen[o]))
            {
                seen[other] = true;
                stack.Push(other);
            }
        }

        return count;
    }

    private static IEnumerable<int> Out(StreetNetwork network, int node)
    {
        var (start, end) = network.OutEdges(node);
        for (var e = start; e < end; e++)
        {
            yield return network.EdgeTarget(e);
        }
    }

    // Label-correcting Bellman-Ford with a FIFO queue: no priority queue, no settled set, nothing shared with Router.
    private static double[] BellmanFord(StreetNetwork network, int source)
    {
        var time = Enumerable.Repeat(double.PositiveInfinity, network.NodeCount).ToArray();
        var queued = new bool[network.NodeCount];
        var queue = new Queue<int>([source]);
        time[source] = 0;
        while (queue.TryDequeue(out var node))
        {
            queued[node] = false;
            var (start, end) = network.OutEdges(node);
            for (var id = start; id < end; id++)
            {
                var e = network.Edge(id);
                if (time[node] + e.TimeSeconds < time[e.To])
                {
                    time[e.To] = time[node] + e.TimeSeconds;
                    if (!queued[e.To])
                    {
                        queued[e.To] = true;
                        queue.Enqueue(e.To);
                    }
                }
            }
        }

        return time;
    }

    private static string Signature(StreetNetwork network) =>
        string.Join(';', network.Edges().Select(e => $"{e.From}>{e.To}:{e.TimeSeconds:F3}")) + "|" +
        string.Join(';', Enumerable.Range(0, network.NodeCount).Select(n => network.Position(n).ToString()));
}
