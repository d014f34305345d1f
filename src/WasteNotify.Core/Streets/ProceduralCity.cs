namespace WasteNotify.Core.Streets;

/// <summary>A generated city: its streets, the depot the trucks leave from and the landfill they unload at.</summary>
public sealed record GeneratedCity(StreetNetwork Network, int DepotNode, int LandfillNode);

/// <summary>
/// A default city generated from a seed, so the demo and most tests need no map file: a jittered grid
/// (irregular blocks), boulevards every sixth line, residential streets of which some are one-way, a few
/// segments missing, the depot on the west edge and the landfill on the east edge.
/// </summary>
public static class ProceduralCity
{
    public static GeneratedCity Generate(int seed = 1, int columns = 24, int rows = 18, double blockMeters = 110, GeoPoint? origin = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(columns, 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(rows, 2);
        var random = new Random(seed);
        var o = origin ?? new GeoPoint(48.8400, 2.3300);
        var metersPerDegreeLat = 111_320.0;
        var metersPerDegreeLon = metersPerDegreeLat * Math.Cos(double.DegreesToRadians(o.Latitude));

        var builder = new StreetNetworkBuilder();
        var grid = new int[columns + 1, rows + 1];
        for (var x = 0; x <= columns; x++)
        {
            for (var y = 0; y <= rows; y++)
            {
                var jx = (random.NextDouble() - 0.5) * 0.4 * blockMeters;
                var jy = (random.NextDouble() - 0.5) * 0.4 * blockMeters;
                grid[x, y] = builder.AddNode(new GeoPoint(
                    o.Latitude + (((y * blockMeters) + jy) / metersPerDegreeLat),
                    o.Longitude + (((x * blockMeters) + jx) / metersPerDegreeLon)));
            }
        }

        // Horizontal lines are "Rue", vertical ones "Avenue"; every sixth is a two-way boulevard.
        for (var y = 0; y <= rows; y++)
        {
            AddLine(builder, random, y % 6 == 0, $"Rue {y + 1}", Enumerable.Range(0, columns + 1).Select(x => grid[x, y]).ToArray());
        }

        for (var x = 0; x <= columns; x++)
        {
            AddLine(builder, random, x % 6 == 0, $"Avenue {x + 1}", Enumerable.Range(0, rows + 1).Select(y => grid[x, y]).ToArray());
        }

        var network = builder.Build();
        var depot = Nearest(network, builder.Position(grid[0, rows / 2]));
        var landfill = Nearest(network, builder.Position(grid[columns, rows / 2]));
        return new GeneratedCity(network, depot, landfill);
    }

    private static void AddLine(StreetNetworkBuilder builder, Random random, bool boulevard, string name, int[] nodes)
    {
        var roadClass = boulevard ? RoadClass.Primary : RoadClass.Residential;
        var oneWay = !boulevard && random.NextDouble() < 0.4;
        var reversed = random.NextDouble() < 0.5;
        var street = new Street(name, roadClass, OsmWayId: 0, OneWay: oneWay);
        for (var i = 0; i + 1 < nodes.Length; i++)
        {
            if (!boulevard && random.NextDouble() < 0.08)
            {
                continue; // a missing segment: blocks merge, the grid stops being a grid
            }

            var (a, b) = reversed ? (nodes[i + 1], nodes[i]) : (nodes[i], nodes[i + 1]);
            builder.AddEdge(a, b, street, roadClass.DefaultSpeedKmh());
            if (!oneWay)
            {
                builder.AddEdge(b, a, street, roadClass.DefaultSpeedKmh());
            }
        }
    }

    private static int Nearest(StreetNetwork network, GeoPoint point) =>
        Enumerable.Range(0, network.NodeCount).MinBy(n => GeoPoint.DistanceMeters(network.Position(n), point));
}
