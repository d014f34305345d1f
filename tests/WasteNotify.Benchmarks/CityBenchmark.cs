using System.Diagnostics;
using WasteNotify.Core.City;
using WasteNotify.Core.Streets;
using WasteNotify.Core.Streets.Osm;
using WasteNotify.Core.Streets.Routing;
using WasteNotify.Testing;

namespace WasteNotify.Benchmarks;

/// <summary>
/// The city model's costs on real data: importing Monaco's PBF, fastest-path queries per second on it, and
/// planning 2,000 buildings (the real stop layout of Kim et al.'s 2,100-stop instance, mapped onto Monaco's
/// streets) for 10 trucks, against one plain nearest-neighbour tour of the same buildings.
/// </summary>
internal static class CityBenchmark
{
    public static int Run()
    {
        Console.WriteLine($"City benchmark, {Environment.ProcessorCount} cores");

        // A district of ~25k nodes must route in milliseconds: a procedural city of that size, which needs no data.
        var district = ProceduralCity.Generate(seed: 3, columns: 160, rows: 160).Network;
        Queries("procedural district", district, 1_000);

        var pbf = SharedData.PathOf("osm/monaco-latest.osm.pbf");
        if (pbf is null)
        {
            Console.WriteLine("The Monaco part is skipped: it needs ../shared/data/osm/monaco-latest.osm.pbf beside this checkout.");
            return 0;
        }

        Console.WriteLine($"  Monaco, {new FileInfo(pbf).Length / 1024} KiB PBF");
        StreetNetwork network = null!;
        var imports = new List<double>();
        for (var i = 0; i < 5; i++)
        {
            var clock = Stopwatch.StartNew();
            network = OsmStreets.Build(OsmData.Load(pbf));
            imports.Add(clock.Elapsed.TotalMilliseconds);
        }

        Console.WriteLine($"  import (read PBF + build network): {imports.Order().ElementAt(2):F0} ms median of 5 ({imports.Min():F0} best); {network.NodeCount:N0} nodes, {network.EdgeCount:N0} edges");

        CompareReaders(pbf);
        Queries("Monaco (largest strongly connected part)", network, 5_000);

        var buildings = KimBuildings(network, 2_000);
        var depotNode = Enumerable.Range(0, network.NodeCount).MinBy(n => GeoPoint.DistanceMeters(network.Position(n), new GeoPoint(43.7277, 7.4142))); // Fontvieille
        var planner = new RoutePlanner(network, new EdgeIndex(network));
        var plan = Stopwatch.StartNew();
        var routes = planner.Plan(depotNode, buildings, trucks: 10);
        var planSeconds = plan.Elapsed.TotalSeconds;
        var greedy = planner.NearestNeighbourTour(depotNode, buildings);
        var total = routes.Sum(r => r.LengthMeters);
        Console.WriteLine($"  route generation, {buildings.Count:N0} buildings, 10 trucks: {planSeconds:F1} s (travel-time matrix included)");
        Console.WriteLine($"  total route length {total / 1000:F1} km ({routes.Sum(r => r.TimeSeconds) / 3600:F1} h driving) vs one nearest-neighbour tour {greedy.LengthMeters / 1000:F1} km: ratio {total / greedy.LengthMeters:F2} (lower is better)");
        var single = planner.Plan(depotNode, buildings, trucks: 1).Single();
        Console.WriteLine($"  the same buildings as one truck's 2-opt tour: {single.LengthMeters / 1000:F1} km, ratio {single.LengthMeters / greedy.LengthMeters:F2} to nearest neighbour; the rest of the 10-truck figure is the trucks' trips to and from the depot");
        return 0;
    }

    private static void Queries(string name, StreetNetwork network, int count)
    {
        var router = new Router(network);
        var random = new Random(1);
        var pairs = Enumerable.Range(0, count).Select(_ => (random.Next(network.NodeCount), random.Next(network.NodeCount))).ToArray();
        Console.WriteLine($"  {name}: {network.NodeCount:N0} nodes, {network.EdgeCount:N0} edges");
        foreach (var (algorithm, search) in new (string, Func<int, int, StreetPath?>)[] { ("A*", router.AStar), ("Dijkstra", router.Dijkstra) })
        {
            var clock = Stopwatch.StartNew();
            long settled = 0;
            foreach (var (from, to) in pairs)
            {
                search(from, to);
                settled += router.LastSettled;
            }

            var seconds = clock.Elapsed.TotalSeconds;
            Console.WriteLine($"    shortest paths, {algorithm,-8}: {pairs.Length / seconds,8:N0} queries/s on one core, {seconds * 1000 / pairs.Length:F2} ms each ({settled / pairs.Length:N0} nodes settled per query)");
        }
    }

    /// <summary>The real stop layout of the largest instance, scaled into the network's extent.</summary>
    private static List<Building> KimBuildings(StreetNetwork network, int count)
    {
        var file = SharedData.PathOf("kim-waste-vrptw/2100_stop.txt")
            ?? throw new InvalidOperationException("needs ../shared/data/kim-waste-vrptw/2100_stop.txt");
        using var reader = File.OpenText(file);
        var stops = KimInstance.Read(reader).Stops.Where(s => s.Type == KimStopType.Stop).Take(count).ToList();
        var nodes = Enumerable.Range(0, network.NodeCount).Select(network.Position).ToList();
        var (minLat, maxLat) = (nodes.Min(p => p.Latitude), nodes.Max(p => p.Latitude));
        var (minLon, maxLon) = (nodes.Min(p => p.Longitude), nodes.Max(p => p.Longitude));
        var (minX, maxX) = (stops.Min(s => s.XFeet), stops.Max(s => s.XFeet));
        var (minY, maxY) = (stops.Min(s => s.YFeet), stops.Max(s => s.YFeet));
        return [.. stops.Select(s => new Building($"kim-{s.Id}", $"stop {s.Id}",
            new GeoPoint(minLat + ((s.YFeet - minY) / (maxY - minY) * (maxLat - minLat)), minLon + ((s.XFeet - minX) / (maxX - minX) * (maxLon - minLon))),
            Bins: 1))];
    }

    /// <summary>
    /// Reading the PBF alone (no network built), ours against OsmSharp 7.0.0-pre022 (the latest on NuGet, a 2022
    /// prerelease), each keeping what WasteNotify keeps (every node's position, the tagged nodes, the ways with their
    /// tags), with the counts compared: the measure of why our reader stays.
    /// </summary>
    private static void CompareReaders(string pbf)
    {
        var (ours, theirs) = (new List<double>(), new List<double>());
        (int Nodes, int Tagged, int Ways) oursCount = default, theirsCount = default;
        for (var i = 0; i < 5; i++)
        {
            var clock = Stopwatch.StartNew();
            var data = OsmData.Load(pbf);
            ours.Add(clock.Elapsed.TotalMilliseconds);
            oursCount = (data.Positions.Count, data.TaggedNodes.Count, data.Ways.Count);

            clock.Restart();
            theirsCount = ReadWithOsmSharp(pbf);
            theirs.Add(clock.Elapsed.TotalMilliseconds);
        }

        var (a, b) = (ours.Order().ElementAt(2), theirs.Order().ElementAt(2));
        Console.WriteLine($"  PBF read alone, median of 5: ours {a:F0} ms, OsmSharp 7.0.0-pre022 {b:F0} ms, ratio {b / a:F1}x; counts (nodes, tagged nodes, ways) ours {oursCount}, OsmSharp {theirsCount}{(oursCount == theirsCount ? ", the same" : ": DIFFERENT")}");
    }

    private static (int Nodes, int Tagged, int Ways) ReadWithOsmSharp(string pbf)
    {
        using var file = File.OpenRead(pbf);
        var positions = new Dictionary<long, GeoPoint>();
        var tagged = new List<(long, GeoPoint, Dictionary<string, string>)>();
        var ways = new List<(long, long[], Dictionary<string, string>)>();
        foreach (var geo in new OsmSharp.Streams.PBFOsmStreamSource(file))
        {
            switch (geo)
            {
                case OsmSharp.Node { Id: { } id, Latitude: { } lat, Longitude: { } lon } node:
                    positions[id] = new GeoPoint(lat, lon);
                    if (node.Tags is { Count: > 0 } tags)
                    {
                        tagged.Add((id, new GeoPoint(lat, lon), tags.ToDictionary(t => t.Key, t => t.Value)));
                    }

                    break;
                case OsmSharp.Way { Id: { } id } way:
                    ways.Add((id, way.Nodes ?? [], way.Tags?.ToDictionary(t => t.Key, t => t.Value) ?? []));
                    break;
            }
        }

        return (positions.Count, tagged.Count, ways.Count);
    }
}
