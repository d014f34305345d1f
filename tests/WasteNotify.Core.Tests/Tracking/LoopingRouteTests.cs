using WasteNotify.Core.Streets;
using WasteNotify.Core.Tracking;

namespace WasteNotify.Core.Tests.Tracking;

/// <summary>A route down a street and back up the same street, with a stop on each pass at the same spot and one at the turn.</summary>
public sealed class LoopingRouteTests
{
    private const double MetersPerDegree = 111_320;
    private static readonly GeoPoint Depot = new(48.85, 2.35);
    private static readonly DateTimeOffset Start = new(2026, 11, 23, 6, 0, 0, TimeSpan.Zero);

    // East 500 m, then back west along the same street: stop 1 at 200 m out, stop 2 at the turn, stop 3 at stop 1's spot on the way back (800 m).
    private static readonly TrackedRoute Route = new("loop", [Depot, East(500), Depot], [("b1", East(200)), ("b2", East(500)), ("b3", East(200))]);

    private static GeoPoint East(double meters) => new(Depot.Latitude, Depot.Longitude + (meters / (MetersPerDegree * Math.Cos(double.DegreesToRadians(Depot.Latitude)))));

    /// <summary>A truck driving the loop at 8 m/s, standing at each stop for the given time, a fix every 5 s.</summary>
    private static List<TrackedFix> Drive(TimeSpan firstDwell, TimeSpan secondDwell, bool home = true)
    {
        var fixes = new List<TrackedFix>();
        var t = Start;
        void Move(double from, double to)
        {
            var step = Math.Sign(to - from) * 40.0;
            for (var x = from; Math.Abs(to - x) > 1e-6; x = Math.Abs(to - x) < 40 ? to : x + step)
            {
                fixes.Add(new TrackedFix(t, East(x), 8, step > 0 ? 90 : 270));
                t += TimeSpan.FromSeconds(5);
            }
        }

        void Stand(double at, TimeSpan dwell)
        {
            for (var end = t + dwell; t < end; t += TimeSpan.FromSeconds(5))
            {
                fixes.Add(new TrackedFix(t, East(at), 0, null));
            }
        }

        Move(0, 200);
        Stand(200, firstDwell);
        Move(200, 500);
        Stand(500, TimeSpan.FromSeconds(30));
        Move(500, 200);
        Stand(200, secondDwell);
        if (home)
        {
            Move(200, 0);
            Stand(0, TimeSpan.FromSeconds(30));
        }

        return fixes;
    }

    [Fact]
    public void Standing_at_the_first_pass_serves_only_the_first_stop_and_progress_stays_on_that_pass()
    {
        var tracker = new RunTracker(Route, new TrackerOptions());
        var events = new List<TrackingEvent>();
        foreach (var fix in Drive(TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(2)).TakeWhile(f => f.Time < Start + TimeSpan.FromMinutes(8)))
        {
            tracker.Observe(fix, events);
            Assert.InRange(tracker.Latest!.Value.Offset, 0, 260);
        }

        Assert.Equal([(TrackingEventKind.Started, 0), (TrackingEventKind.Arrived, 1), (TrackingEventKind.Served, 1)], events.Select(e => (e.Kind, e.StopSequence)));
        Assert.Equal(StopStatus.Pending, tracker.Status(2));
    }

    [Fact]
    public void The_second_pass_serves_the_second_stop_and_the_run_finishes_at_the_depot()
    {
        var tracker = new RunTracker(Route, new TrackerOptions());
        var events = new List<TrackingEvent>();
        foreach (var fix in Drive(TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1)))
        {
            tracker.Observe(fix, events);
        }

        Assert.Equal(
            [TrackingEventKind.Started, TrackingEventKind.Arrived, TrackingEventKind.Served, TrackingEventKind.Departed,
             TrackingEventKind.Arrived, TrackingEventKind.Served, TrackingEventKind.Departed,
             TrackingEventKind.Arrived, TrackingEventKind.Served, TrackingEventKind.Departed, TrackingEventKind.Finished],
            events.Select(e => e.Kind));
        var arrivals = events.Where(e => e.Kind == TrackingEventKind.Arrived).ToList();
        Assert.Equal([1, 2, 3], arrivals.Select(e => e.StopSequence));
        Assert.True(arrivals[2].At - arrivals[0].At > TimeSpan.FromMinutes(1.5) + TimeSpan.FromSeconds(600 / 8.0));
    }

    [Fact]
    public void A_last_stop_by_the_depot_is_served_before_the_run_finishes_and_a_repeated_fix_is_a_duplicate()
    {
        // Out to 500 m and back: stop 1 at 300 m out, stop 2 at 100 m from the depot on the way back, inside its radius.
        var route = new TrackedRoute("gate", [Depot, East(500), Depot], [("b1", East(300)), ("b2", East(100))]);
        var fixes = new List<TrackedFix>();
        var t = Start;
        foreach (var (x, v, heading) in Leg(0, 300).Concat(Enumerable.Repeat((300.0, 0.0, (double?)null), 12)).Concat(Leg(300, 500)).Concat(Leg(500, 100))
                     .Concat(Enumerable.Repeat((100.0, 0.0, (double?)null), 12)).Concat(Leg(100, 0)).Concat(Enumerable.Repeat((0.0, 0.0, (double?)null), 6)))
        {
            fixes.Add(new TrackedFix(t, East(x), v, heading));
            t += TimeSpan.FromSeconds(5);
        }

        var tracker = new RunTracker(route, new TrackerOptions());
        var events = new List<TrackingEvent>();
        foreach (var fix in fixes)
        {
            tracker.Observe(fix, events);
        }

        Assert.False(tracker.Observe(fixes[10], events));
        var kinds = events.Select(e => (e.Kind, e.StopSequence)).ToList();
        Assert.Equal((TrackingEventKind.Finished, 0), kinds[^1]);
        Assert.True(kinds.IndexOf((TrackingEventKind.Served, 2)) < kinds.IndexOf((TrackingEventKind.Departed, 2)));
        Assert.DoesNotContain(events, e => e.Kind == TrackingEventKind.Skipped);
        Assert.True(events[^1].At > events.Single(e => e.Kind == TrackingEventKind.Departed && e.StopSequence == 2).At);
    }

    private static IEnumerable<(double X, double Speed, double? Heading)> Leg(double from, double to)
    {
        var step = Math.Sign(to - from) * 40.0;
        for (var x = from; Math.Abs(to - x) > 1e-6; x = Math.Abs(to - x) < 40 ? to : x + step)
        {
            yield return (x, 8, step > 0 ? 90 : 270);
        }
    }

    [Fact]
    public void Standing_twenty_minutes_is_a_long_stop_and_leaving_the_path_for_fifteen_is_off_route_once()
    {
        var tracker = new RunTracker(Route, new TrackerOptions());
        var events = new List<TrackingEvent>();
        var fixes = Drive(TimeSpan.FromMinutes(25), TimeSpan.FromMinutes(1), home: false);
        var away = new GeoPoint(Depot.Latitude + 0.01, Depot.Longitude); // a kilometre north of the street
        var detourStart = fixes[^1].Time + TimeSpan.FromSeconds(5);
        fixes.AddRange(Enumerable.Range(0, 20 * 12).Select(i => new TrackedFix(detourStart + TimeSpan.FromSeconds(5 * i), away, 5, 0)));

        foreach (var fix in fixes)
        {
            tracker.Observe(fix, events);
        }

        var longStop = Assert.Single(events, e => e.Kind == TrackingEventKind.LongStop);
        Assert.Equal(events.Single(e => e.Kind == TrackingEventKind.Arrived && e.StopSequence == 1).At, longStop.At);
        var offRoute = Assert.Single(events, e => e.Kind == TrackingEventKind.OffRoute);
        Assert.Equal(detourStart, offRoute.At);
        Assert.DoesNotContain(events, e => e.Kind == TrackingEventKind.Finished);
    }

    [Fact]
    public void A_corner_served_then_passed_again_after_a_short_turn_is_located_at_its_first_pass_even_when_the_second_is_nearer()
    {
        // Depot, the corner at 200 m, 110 m on to the next stop and back by the corner: the path never goes 60 m from
        // the corner between its two passes at one segment's length. A path rounded on its way through GeoJSON moves
        // each vertex by millimetres, here making the second pass the nearer one.
        var corner = East(200);
        var nudged = new GeoPoint(corner.Latitude + 4e-8, corner.Longitude);
        var route = new TrackedRoute("turn", [Depot, nudged, East(310), corner, East(600)], [("b1", corner), ("b2", East(310)), ("b3", East(600))]);

        Assert.Equal(200, route.StopOffsets[0], precision: 0);
        Assert.Equal(310, route.StopOffsets[1], precision: 0);
        var passes = new List<PathMatch>();
        route.Path.Matches(corner, 0, route.Path.Length, 60, passes);
        Assert.Equal([200.0, 420.0], passes.Select(p => Math.Round(p.Offset)));
    }
}
