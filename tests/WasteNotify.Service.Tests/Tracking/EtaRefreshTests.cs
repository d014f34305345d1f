using WasteNotify.Core.Prediction;
using WasteNotify.Core.Tracking;
using WasteNotify.FleetSimulator.Simulation;
using WasteNotify.Service.Eta;
using WasteNotify.Service.Tracking;

namespace WasteNotify.Service.Tests.Tracking;

/// <summary>
/// A run's refresh predicts the stops within the alert horizon on every fix and the farther ones once a minute of
/// event time, keeping their ETAs meanwhile; a full refresh gives what predicting every stop gives.
/// </summary>
public sealed class EtaRefreshTests
{
    private static readonly TimeZoneInfo Paris = TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris");

    [Fact]
    public void Near_stops_are_predicted_on_every_fix_far_ones_once_a_minute_and_nothing_served_stays_upcoming()
    {
        var fleet = FleetPlan.Create(citySeed: 1, trucks: 1, buildingsPerTruck: 120, seed: 3);
        var date = new DateOnly(2026, 11, 23);
        var run = fleet.SimulateRuns(date, new TimeOnly(6, 0), Paris, new SimulationOptions(), new GpsOptions(), seed: 1).Single();
        var physics = new PhysicsOptions();
        var features = new EtaFeatures(RouteHistory.Empty(120, physics.DwellSeconds), physics, Paris);
        var options = new TrackingOptions();
        var partial = Live(fleet, features, run.PlannedStart, date);
        var full = Live(fleet, features, run.PlannedStart, date);
        var everyStop = new TrackingOptions { RefreshAllEvery = TimeSpan.FromTicks(1) };
        var (scratch, scratchFull) = (new EtaScratch(), new EtaScratch());
        int partialRefreshes = 0, fullRefreshes = 0;
        DateTimeOffset? lastFull = null;
        var previous = new Dictionary<int, StopEta>();
        foreach (var fix in run.Fixes.Take(2_000))
        {
            partial.Observe(fix);
            full.Observe(fix);
            var snapshot = partial.Refresh(scratch, null, physics, options, fix.Time, log: null);
            var reference = full.Refresh(scratchFull, null, physics, everyStop, fix.Time, log: null);

            // Every stop still to come has an ETA, once, in stop order, none of them decided.
            Assert.Equal(reference.Upcoming.Select(u => u.Sequence), snapshot.Upcoming.Select(u => u.Sequence));
            Assert.All(snapshot.Upcoming, u => Assert.Equal(StopStatus.Pending, partial.Tracker.Status(u.Sequence - 1)));
            if (partial.Predicted < snapshot.Upcoming.Count)
            {
                partialRefreshes++;
                Assert.True(fix.Time - lastFull < options.RefreshAllEvery, "a partial refresh only within a minute of a full one");
                var near = snapshot.Upcoming.Take(partial.Predicted).ToList();
                // The predicted ones are what predicting every stop gives; beyond them, the ETAs of the previous
                // refresh, unchanged, all still past the horizon.
                Assert.Equal(reference.Upcoming.Take(near.Count), near);
                Assert.All(snapshot.Upcoming.Skip(near.Count), u => Assert.Equal(previous[u.Sequence], u));
                Assert.All(snapshot.Upcoming.Skip(near.Count), u => Assert.True(u.Eta - fix.Time > options.RefreshNearWithin));
            }
            else
            {
                fullRefreshes++;
                lastFull = fix.Time;
                Assert.Equal(reference.Upcoming, snapshot.Upcoming);
            }

            previous = snapshot.Upcoming.ToDictionary(u => u.Sequence);
        }

        Assert.True(partialRefreshes > fullRefreshes * 5, $"{partialRefreshes} partial and {fullRefreshes} full refreshes");
        Assert.True(fullRefreshes >= 2_000 * 5 / 60 / 2, $"{fullRefreshes} full refreshes for 2,000 fixes five seconds apart");
    }

    private static LiveRun Live(FleetPlan fleet, EtaFeatures features, DateTimeOffset plannedStart, DateOnly date) =>
        new(new RunRow(1, "route-0", "truck-0", date, plannedStart, "planned", null, null), new RunTracker(fleet.Tracked(0), new TrackerOptions()), features, []);
}
