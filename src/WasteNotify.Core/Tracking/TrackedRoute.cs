using WasteNotify.Core.Streets;

namespace WasteNotify.Core.Tracking;

/// <summary>A GPS fix as the tracker needs it: event time, position and, when the tracker reports them, speed and heading.</summary>
public readonly record struct TrackedFix(DateTimeOffset Time, GeoPoint Position, double? SpeedMps, double? HeadingDegrees = null);

/// <summary>
/// A route as tracking sees it: its path and where along it each stop is. Built once per route and shared by all
/// its runs (and, with 1,000 trucks, all their memory-hungry geometry is here, once).
/// </summary>
public sealed class TrackedRoute
{
    public TrackedRoute(string id, IReadOnlyList<GeoPoint> path, IReadOnlyList<(string BuildingId, GeoPoint Position)> stops, double maxStopDistance = 60,
        IReadOnlyList<int>? bins = null)
    {
        ArgumentNullException.ThrowIfNull(stops);
        Id = id;
        Bins = bins ?? [.. Enumerable.Repeat(1, stops.Count)];
        if (Bins.Count != stops.Count)
        {
            throw new ArgumentException($"{Bins.Count} bin counts for {stops.Count} stops", nameof(bins));
        }

        Path = new RoutePath(path);
        BuildingIds = [.. stops.Select(s => s.BuildingId)];
        _offsets = Path.LocateStops([.. stops.Select(s => s.Position)], maxStopDistance);
    }

    private readonly double[] _offsets;

    public string Id { get; }

    public RoutePath Path { get; }

    /// <summary>The buildings in stop order: stop sequence k (from 1) is index k - 1.</summary>
    public IReadOnlyList<string> BuildingIds { get; }

    /// <summary>Each stop's offset along the path, non-decreasing in stop order.</summary>
    public IReadOnlyList<double> StopOffsets => _offsets;

    public int StopCount => BuildingIds.Count;

    /// <summary>Each stop's bins: what fills the truck and, once full, sends it to the landfill.</summary>
    public IReadOnlyList<int> Bins { get; }

    /// <summary>The stop indexes (from 0) whose offsets lie within [from, to].</summary>
    public (int First, int End) StopsBetween(double from, double to)
    {
        return (LowerBound(_offsets, from), LowerBound(_offsets, Math.BitIncrement(to)));
    }

    private static int LowerBound(double[] values, double value)
    {
        int lo = 0, hi = values.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (values[mid] < value)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }
}
