namespace WasteNotify.Core.Streets;

/// <summary>Collects nodes and directed edges, then builds a <see cref="StreetNetwork"/>.</summary>
public sealed class StreetNetworkBuilder
{
    private readonly List<GeoPoint> _positions = [];
    private readonly List<long> _osmIds = [];
    private readonly Dictionary<long, int> _byOsmId = [];
    private readonly List<(int From, int To, float Length, float Time, Street Street)> _edges = [];

    public int NodeCount => _positions.Count;

    public int AddNode(GeoPoint position, long osmId = 0)
    {
        _positions.Add(position);
        _osmIds.Add(osmId);
        return _positions.Count - 1;
    }

    /// <summary>The node of an OSM id, added on first use.</summary>
    public int OsmNode(long osmId, GeoPoint position)
    {
        if (!_byOsmId.TryGetValue(osmId, out var node))
        {
            node = AddNode(position, osmId);
            _byOsmId[osmId] = node;
        }

        return node;
    }

    public GeoPoint Position(int node) => _positions[node];

    /// <summary>Adds a directed edge; its length is the great-circle distance, its time that length at the given speed.</summary>
    public void AddEdge(int from, int to, Street street, double speedKmh)
    {
        if (from == to)
        {
            return;
        }

        var length = GeoPoint.DistanceMeters(_positions[from], _positions[to]);
        _edges.Add((from, to, (float)length, (float)(length / (speedKmh / 3.6)), street));
    }

    /// <summary>
    /// Builds the network; by default only its largest strongly connected part, so that every node can reach
    /// every other (an extract's edge cuts streets off, and a route must be drivable both ways round).
    /// </summary>
    public StreetNetwork Build(bool largestStronglyConnectedOnly = true)
    {
        var keep = largestStronglyConnectedOnly ? LargestStronglyConnected() : [.. Enumerable.Repeat(true, _positions.Count)];
        var remap = new int[_positions.Count];
        var positions = new List<GeoPoint>();
        var osmIds = new List<long>();
        for (var n = 0; n < _positions.Count; n++)
        {
            remap[n] = keep[n] ? positions.Count : -1;
            if (keep[n])
            {
                positions.Add(_positions[n]);
                osmIds.Add(_osmIds[n]);
            }
        }

        var kept = _edges.Where(e => keep[e.From] && keep[e.To]).OrderBy(e => remap[e.From]).ThenBy(e => remap[e.To]).ToList();
        var firstOut = new int[positions.Count + 1];
        foreach (var e in kept)
        {
            firstOut[remap[e.From] + 1]++;
        }

        for (var n = 0; n < positions.Count; n++)
        {
            firstOut[n + 1] += firstOut[n];
        }

        return new StreetNetwork([.. positions], [.. osmIds], firstOut,
            [.. kept.Select(e => remap[e.From])], [.. kept.Select(e => remap[e.To])],
            [.. kept.Select(e => e.Length)], [.. kept.Select(e => e.Time)], [.. kept.Select(e => e.Street)]);
    }

    /// <summary>Kosaraju's algorithm, iterative (a city's streets are too deep for recursion).</summary>
    private bool[] LargestStronglyConnected()
    {
        var n = _positions.Count;
        var forward = Adjacency(n, reverse: false);
        var backward = Adjacency(n, reverse: true);

        var order = new List<int>(n);
        var visited = new bool[n];
        var stack = new Stack<(int Node, int Next)>();
        for (var root = 0; root < n; root++)
        {
            if (visited[root])
            {
                continue;
            }

            visited[root] = true;
            stack.Push((root, 0));
            while (stack.Count > 0)
            {
                var (node, next) = stack.Pop();
                if (next < forward[node].Count)
                {
                    stack.Push((node, next + 1));
                    var child = forward[node][next];
                    if (!visited[child])
                    {
                        visited[child] = true;
                        stack.Push((child, 0));
                    }
                }
                else
                {
                    order.Add(node);
                }
            }
        }

        var component = new int[n];
        Array.Fill(component, -1);
        var sizes = new List<int>();
        var pending = new Stack<int>();
        for (var i = order.Count - 1; i >= 0; i--)
        {
            if (component[order[i]] >= 0)
            {
                continue;
            }

            var id = sizes.Count;
            var size = 0;
            component[order[i]] = id;
            pending.Push(order[i]);
            while (pending.Count > 0)
            {
                var node = pending.Pop();
                size++;
                foreach (var other in backward[node])
                {
                    if (component[other] < 0)
                    {
                        component[other] = id;
                        pending.Push(other);
                    }
                }
            }

            sizes.Add(size);
        }

        var largest = sizes.Count == 0 ? -1 : sizes.IndexOf(sizes.Max());
        return [.. component.Select(c => c == largest)];
    }

    private List<int>[] Adjacency(int n, bool reverse)
    {
        var lists = new List<int>[n];
        for (var i = 0; i < n; i++)
        {
            lists[i] = [];
        }

        foreach (var (from, to, _, _, _) in _edges)
        {
            lists[reverse ? to : from].Add(reverse ? from : to);
        }

        return lists;
    }
}
