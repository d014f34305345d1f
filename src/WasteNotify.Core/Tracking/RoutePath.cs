using WasteNotify.Core.Streets;

namespace WasteNotify.Core.Tracking;

/// <summary>Where a point meets the path on one of its passes: the offset along the path and the distance to it.</summary>
public readonly record struct PathMatch(double Offset, double DistanceMeters);

/// <summary>
/// A route's street path as a polyline in local metres (equirectangular around its first point, accurate to well
/// under a metre across a city), with the cumulative distance at each vertex, so that a GPS fix can be matched to
/// the offsets along the path where the path passes near it. Immutable: every run of a route shares one.
/// </summary>
public sealed class RoutePath
{
    private const double MetersPerDegree = 111_320;

    /// <summary>Passes this much farther than the closest still count as near as it (GPS noise in a street canyon).</summary>
    public const double TieMeters = 25;

    private readonly double _lat0;
    private readonly double _lon0;
    private readonly double _cosLat0;
    private readonly double[] _x;
    private readonly double[] _y;
    private readonly double[] _cumulative;

    public RoutePath(IReadOnlyList<GeoPoint> points)
    {
        ArgumentNullException.ThrowIfNull(points);
        if (points.Count < 2)
        {
            throw new ArgumentException("a route path needs at least two points", nameof(points));
        }

        (_lat0, _lon0) = (points[0].Latitude, points[0].Longitude);
        _cosLat0 = Math.Cos(double.DegreesToRadians(_lat0));
        _x = new double[points.Count];
        _y = new double[points.Count];
        _cumulative = new double[points.Count];
        for (var i = 0; i < points.Count; i++)
        {
            (_x[i], _y[i]) = Local(points[i]);
            if (i > 0)
            {
                _cumulative[i] = _cumulative[i - 1] + Math.Sqrt(Square(_x[i] - _x[i - 1]) + Square(_y[i] - _y[i - 1]));
            }
        }
    }

    public double Length => _cumulative[^1];

    public GeoPoint Start => PositionAt(0);

    public GeoPoint End => PositionAt(Length);

    /// <summary>The position at an offset along the path (clamped to the path).</summary>
    public GeoPoint PositionAt(double offset)
    {
        var i = Segment(Math.Clamp(offset, 0, Length));
        var length = _cumulative[i + 1] - _cumulative[i];
        var t = length > 0 ? Math.Clamp((offset - _cumulative[i]) / length, 0, 1) : 0;
        var x = _x[i] + ((_x[i + 1] - _x[i]) * t);
        var y = _y[i] + ((_y[i + 1] - _y[i]) * t);
        return new GeoPoint(_lat0 + (y / MetersPerDegree), _lon0 + (x / (MetersPerDegree * _cosLat0)));
    }

    /// <summary>The direction of travel at an offset, degrees clockwise from north.</summary>
    public double BearingAt(double offset)
    {
        var i = Segment(Math.Clamp(offset, 0, Length));
        while (i + 2 < _x.Length && _cumulative[i + 1] == _cumulative[i])
        {
            i++; // a zero-length segment has no direction
        }

        return (double.RadiansToDegrees(Math.Atan2(_x[i + 1] - _x[i], _y[i + 1] - _y[i])) + 360) % 360;
    }

    /// <summary>
    /// The passes of the path within <paramref name="maxDistance"/> of the point between two offsets, in path order,
    /// each at its nearest point. A pass ends where the path leaves the distance, or moves more than
    /// <see cref="TieMeters"/> further away than its nearest point: a path that serves a corner, turns about nearby and
    /// comes back by it passes it twice, even though it never went <paramref name="maxDistance"/> away in between
    /// (else the two would be one pass at whichever point is a few millimetres nearer, which a path rounded to
    /// 7 decimals on its way through GeoJSON can turn from the first to the second).
    /// </summary>
    public void Matches(GeoPoint point, double from, double to, double maxDistance, List<PathMatch> matches)
    {
        ArgumentNullException.ThrowIfNull(matches);
        matches.Clear();
        from = Math.Max(0, from);
        to = Math.Min(Length, to);
        if (to < from)
        {
            return;
        }

        var (px, py) = Local(point);
        var best = new PathMatch(0, double.PositiveInfinity);
        var inPass = false;
        var peak = double.PositiveInfinity; // the farthest the path went since the last pass
        for (var i = Segment(from); i + 1 < _x.Length && _cumulative[i] <= to; i++)
        {
            var (offset, distance) = Project(i, px, py, from, to);
            if (inPass)
            {
                best = distance < best.DistanceMeters ? new PathMatch(offset, distance) : best;
            }
            else if (distance <= maxDistance && (peak > maxDistance || distance < peak - TieMeters))
            {
                (inPass, best) = (true, new PathMatch(offset, distance));
            }

            // Where the segment ends says whether the path moves away: segments are long, their nearest point is not enough.
            var end = Math.Sqrt(Square(px - _x[i + 1]) + Square(py - _y[i + 1]));
            if (inPass && (end > maxDistance || end > best.DistanceMeters + TieMeters) && _cumulative[i + 1] <= to)
            {
                matches.Add(best);
                (inPass, peak) = (false, end);
            }
            else if (!inPass)
            {
                peak = double.IsPositiveInfinity(peak) ? end : Math.Max(peak, end);
            }
        }

        if (inPass)
        {
            matches.Add(best);
        }
    }

    /// <summary>
    /// The offset of each stop along the path, in stop order: at or after the previous stop (a path may pass a building
    /// earlier on its way elsewhere; the stop is where it is served), the earliest pass within <paramref name="maxDistance"/>
    /// nearly as close as the closest, the rule live matching follows, so that a fix at the building matches the stop.
    /// </summary>
    public double[] LocateStops(IReadOnlyList<GeoPoint> stops, double maxDistance)
    {
        ArgumentNullException.ThrowIfNull(stops);
        var offsets = new double[stops.Count];
        var matches = new List<PathMatch>();
        double from = 0;
        for (var k = 0; k < stops.Count; k++)
        {
            Matches(stops[k], from, Length, maxDistance, matches);
            if (matches.Count == 0)
            {
                throw new ArgumentException($"stop {k + 1} at {stops[k].Latitude:F6},{stops[k].Longitude:F6} is not within {maxDistance} m of the route's path after stop {k}", nameof(stops));
            }

            var best = matches.Min(m => m.DistanceMeters);
            from = offsets[k] = matches.First(m => m.DistanceMeters <= best + TieMeters).Offset;
        }

        return offsets;
    }

    private (double Offset, double Distance) Project(int i, double px, double py, double from, double to)
    {
        var (dx, dy) = (_x[i + 1] - _x[i], _y[i + 1] - _y[i]);
        var length2 = (dx * dx) + (dy * dy);
        var t = length2 > 0 ? Math.Clamp((((px - _x[i]) * dx) + ((py - _y[i]) * dy)) / length2, 0, 1) : 0;
        var offset = Math.Clamp(_cumulative[i] + (t * (_cumulative[i + 1] - _cumulative[i])), from, to);
        if (offset != _cumulative[i] + (t * (_cumulative[i + 1] - _cumulative[i])))
        {
            // Clamped to the window's edge: measure from there.
            var length = _cumulative[i + 1] - _cumulative[i];
            t = length > 0 ? (offset - _cumulative[i]) / length : 0;
        }

        var (x, y) = (_x[i] + (dx * t), _y[i] + (dy * t));
        return (offset, Math.Sqrt(Square(px - x) + Square(py - y)));
    }

    /// <summary>The segment holding an offset: the last vertex at or before it.</summary>
    private int Segment(double offset)
    {
        var i = Array.BinarySearch(_cumulative, offset);
        i = i >= 0 ? i : ~i - 1;
        return Math.Clamp(i, 0, _x.Length - 2);
    }

    private (double X, double Y) Local(GeoPoint p) =>
        ((p.Longitude - _lon0) * MetersPerDegree * _cosLat0, (p.Latitude - _lat0) * MetersPerDegree);

    private static double Square(double v) => v * v;
}
