namespace WasteNotify.Core.Streets.Routing;

/// <summary>
/// Fastest paths by travel time on a <see cref="StreetNetwork"/>: Dijkstra, and A* with the straight-line
/// distance at the network's top speed as its (admissible, consistent) estimate. Keeps scratch arrays between
/// queries, so one router per thread.
/// </summary>
public sealed class Router
{
    private readonly StreetNetwork _network;
    private readonly double[] _time;
    private readonly int[] _via;
    private readonly int[] _seen;
    private readonly double[] _estimate;
    private readonly PriorityQueue<int, double> _queue = new();
    private int _generation;

    public Router(StreetNetwork network)
    {
        ArgumentNullException.ThrowIfNull(network);
        _network = network;
        _time = new double[network.NodeCount];
        _via = new int[network.NodeCount];
        _seen = new int[network.NodeCount];
        _estimate = new double[network.NodeCount];
    }

    /// <summary>Nodes settled by the last query: how much work the search did.</summary>
    public int LastSettled { get; private set; }

    public StreetPath? Dijkstra(int source, int target) => Search(source, target, useEstimate: false);

    public StreetPath? AStar(int source, int target) => Search(source, target, useEstimate: true);

    /// <summary>Travel time from one node to every node (infinity where unreachable).</summary>
    public double[] TimesFrom(int source)
    {
        Search(source, target: -1, useEstimate: false);
        var times = new double[_network.NodeCount];
        for (var n = 0; n < times.Length; n++)
        {
            times[n] = _seen[n] == _generation ? _time[n] : double.PositiveInfinity;
        }

        return times;
    }

    private StreetPath? Search(int source, int target, bool useEstimate)
    {
        var generation = ++_generation;
        var goal = target >= 0 ? _network.Position(target) : default;
        var speed = _network.MaxSpeedMetersPerSecond;
        _queue.Clear();
        Reach(source, 0, -1, generation, useEstimate ? Estimate(source, goal, speed) : 0);
        _queue.Enqueue(source, _estimate[source]);
        var settled = 0;
        while (_queue.TryDequeue(out var node, out var priority))
        {
            if (priority > _time[node] + _estimate[node] + 1e-9)
            {
                continue; // an outdated queue entry
            }

            settled++;
            if (node == target)
            {
                break;
            }

            var (start, end) = _network.OutEdges(node);
            for (var e = start; e < end; e++)
            {
                var next = _network.EdgeTarget(e);
                var time = _time[node] + _network.EdgeTime(e);
                var firstReach = _seen[next] != generation;
                if (firstReach || time < _time[next])
                {
                    // The estimate depends on the node only: computed once per node and query.
                    var estimate = !firstReach ? _estimate[next] : useEstimate ? Estimate(next, goal, speed) : 0;
                    Reach(next, time, e, generation, estimate);
                    _queue.Enqueue(next, time + estimate);
                }
            }
        }

        LastSettled = settled;
        return target < 0 || _seen[target] != generation ? null : Trace(source, target);
    }

    private double Estimate(int node, GeoPoint goal, double speed) => GeoPoint.DistanceMeters(_network.Position(node), goal) / speed;

    private void Reach(int node, double time, int via, int generation, double estimate)
    {
        _seen[node] = generation;
        _time[node] = time;
        _via[node] = via;
        _estimate[node] = estimate;
    }

    private StreetPath Trace(int source, int target)
    {
        var edges = new List<int>();
        for (var node = target; node != source; node = _network.EdgeSource(_via[node]))
        {
            edges.Add(_via[node]);
        }

        edges.Reverse();
        var nodes = new List<int>(edges.Count + 1) { source };
        double length = 0;
        foreach (var e in edges)
        {
            nodes.Add(_network.EdgeTarget(e));
            length += _network.EdgeLength(e);
        }

        return new StreetPath(nodes, edges, _time[target], length);
    }
}
