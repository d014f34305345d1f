using WasteNotify.Core.Tracking;
using WasteNotify.Testing;

namespace WasteNotify.Core.Tests.Tracking;

/// <summary>
/// The tracker on real bus pings (WMATA, every ~30 s, reported speeds) against the arrivals derived from them
/// independently (nearest approach within 30 m, interpolated; the set's derive_arrivals.py): for each stop the bus
/// reached, the tracker's arrival (a stop it stood at) or pass-by time (one it drove past).
/// </summary>
public sealed class WmataTrackingTests(ITestOutputHelper output)
{
    [Fact]
    public void On_real_30_s_bus_pings_the_tracker_times_the_stops_the_buses_reached()
    {
        var trips = WmataData.Load();
        int reached = 0, timed = 0, notReached = 0, timedButNotReached = 0, stood = 0, stoodServed = 0, drove = 0, droveServed = 0;
        var errors = new List<double>();
        List<double> servedErrors = [], passedErrors = [];
        var intervals = new List<double>();
        foreach (var trip in trips.Where(t => t.Fixes.Count >= 10))
        {
            intervals.AddRange(trip.Fixes.Zip(trip.Fixes.Skip(1), (a, b) => (b.Time - a.Time).TotalSeconds));
            var tracker = new RunTracker(trip.Route, new TrackerOptions());
            var events = new List<TrackingEvent>();
            foreach (var fix in trip.Fixes)
            {
                tracker.Observe(fix, events);
            }

            for (var k = 0; k < trip.Route.StopCount; k++)
            {
                var sequence = int.Parse(trip.Route.BuildingIds[k], System.Globalization.CultureInfo.InvariantCulture);
                var served = tracker.Status(k) == StopStatus.Served;
                var time = served ? tracker.Arrival(k) : tracker.PassedAt(k);
                if (!trip.Arrivals.TryGetValue(sequence, out var truth))
                {
                    notReached++;
                    timedButNotReached += time is null ? 0 : 1;
                    continue;
                }

                if (!truth.Clean)
                {
                    continue;
                }

                reached++;
                if (truth.SecondsWithin >= 20)
                {
                    stood++;
                    stoodServed += served ? 1 : 0;
                }
                else
                {
                    drove++;
                    droveServed += served ? 1 : 0;
                }

                if (time is { } t)
                {
                    timed++;
                    errors.Add((t - truth.Arrival).TotalSeconds);
                    (served ? servedErrors : passedErrors).Add((t - truth.Arrival).TotalSeconds);
                }
            }
        }

        intervals.Sort();
        var absolute = errors.Select(Math.Abs).Order().ToList();
        output.WriteLine($"{trips.Count} trips, median ping interval {intervals[intervals.Count / 2]:F0} s");
        output.WriteLine($"clean arrivals timed by the tracker: {timed} of {reached} ({100.0 * timed / reached:F1} %); stops not reached given a time: {timedButNotReached} of {notReached}");
        output.WriteLine($"time error: median {errors.Order().ElementAt(errors.Count / 2):F0} s, |error| p50 {absolute[absolute.Count / 2]:F0} s, p90 {absolute[(int)(absolute.Count * 0.9)]:F0} s");
        output.WriteLine($"served: {stoodServed} of {stood} stops the bus was within 30 m of for 20 s or more, {droveServed} of {drove} it went by faster");
        output.WriteLine($"error (tracker - derived) p10/p50/p90: served {Deciles(servedErrors)}, driven past {Deciles(passedErrors)}");

        // Measured: 99.3 % timed, |error| p50 8 s, p90 26 s, 17 of 1,531 unreached stops given a time. A served stop's
        // time is when the bus stood within the stop radius (30 m), the derived one when it came nearest the pole: a
        // bus that stops short of it, behind another, is "early" by that definition, hence the negative served median.
        Assert.True(timed >= reached * 0.95, $"{timed} of {reached} arrivals timed");
        Assert.True(absolute[(int)(absolute.Count * 0.9)] <= 30, $"arrival error p90 {absolute[(int)(absolute.Count * 0.9)]:F0} s");
        Assert.True(timedButNotReached <= notReached / 50, $"{timedButNotReached} of {notReached} stops not reached were given a time");
    }

    private static string Deciles(List<double> values)
    {
        values.Sort();
        return values.Count == 0 ? "none" : $"{values[values.Count / 10]:F0}/{values[values.Count / 2]:F0}/{values[values.Count * 9 / 10]:F0} s";
    }
}
