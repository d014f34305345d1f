using WasteNotify.Core.Tracking;

namespace WasteNotify.Core.Prediction;

/// <summary>
/// A stop still to come, with the baselines' predictions of the seconds until the truck reaches it; <paramref name="Ahead"/>
/// counts the stops still to come before it (0: the next stop).
/// </summary>
public readonly record struct UpcomingStop(int Stop, float PhysicsSeconds, float HistoricalSeconds, float NaiveSeconds, int Ahead);

/// <summary>
/// The model's inputs for every stop still to come, from the tracker's state, the route's history and the clock:
/// how far and how many stops away (with their learned dwells), what the three baselines say (physics, the historical
/// average, and the naive rule: distance over the truck's recent progress rate, floored at <see cref="PhysicsOptions.NaiveFloorMps"/>), whether the truck is
/// standing (for how long, with how many bins there, and the median stay still to come after standing that long:
/// dwells are heavy-tailed), how fast it has been progressing, how late it runs against its usual times, the
/// time of day and weekday (congestion, the driver's break), whether it is away from its route, and how full it is
/// (bins collected since it was last at the landfill, and bins still to collect before the stop: a full truck
/// unloads first).
/// Buildings served from one spot (within two stop radii along the path) are one stop for the truck: they share
/// an arrival, so the ones before a building at its own spot do not count as stops between.
/// </summary>
public sealed class EtaFeatures(RouteHistory history, PhysicsOptions physics, TimeZoneInfo zone)
{
    public static readonly IReadOnlyList<string> Names =
    [
        "distance_m", "stops_between", "dwell_between_s", "physics_s", "historical_s", "still_for_s", "at_stop", "recent_rate_mps",
        "elapsed_s", "delay_s", "local_hour", "weekday", "off_route_s", "stop_index", "furthest_served", "since_last_served_s",
        "current_stop_dwell_s", "group_members_before", "load_bins", "bins_to_stop", "long_stops", "current_spot_bins", "remaining_stay_s",
        "naive_s",
    ];

    /// <summary>Buildings within two of these along the path are served from one spot.</summary>
    public const double SpotRadiusMeters = 30;

    public static int Count => Names.Count;

    public RouteHistory History => history;

    /// <summary>
    /// Writes one row of <see cref="Count"/> features per pending stop, in route order, up to the room in
    /// <paramref name="stops"/>; returns how many.
    /// </summary>
    public int Build(RunTracker tracker, DateTimeOffset now, DateTimeOffset plannedStart, Span<float> rows, Span<UpcomingStop> stops)
    {
        ArgumentNullException.ThrowIfNull(tracker);
        var route = tracker.Route;
        var progress = tracker.Latest?.Offset ?? 0;
        var start = tracker.StartedAt ?? plannedStart;
        var stillFor = tracker.StillSince is { } since ? (now - since).TotalSeconds : 0;
        var (near, nearEnd) = route.StopsBetween(progress - SpotRadiusMeters, progress + SpotRadiusMeters);
        var atStop = stillFor > 0 && nearEnd > near;
        var back = tracker.OffsetAt(now - TimeSpan.FromMinutes(10));
        var rate = back is { } b ? (progress - b) / 600 : double.NaN;
        var naiveRate = Math.Max(physics.NaiveFloorMps, NaiveRate(tracker, rate, progress, now, physics));
        var last = tracker.LastServed;
        var lastArrival = last >= 0 ? tracker.Arrival(last) : null;
        var delay = lastArrival is { } la ? (la - start).TotalSeconds - history.MeanArrivalSeconds(last) : double.NaN;
        var local = TimeZoneInfo.ConvertTime(now, zone);
        var offRoute = tracker.OffRouteSince is { } off ? (now - off).TotalSeconds : 0;
        var currentDwell = atStop ? history.MeanDwellSeconds(near) : 0;
        var remainingDwell = atStop ? Math.Max(0, physics.DwellSeconds - stillFor) : 0;
        var remainingStay = atStop ? history.MedianRemainingDwellSeconds(near, stillFor) : 0;
        var spotBins = 0;
        for (var k = near; atStop && k < nearEnd; k++)
        {
            spotBins += tracker.Status(k) == StopStatus.Served ? route.Bins[k] : 0;
        }

        var load = 0;
        for (var k = last; k >= 0; k--)
        {
            if (tracker.Status(k) == StopStatus.Served)
            {
                if (tracker.LastAtFacility is { } unloaded && tracker.Arrival(k) < unloaded)
                {
                    break;
                }

                load += route.Bins[k];
            }
        }

        var binsToStop = 0;
        var count = 0;
        double dwellBetween = 0, priorBetween = 0, groupDwell = 0, groupOffset = double.NaN;
        int spotsBetween = 0, groupMembers = 0;
        for (var j = tracker.FirstPending; j < route.StopCount && count < stops.Length; j++)
        {
            if (tracker.Status(j) != StopStatus.Pending)
            {
                continue;
            }

            if (double.IsNaN(groupOffset) || route.StopOffsets[j] - groupOffset >= 2 * SpotRadiusMeters)
            {
                // A new spot: the previous one's truck stop lies between here and the truck.
                if (groupMembers > 0)
                {
                    spotsBetween++;
                    dwellBetween += groupDwell;
                    priorBetween += physics.DwellSeconds * groupMembers;
                }

                (groupDwell, groupMembers, groupOffset) = (0, 0, route.StopOffsets[j]);
            }

            var distance = Math.Max(0, route.StopOffsets[j] - progress);
            var physicsSeconds = (distance / physics.TypicalSpeedMps) + priorBetween + remainingDwell;
            var historical = lastArrival is { } arrived && !double.IsNaN(history.MeanArrivalSeconds(last))
                ? history.MeanArrivalSeconds(j) - history.MeanArrivalSeconds(last) - (now - arrived).TotalSeconds
                : history.MeanArrivalSeconds(j) - (now - start).TotalSeconds;
            historical = double.IsNaN(historical) ? double.NaN : Math.Max(0, historical);

            var row = rows.Slice(count * Count, Count);
            row[0] = (float)distance;
            row[1] = spotsBetween;
            row[2] = (float)dwellBetween;
            row[3] = (float)physicsSeconds;
            row[4] = (float)historical;
            row[5] = (float)stillFor;
            row[6] = atStop ? 1 : 0;
            row[7] = (float)rate;
            row[8] = (float)(now - start).TotalSeconds;
            row[9] = (float)delay;
            row[10] = (float)local.TimeOfDay.TotalHours;
            row[11] = (float)local.DayOfWeek;
            row[12] = (float)offRoute;
            row[13] = j;
            row[14] = last + 1;
            row[15] = lastArrival is { } l ? (float)(now - l).TotalSeconds : float.NaN;
            row[16] = (float)currentDwell;
            row[17] = groupMembers;
            binsToStop += route.Bins[j];
            row[18] = load;
            row[19] = binsToStop;
            row[20] = tracker.LongStops;
            row[21] = spotBins;
            row[22] = (float)remainingStay;
            row[23] = (float)(distance / naiveRate);
            stops[count] = new UpcomingStop(j, (float)physicsSeconds, (float)historical, row[23], count);
            count++;

            groupMembers++;
            // A spot's recorded dwell is the whole spot's (its buildings are served in one stand), so the largest, not the sum.
            groupDwell = Math.Max(groupDwell, history.MeanDwellSeconds(j));
        }

        return count;
    }

    /// <summary>
    /// The naive rule's speed: progress along the path over the last 10 minutes, or since the start when the run is
    /// younger (after its first minute), else the typical speed.
    /// </summary>
    private static double NaiveRate(RunTracker tracker, double lastTenMinutes, double progress, DateTimeOffset now, PhysicsOptions physics)
    {
        if (!double.IsNaN(lastTenMinutes))
        {
            return lastTenMinutes;
        }

        var since = tracker.StartedAt is { } started ? (now - started).TotalSeconds : 0;
        return since >= 60 && tracker.OffsetAt(tracker.StartedAt!.Value) is { } from ? (progress - from) / since : physics.TypicalSpeedMps;
    }
}
