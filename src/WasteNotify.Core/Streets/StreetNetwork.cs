namespace WasteNotify.Core.Streets;

/// <summary>
/// A directed, routable street graph in compressed sparse rows: the edges leaving node n are
/// <c>FirstOut[n] .. FirstOut[n+1]-1</c>. Immutable once built, so safe to share between threads.
/// </summary>
public sealed class StreetNetwork
{
    private readonly GeoPoint[] _positions;
    private readonly long[] _osmIds;
    private readonly int[] _firstOut;
    private readonly int[] _source;
    private readonly int[] _target;
    private readonly float[] _length;
    private readonly float[] _time;
    private readonly Street[] _edgeStreet;

    internal StreetNetwork(GeoPoint[] positions, long[] osmIds, int[] firstOut, int[] source, int[] target, float[] length, float[] time, Street[] edgeStreet)
    {
        _positions = positions;
        _osmIds = osmIds;
        _firstOut = firstOut;
        _source = source;
        _target = target;
        _length = length;
        _time = time;
        _edgeStreet = edgeStreet;
        for (var e = 0; e < target.Length; e++)
        {
            MaxSpeedMetersPerSecond = Math.Max(MaxSpeedMetersPerSecond, length[e] / Math.Max(time[e], 1e-6));
        }
    }

    public int NodeCount => _positions.Length;

    public int EdgeCount => _target.Length;

    /// <summary>The fastest edge's speed: divides a straight-line distance into a time no route can beat.</summary>
    public double MaxSpeedMetersPerSecond { get; }

    public GeoPoint Position(int node) => _positions[node];

    /// <summary>The OpenStreetMap node id, or 0 for a generated network.</summary>
    public long OsmId(int node) => _osmIds[node];

    public StreetEdge Edge(int edge) => new(edge, _source[edge], _target[edge], _length[edge], _time[edge], _edgeStreet[edge]);

    public int EdgeSource(int edge) => _source[edge];

    public int EdgeTarget(int edge) => _target[edge];

    public float EdgeTime(int edge) => _time[edge];

    public float EdgeLength(int edge) => _length[edge];

    /// <summary>The ids of the edges leaving a node: <c>Start</c> up to, not including, <c>End</c>.</summary>
    public (int Start, int End) OutEdges(int node) => (_firstOut[node], _firstOut[node + 1]);

    public IEnumerable<StreetEdge> Edges()
    {
        for (var e = 0; e < _target.Length; e++)
        {
            yield return Edge(e);
        }
    }
}
