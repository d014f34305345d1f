namespace WasteNotify.Core.Streets;

/// <summary>A street as a map draws it: one line of points along one OSM way.</summary>
public sealed record StreetLine(string? Name, RoadClass Class, IReadOnlyList<GeoPoint> Points);

/// <summary>
/// The network's streets as lines for a map: each street segment once (a two-way street has an edge each way), chained
/// along the same way (through crossings too) as long as the way goes on one way only, then simplified (Douglas–Peucker) so that no point
/// dropped lies further than the tolerance from its line: what a map needs at a zoom, in far fewer points.
/// </summary>
public static class StreetLines
{
    public static IReadOnlyList<StreetLine> Of(StreetNetwork network, double toleranceMeters)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentOutOfRangeException.ThrowIfNegative(toleranceMeters);

        // Each segment once, whichever way its edges run.
        var segments = new List<(int A, int B, Street Street)>();
        var seen = new HashSet<(int, int, long)>();
        for (var e = 0; e < network.EdgeCount; e++)
        {
            var edge = network.Edge(e);
            var (a, b) = edge.From < edge.To ? (edge.From, edge.To) : (edge.To, edge.From);
            if (seen.Add((a, b, edge.Street.OsmWayId)))
            {
                segments.Add((a, b, edge.Street));
            }
        }

        var atNode = new Dictionary<int, List<int>>();
        for (var s = 0; s < segments.Count; s++)
        {
            foreach (var node in (ReadOnlySpan<int>)[segments[s].A, segments[s].B])
            {
                if (!atNode.TryGetValue(node, out var list))
                {
                    atNode[node] = list = [];
                }

                list.Add(s);
            }
        }

        var used = new bool[segments.Count];
        var lines = new List<StreetLine>();
        for (var s = 0; s < segments.Count; s++)
        {
            if (used[s])
            {
                continue;
            }

            used[s] = true;
            var nodes = new LinkedList<int>([segments[s].A, segments[s].B]);
            Extend(nodes, atEnd: true);
            Extend(nodes, atEnd: false);
            var points = nodes.Select(network.Position).ToList();
            lines.Add(new StreetLine(segments[s].Street.Name, segments[s].Street.Class, Simplify(points, toleranceMeters)));

            // On through a node where this way goes on by one segment.
            void Extend(LinkedList<int> chain, bool atEnd)
            {
                while (true)
                {
                    var end = atEnd ? chain.Last!.Value : chain.First!.Value;
                    var way = atNode[end].Where(o => !used[o] && segments[o].Street.OsmWayId == segments[s].Street.OsmWayId).Take(2).ToList();
                    if (way is not [var next])
                    {
                        return; // the way ends here, or forks
                    }

                    used[next] = true;
                    var other = segments[next].A == end ? segments[next].B : segments[next].A;
                    if (atEnd)
                    {
                        chain.AddLast(other);
                    }
                    else
                    {
                        chain.AddFirst(other);
                    }
                }
            }
        }

        return lines;
    }

    /// <summary>Douglas–Peucker on a local flat projection: the ends kept, and every point further than the tolerance from the line kept.</summary>
    public static IReadOnlyList<GeoPoint> Simplify(IReadOnlyList<GeoPoint> points, double toleranceMeters)
    {
        ArgumentNullException.ThrowIfNull(points);
        if (points.Count < 3 || toleranceMeters == 0)
        {
            return points;
        }

        var metersPerDegreeLat = 111_320.0;
        var metersPerDegreeLon = metersPerDegreeLat * Math.Cos(points[0].Latitude * Math.PI / 180);
        var keep = new bool[points.Count];
        keep[0] = keep[^1] = true;
        var stack = new Stack<(int From, int To)>([(0, points.Count - 1)]);
        while (stack.TryPop(out var span))
        {
            var (best, at) = (0.0, -1);
            for (var i = span.From + 1; i < span.To; i++)
            {
                var d = Distance(points[i], points[span.From], points[span.To]);
                if (d > best)
                {
                    (best, at) = (d, i);
                }
            }

            if (at >= 0 && best > toleranceMeters)
            {
                keep[at] = true;
                stack.Push((span.From, at));
                stack.Push((at, span.To));
            }
        }

        return [.. points.Where((_, i) => keep[i])];

        double Distance(GeoPoint p, GeoPoint a, GeoPoint b)
        {
            var (px, py) = ((p.Longitude - a.Longitude) * metersPerDegreeLon, (p.Latitude - a.Latitude) * metersPerDegreeLat);
            var (bx, by) = ((b.Longitude - a.Longitude) * metersPerDegreeLon, (b.Latitude - a.Latitude) * metersPerDegreeLat);
            var length2 = bx * bx + by * by;
            var t = length2 == 0 ? 0 : Math.Clamp((px * bx + py * by) / length2, 0, 1);
            var (dx, dy) = (px - t * bx, py - t * by);
            return Math.Sqrt(dx * dx + dy * dy);
        }
    }
}
