using WasteNotify.Core.Tracking;
using WasteNotify.FleetSimulator.Simulation;

namespace WasteNotify.Core.Tests.Tracking;

/// <summary>Tracking simulated days (noise, dropouts with late fixes, duplicates, garbage, landfill trips, skips, second visits) against their ground truth.</summary>
public sealed class RunTrackerTests(ITestOutputHelper output)
{
    /// <summary>
    /// Days where GPS alone can tell a collection from a red light: every collection lasts at least 25 s, no light at a
    /// corner longer than 15 s, and the tracker asks for 20 s. Skips, second visits and landfill trips are frequent.
    /// </summary>
    private static readonly SimulationOptions Decidable = new()
    {
        Dwell = new DwellModel(MinSeconds: 25), RedLightSeconds = (5, 15), SkipProbability = 0.05, ServedTwiceProbability = 0.05, CapacityBins = 50,
    };

    private static readonly TrackerOptions DecidableTracker = SimulatedRun.Options with { MinDwell = TimeSpan.FromSeconds(20) };

    /// <summary>Arrival and departure times are those of the first and last still fix at the stop: within a fix interval, plus a light just before it.</summary>
    private static readonly TimeSpan Tolerance = TimeSpan.FromSeconds(40);

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    public void Served_and_skipped_stops_match_the_ground_truth_exactly_with_arrivals_within_40_s(int seed)
    {
        var run = SimulatedRun.Create(seed, options: Decidable);
        Assert.Contains(run.Truth.Events, e => e.Kind == "landfill_arrival");
        Assert.Contains(run.Fixes, f => f.Kind == FixKind.Delayed);

        var events = run.Track(run.Fixes, DecidableTracker);

        foreach (var truth in run.Truth.Stops)
        {
            var mine = events.Where(e => e.StopSequence == truth.Sequence).ToList();
            if (truth.Outcome == StopOutcome.Skipped && SharesItsSpot(run.Route, truth.Sequence - 1))
            {
                continue; // the truck stood there for the other building: a skip of this one cannot be seen
            }

            var decisions = mine.Where(e => e.Kind is TrackingEventKind.Served or TrackingEventKind.Skipped).Select(e => e.Kind).ToList();
            Assert.Equal([truth.Outcome == StopOutcome.Skipped ? TrackingEventKind.Skipped : TrackingEventKind.Served], decisions);
            if (truth.Outcome == StopOutcome.Skipped || SharesItsSpot(run.Route, truth.Sequence - 1))
            {
                continue; // two buildings served from one spot share their arrival
            }

            var arrival = mine.Last(e => e.Kind == TrackingEventKind.Arrived).At;
            Assert.True((arrival - truth.Arrival).Duration() <= Tolerance, $"stop {truth.Sequence}: arrival {arrival:T}, truth {truth.Arrival:T}");
            var departed = mine.Last(e => e.Kind == TrackingEventKind.Departed).At;
            var left = truth.SecondDeparture is { } second && (departed - second).Duration() < (departed - truth.Departure).Duration() ? second : truth.Departure;
            if (run.Truth.Events.SingleOrDefault(e => e.Kind == "break_start" && e.Time == left) is not null)
            {
                left = run.Truth.Events.Single(e => e.Kind == "break_end").Time; // the driver's break, at the stop
            }

            Assert.True((departed - left).Duration() <= Tolerance, $"stop {truth.Sequence}: departed {departed:T}, truth {left:T}");
        }

        var started = Assert.Single(events, e => e.Kind == TrackingEventKind.Started).At;
        Assert.InRange(started - run.Truth.Events.Single(e => e.Kind == "left_depot").Time, TimeSpan.Zero, TimeSpan.FromMinutes(1));
        var finished = Assert.Single(events, e => e.Kind == TrackingEventKind.Finished).At;
        Assert.InRange(run.Truth.Events.Single(e => e.Kind == "back_at_depot").Time - finished, TimeSpan.Zero, TimeSpan.FromMinutes(2));
        Assert.Equal(TrackingEventKind.Finished, events[^1].Kind);
    }

    [Fact]
    public void With_realistic_collections_and_lights_at_most_one_stop_in_200_is_misjudged()
    {
        int stops = 0, wrong = 0;
        var arrivalErrors = new List<double>();
        for (var seed = 1; seed <= 30; seed++)
        {
            var run = SimulatedRun.Create(seed);
            var events = run.Track(run.Fixes);
            foreach (var truth in run.Truth.Stops)
            {
                stops++;
                var decided = events.Where(e => e.StopSequence == truth.Sequence && e.Kind is TrackingEventKind.Served or TrackingEventKind.Skipped).Select(e => e.Kind).ToList();
                if (decided is not [var kind] || (kind == TrackingEventKind.Skipped) != (truth.Outcome == StopOutcome.Skipped))
                {
                    wrong++;
                    output.WriteLine($"seed {seed} stop {truth.Sequence}: {truth.Outcome}, dwell {(truth.Departure - truth.Arrival).TotalSeconds} s; tracked {string.Join(",", decided)}");
                }
                else if (kind == TrackingEventKind.Served && !SharesItsSpot(run.Route, truth.Sequence - 1))
                {
                    arrivalErrors.Add((events.Last(e => e.StopSequence == truth.Sequence && e.Kind == TrackingEventKind.Arrived).At - truth.Arrival).TotalSeconds);
                }
            }
        }

        arrivalErrors.Sort();
        var p99 = arrivalErrors[(int)(arrivalErrors.Count * 0.99)];
        output.WriteLine($"{wrong} of {stops} stops misjudged; arrival error median {arrivalErrors[arrivalErrors.Count / 2]} s, 99th percentile {p99} s");
        Assert.InRange(wrong, 0, stops / 200);
        Assert.InRange(p99, -10, 10);
    }

    [Fact]
    public void Fixes_in_event_time_order_and_as_delivered_give_the_same_decisions()
    {
        var run = SimulatedRun.Create(seed: 7, options: Decidable);
        var delivered = run.Track(run.Fixes, DecidableTracker);
        var ordered = run.Track(run.Fixes.OrderBy(f => f.Timestamp), DecidableTracker);

        Assert.Contains(run.Fixes.Zip(run.Fixes.Skip(1)), p => p.Second.Timestamp < p.First.Timestamp);
        Assert.Equal(Decisions(ordered), Decisions(delivered));
        Assert.Equal(delivered, run.Track(run.Fixes, DecidableTracker));
    }

    [Fact]
    public void A_tracker_restored_from_its_recorded_decisions_and_fed_the_stored_fixes_again_repeats_and_loses_no_stop()
    {
        var run = SimulatedRun.Create(seed: 8, options: Decidable);
        var cut = run.Fixes.Count / 2;
        var before = run.Track(run.Fixes.Take(cut), DecidableTracker);

        // What a restarted service has: the stop events it recorded and the fixes it stored, read back by event time.
        var restored = new RunTracker(run.Route, DecidableTracker);
        foreach (var stop in before.Where(e => e.Kind is TrackingEventKind.Served or TrackingEventKind.Skipped))
        {
            restored.Restore(stop.StopSequence, stop.Kind == TrackingEventKind.Served ? StopStatus.Served : StopStatus.Skipped,
                before.LastOrDefault(e => e.StopSequence == stop.StopSequence && e.Kind == TrackingEventKind.Arrived).At,
                before.Any(e => e.StopSequence == stop.StopSequence && e.Kind == TrackingEventKind.Departed));
        }

        restored.Restore(startedAt: before.SingleOrDefault(e => e.Kind == TrackingEventKind.Started).At, finished: false);
        var replayed = SimulatedRun.Track(restored, run.Fixes.Take(cut).OrderBy(f => f.Timestamp));
        var after = SimulatedRun.Track(restored, run.Fixes.Skip(cut));

        var recorded = Decisions(before).Concat(Decisions(replayed)).Concat(Decisions(after)).ToList();
        Assert.Equal(recorded.Distinct(), recorded);
        var uninterrupted = run.Track(run.Fixes, DecidableTracker);
        Assert.Equal(Decisions(uninterrupted), recorded.Order());
        Assert.Equal(run.Route.StopCount, recorded.Count);

        // Times too: what the restarted tracker decided after the restart is what the uninterrupted one decided.
        var restarted = replayed.Concat(after).Where(e => e.Kind is TrackingEventKind.Departed or TrackingEventKind.Skipped)
            .GroupBy(e => (e.StopSequence, e.Kind)).ToDictionary(g => g.Key, g => g.Last().At);
        Assert.NotEmpty(restarted);
        foreach (var ((stop, kind), at) in restarted)
        {
            Assert.Equal(uninterrupted.Last(e => e.StopSequence == stop && e.Kind == kind).At, at);
        }
    }

    private static IEnumerable<(int Stop, TrackingEventKind Kind)> Decisions(IEnumerable<TrackingEvent> events) =>
        events.Where(e => e.Kind is TrackingEventKind.Served or TrackingEventKind.Skipped).Select(e => (e.StopSequence, e.Kind)).Order();

    /// <summary>Another stop is within a stop radius either side: the truck serves both from one spot.</summary>
    private static bool SharesItsSpot(TrackedRoute route, int k) =>
        (k > 0 && route.StopOffsets[k] - route.StopOffsets[k - 1] < 2 * SimulatedRun.Options.StopRadiusMeters)
        || (k + 1 < route.StopCount && route.StopOffsets[k + 1] - route.StopOffsets[k] < 2 * SimulatedRun.Options.StopRadiusMeters);
}
