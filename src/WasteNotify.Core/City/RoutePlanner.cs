using WasteNotify.Core.Streets;
using WasteNotify.Core.Streets.Routing;

namespace WasteNotify.Core.City;

/// <summary>A planned route: its stops in order, their street nodes, and the path depot → stops → depot.</summary>
public sealed record PlannedRoute(IReadOnlyList<Building> Stops, IReadOnlyList<int> StopNodes, IReadOnlyList<GeoPoint> Path, double TimeSeconds, double LengthMeters);

/// <summary>
/// Splits buildings between trucks and orders each truck's stops on street travel times, route first and
/// cluster second: one nearest-neighbour tour of every building, improved by 2-opt, is cut into consecutive
/// parts of equal size (compact, because a good tour does not jump about), and each part, run from and back to
/// the depot, is improved by 2-opt again. Times are asymmetric (one-way streets), which the 2-opt move accounts for.
/// </summary>
public sealed class RoutePlanner(StreetNetwork network, EdgeIndex index)
{
    private const int MaxTwoOptPasses = 100;

    public IReadOnlyList<PlannedRoute> Plan(int depot, IReadOnlyList<Building> buildings, int trucks)
    {
        ArgumentNullException.ThrowIfNull(buildings);
        ArgumentOutOfRangeException.ThrowIfLessThan(trucks, 1);
        var stopNodes = buildings.Select(StopNode).ToArray();
        var matrix = TimeMatrix.Build(network, [depot, .. stopNodes]);
        // Matrix index 0 is the depot; building i is matrix index i + 1.
        var giant = TwoOpt(NearestNeighbour([.. Enumerable.Range(1, buildings.Count)], matrix), matrix);
        var routes = new List<PlannedRoute>();
        for (var t = 0; t < trucks; t++)
        {
            var (from, to) = (t * buildings.Count / trucks, (t + 1) * buildings.Count / trucks);
            if (to == from)
            {
                continue;
            }

            var tour = TwoOpt(giant.GetRange(from, to - from), matrix);
            routes.Add(Materialise(depot, [.. tour.Select(m => m - 1)], buildings, stopNodes));
        }

        return routes;
    }

    /// <summary>The reference the benchmark compares against: one nearest-neighbour tour of every building, no improvement.</summary>
    public PlannedRoute NearestNeighbourTour(int depot, IReadOnlyList<Building> buildings)
    {
        ArgumentNullException.ThrowIfNull(buildings);
        var stopNodes = buildings.Select(StopNode).ToArray();
        var matrix = TimeMatrix.Build(network, [depot, .. stopNodes]);
        var tour = NearestNeighbour([.. Enumerable.Range(1, buildings.Count)], matrix);
        return Materialise(depot, [.. tour.Select(m => m - 1)], buildings, stopNodes);
    }

    /// <summary>The street node a building is served from: the nearer end of its nearest street edge.</summary>
    public int StopNode(Building building) =>
        index.NearestNode(building.Position, maxMeters: 2_000)
            ?? throw new ArgumentException($"building {building.Id} is more than 2 km from any street", nameof(building));

    private static List<int> NearestNeighbour(List<int> stops, TimeMatrix matrix)
    {
        var left = new HashSet<int>(stops);
        var tour = new List<int>(stops.Count);
        var at = 0;
        while (left.Count > 0)
        {
            var next = left.MinBy(s => (matrix[at, s], s));
            tour.Add(next);
            left.Remove(next);
            at = next;
        }

        return tour;
    }

    /// <summary>
    /// 2-opt on depot → tour → depot. Reversing t[i+1..j] turns its inner legs around, so with asymmetric times
    /// its cost is read from prefix sums of the backward legs: each move is priced in constant time.
    /// </summary>
    private static List<int> TwoOpt(List<int> stops, TimeMatrix matrix)
    {
        var t = new List<int>(stops.Count + 2) { 0 };
        t.AddRange(stops);
        t.Add(0);
        var n = t.Count;
        var forward = new double[n];
        var backward = new double[n];
        void Prefix()
        {
            for (var k = 1; k < n; k++)
            {
                forward[k] = forward[k - 1] + matrix[t[k - 1], t[k]];
                backward[k] = backward[k - 1] + matrix[t[k], t[k - 1]];
            }
        }

        Prefix();
        for (var pass = 0; pass < MaxTwoOptPasses; pass++)
        {
            var improved = false;
            for (var i = 0; i < n - 3; i++)
            {
                for (var j = i + 2; j < n - 1; j++)
                {
                    var before = matrix[t[i], t[i + 1]] + (forward[j] - forward[i + 1]) + matrix[t[j], t[j + 1]];
                    var after = matrix[t[i], t[j]] + (backward[j] - backward[i + 1]) + matrix[t[i + 1], t[j + 1]];
                    if (after < before - 1e-6)
                    {
                        t.Reverse(i + 1, j - i);
                        Prefix();
                        improved = true;
                    }
                }
            }

            if (!improved)
            {
                break;
            }
        }

        return t.GetRange(1, n - 2);
    }

    private PlannedRoute Materialise(int depot, IReadOnlyList<int> order, IReadOnlyList<Building> buildings, int[] stopNodes)
    {
        var router = new Router(network);
        var nodes = new List<int> { depot };
        nodes.AddRange(order.Select(i => stopNodes[i]));
        nodes.Add(depot);
        var path = new List<GeoPoint> { network.Position(depot) };
        double time = 0, length = 0;
        for (var k = 0; k + 1 < nodes.Count; k++)
        {
            if (nodes[k] == nodes[k + 1])
            {
                continue;
            }

            var leg = router.AStar(nodes[k], nodes[k + 1])
                ?? throw new InvalidOperationException($"no street path from node {nodes[k]} to {nodes[k + 1]}");
            time += leg.TimeSeconds;
            length += leg.LengthMeters;
            path.AddRange(leg.Nodes.Skip(1).Select(network.Position));
        }

        return new PlannedRoute([.. order.Select(i => buildings[i])], [.. order.Select(i => stopNodes[i])], path, time, length);
    }
}
