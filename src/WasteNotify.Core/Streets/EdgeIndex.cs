namespace WasteNotify.Core.Streets;

/// <summary>Where a point meets the street network: the nearest edge, the foot of the perpendicular, how far along.</summary>
public readonly record struct Snap(int Edge, GeoPoint Point, double OffsetMeters, double DistanceMeters);

/// <summary>
/// A uniform grid over the network's edges in local metres (equirectangular around the network's centre,
/// accurate to well under a metre across a city) for snapping buildings and GPS fixes to the nearest street.
/// </summary>
public sealed class EdgeIndex
{
    private const double MetersPerDegree = 111_320;

    private readonly StreetNetwork _network;
    private readonly double _lat0;
    private readonly double _lon0;
    private readonly double _cosLat0;
    private readonly double _cell;
    private readonly Dictionary<(int X, int Y), List<int>> _cells = [];

    public EdgeIndex(StreetNetwork network, double cellMeters = 100)
    {
        ArgumentNullException.ThrowIfNull(network);
        _network = network;
        _cell = cellMeters;
        _lat0 = Enumerable.Range(0, network.NodeCount).Average(n => network.Position(n).Latitude);
        _lon0 = Enumerable.Range(0, network.NodeCount).Average(n => network.Position(n).Longitude);
        _cosLat0 = Math.Cos(double.DegreesToRadians(_lat0));
        for (var e = 0; e < network.EdgeCount; e++)
        {
            var (ax, ay) = Local(network.Position(network.EdgeSource(e)));
            var (bx, by) = Local(network.Position(network.EdgeTarget(e)));
            for (var x = Cell(Math.Min(ax, bx)); x <= Cell(Math.Max(ax, bx)); x++)
            {
                for (var y = Cell(Math.Min(ay, by)); y <= Cell(Math.Max(ay, by)); y++)
                {
                    if (!_cells.TryGetValue((x, y), out var list))
                    {
                        _cells[(x, y)] = list = [];
                    }

                    list.Add(e);
                }
            }
        }
    }

    /// <summary>The nearest edge within <paramref name="maxMeters"/>, or null.</summary>
    public Snap? Nearest(GeoPoint point, double maxMeters = 1_000)
    {
        var (px, py) = Local(point);
        var (cx, cy) = (Cell(px), Cell(py));
        Snap? best = null;
        var rings = (int)Math.Ceiling(maxMeters / _cell) + 1;
        for (var ring = 0; ring <= rings; ring++)
        {
            // Everything in this ring is at least (ring - 1) cells away: stop once the best is closer than that.
            if (best is { } b && b.DistanceMeters < (ring - 1) * _cell)
            {
                break;
            }

            for (var x = cx - ring; x <= cx + ring; x++)
            {
                for (var y = cy - ring; y <= cy + ring; y++)
                {
                    if (Math.Max(Math.Abs(x - cx), Math.Abs(y - cy)) != ring || !_cells.TryGetValue((x, y), out var edges))
                    {
                        continue;
                    }

                    foreach (var e in edges)
                    {
                        var candidate = Project(e, px, py);
                        if (candidate.DistanceMeters <= maxMeters && (best is null || candidate.DistanceMeters < best.Value.DistanceMeters))
                        {
                            best = candidate;
                        }
                    }
                }
            }
        }

        return best;
    }

    /// <summary>The nearer end of the nearest edge within <paramref name="maxMeters"/>, or null.</summary>
    public int? NearestNode(GeoPoint point, double maxMeters = 1_000) =>
        Nearest(point, maxMeters) is { } snap
            ? snap.OffsetMeters < _network.EdgeLength(snap.Edge) / 2 ? _network.EdgeSource(snap.Edge) : _network.EdgeTarget(snap.Edge)
            : null;

    private Snap Project(int edge, double px, double py)
    {
        var (ax, ay) = Local(_network.Position(_network.EdgeSource(edge)));
        var (bx, by) = Local(_network.Position(_network.EdgeTarget(edge)));
        var (dx, dy) = (bx - ax, by - ay);
        var lengthSquared = (dx * dx) + (dy * dy);
        var t = lengthSquared == 0 ? 0 : Math.Clamp((((px - ax) * dx) + ((py - ay) * dy)) / lengthSquared, 0, 1);
        var (fx, fy) = (ax + (t * dx), ay + (t * dy));
        var distance = Math.Sqrt(((px - fx) * (px - fx)) + ((py - fy) * (py - fy)));
        return new Snap(edge, Geo(fx, fy), t * _network.EdgeLength(edge), distance);
    }

    private (double X, double Y) Local(GeoPoint p) =>
        ((p.Longitude - _lon0) * MetersPerDegree * _cosLat0, (p.Latitude - _lat0) * MetersPerDegree);

    private GeoPoint Geo(double x, double y) => new(_lat0 + (y / MetersPerDegree), _lon0 + (x / (MetersPerDegree * _cosLat0)));

    private int Cell(double meters) => (int)Math.Floor(meters / _cell);
}
