using WasteNotify.Core.Prediction.Evaluation;
using WasteNotify.Core.Streets;
using WasteNotify.Core.Tracking;

namespace WasteNotify.Testing;

/// <summary>
/// Hand-made recorded runs whose predictions can be worked out on paper: a truck stands at the depot for
/// <see cref="Leave"/>, then drives due north at the physics baseline's typical speed (5 m/s), stands at each stop,
/// drives on to the end and sends a fix every 5 s and one there. It leaves 3 s after the first fix, so the tracker sees it start
/// (50 m along) at the fix of 15 s, 60 m out, and samples from then on every minute: 15, 75, 135 s...
/// </summary>
public static class StraightTrace
{
    public const double SpeedMps = 5;
    public static readonly TimeSpan Leave = TimeSpan.FromSeconds(3);
    public static readonly GeoPoint Depot = new(48.85, 2.35);

    /// <summary>The point this far north of the depot (the metres per degree the route path measures with).</summary>
    public static GeoPoint North(double meters) => new(Depot.Latitude + (meters / 111_320), Depot.Longitude);

    /// <summary>When the truck reaches each stop, counted from the first fix.</summary>
    public static List<TimeSpan> Arrivals(IReadOnlyList<(double Meters, TimeSpan Dwell)> stops)
    {
        var arrivals = new List<TimeSpan>();
        var (at, time) = (0.0, Leave);
        foreach (var (meters, dwell) in stops)
        {
            time += TimeSpan.FromSeconds((meters - at) / SpeedMps);
            arrivals.Add(time);
            (at, time) = (meters, time + dwell);
        }

        return arrivals;
    }

    public static RunFixes Fixes(string runId, DateTimeOffset start, IReadOnlyList<(double Meters, TimeSpan Dwell)> stops, double endMeters)
    {
        // The motion as (from time, from metres, speed) legs.
        var legs = new List<(TimeSpan From, double Meters, double Speed)> { (TimeSpan.Zero, 0, 0), (Leave, 0, SpeedMps) };
        var arrivals = Arrivals(stops);
        for (var k = 0; k < stops.Count; k++)
        {
            legs.Add((arrivals[k], stops[k].Meters, 0));
            legs.Add((arrivals[k] + stops[k].Dwell, stops[k].Meters, SpeedMps));
        }

        var last = legs[^1];
        var end = last.From + TimeSpan.FromSeconds((endMeters - last.Meters) / SpeedMps);
        var fixes = new List<TrackedFix>();
        for (var t = TimeSpan.Zero; t <= end; t += TimeSpan.FromSeconds(5))
        {
            var leg = legs.Last(l => l.From <= t);
            fixes.Add(new TrackedFix(start + t, North(leg.Meters + (leg.Speed * (t - leg.From).TotalSeconds)), leg.Speed, 0));
        }

        if (fixes[^1].Time < start + end)
        {
            fixes.Add(new TrackedFix(start + end, North(endMeters), SpeedMps, 0));
        }

        return new RunFixes(runId, fixes);
    }

    /// <summary>The stops as recorded, at the given arrivals (each standing for the dwell after it).</summary>
    public static RecordedRun Stops(string runId, DateTimeOffset start, IReadOnlyList<(string BuildingId, double Meters, TimeSpan? Arrival)> stops) =>
        new(runId, [.. stops.Select((s, i) => new RecordedStop(i + 1, s.BuildingId, North(s.Meters).Latitude, North(s.Meters).Longitude,
            start + s.Arrival, start + s.Arrival + TimeSpan.FromMinutes(1), s.Arrival is null))]);
}
