using WasteNotify.Core.Streets;
using WasteNotify.Core.Streets.Routing;

namespace WasteNotify.FleetSimulator.Simulation;

/// <summary>
/// Simulates one truck's day second by second, by event time and from a seed: driving each leg's street path at
/// its road class's speed (times congestion, the day's factor and some noise) within acceleration and braking
/// limits, stopping at red lights and for short unplanned stops, serving each building (lognormal dwell), skipping
/// some and serving some twice, unloading at the landfill when full, a break after noon, and some late starts.
/// </summary>
public sealed class TruckDaySimulator(StreetNetwork network, SimulationOptions options)
{
    private StreetNetwork Network => network;

    private SimulationOptions Options => options;

    private const int MaxStepsPerLeg = 200_000;

    public TruckDayTrace Run(string truckId, IReadOnlyList<RouteStop> stops, int depot, int landfill, DateTimeOffset plannedStart, TimeZoneInfo zone, int seed)
    {
        ArgumentNullException.ThrowIfNull(stops);
        var day = new Day(this, new Random(seed), zone, plannedStart);
        day.Events.Add(new TruthEvent(plannedStart, "planned_start"));
        if (day.Random.NextDouble() < options.LateStartProbability)
        {
            var late = TimeSpan.FromMinutes(Uniform(day.Random, options.LateStartMinutes));
            day.Time += late;
            day.Events.Add(new TruthEvent(day.Time, "late_start", $"{late.TotalMinutes:F0} min late"));
        }

        day.Events.Add(new TruthEvent(day.Time, "left_depot"));
        var node = depot;
        var load = 0;
        var breakAt = TimeZoneInfo.ConvertTime(plannedStart, zone).Date + options.BreakAfter.ToTimeSpan() + TimeSpan.FromMinutes(day.Random.Next(0, 21));
        var breakTaken = false;
        var truth = new List<StopTruth>();
        for (var i = 0; i < stops.Count; i++)
        {
            var stop = stops[i];
            if (load + stop.Bins > options.CapacityBins && load > 0)
            {
                day.Drive([node, landfill]);
                day.Events.Add(new TruthEvent(day.Time, "landfill_arrival", $"{load} bins"));
                day.Wait(TimeSpan.FromSeconds(Uniform(day.Random, options.UnloadSeconds)));
                day.Events.Add(new TruthEvent(day.Time, "landfill_departure"));
                node = landfill;
                load = 0;
            }

            if (day.Random.NextDouble() < options.SkipProbability && i + 1 < stops.Count)
            {
                // Blocked access: drive past the building's node without stopping, on to the next stop.
                var passed = day.Drive([node, stop.Node, stops[i + 1].Node]);
                truth.Add(new StopTruth(i + 1, stop.BuildingId, stop.Node, passed[1], passed[1], StopOutcome.Skipped));
                node = stops[i + 1].Node;
                continue;
            }

            day.Drive([node, stop.Node]);
            var arrival = day.Time;
            day.Wait(TimeSpan.FromSeconds(options.Dwell.Sample(day.Random, stop.Bins)));
            var departure = day.Time;
            if (day.Random.NextDouble() < options.ServedTwiceProbability && NodeAway(stop.Node, 80) is { } away)
            {
                // Served, drove off, came back for a forgotten bin.
                day.Drive([stop.Node, away]);
                day.Drive([away, stop.Node]);
                var second = day.Time;
                day.Wait(TimeSpan.FromSeconds(options.Dwell.Sample(day.Random, 1)));
                truth.Add(new StopTruth(i + 1, stop.BuildingId, stop.Node, arrival, departure, StopOutcome.ServedTwice, second, day.Time));
            }
            else
            {
                truth.Add(new StopTruth(i + 1, stop.BuildingId, stop.Node, arrival, departure, StopOutcome.Served));
            }

            load += stop.Bins;
            node = stop.Node;
            if (!breakTaken && TimeZoneInfo.ConvertTime(day.Time, zone).DateTime >= breakAt)
            {
                breakTaken = true;
                day.Events.Add(new TruthEvent(day.Time, "break_start"));
                day.Wait(options.BreakLength);
                day.Events.Add(new TruthEvent(day.Time, "break_end"));
            }
        }

        day.Drive([node, depot]);
        day.Events.Add(new TruthEvent(day.Time, "back_at_depot"));
        return new TruckDayTrace(truckId, day.Samples, truth, day.Events);
    }

    /// <summary>A node at least <paramref name="meters"/> away, following the first way out of each node.</summary>
    private int? NodeAway(int from, double meters)
    {
        var node = from;
        for (var hops = 0; hops < 20; hops++)
        {
            var (start, end) = network.OutEdges(node);
            if (start == end)
            {
                return null;
            }

            node = network.EdgeTarget(start);
            if (GeoPoint.DistanceMeters(network.Position(from), network.Position(node)) >= meters)
            {
                return node;
            }
        }

        return null;
    }

    private static double Uniform(Random random, (double Min, double Max) range) => range.Min + (random.NextDouble() * (range.Max - range.Min));

    /// <summary>The state of one simulated day: clock, position, the samples so far.</summary>
    private sealed class Day(TruckDaySimulator owner, Random random, TimeZoneInfo zone, DateTimeOffset start)
    {
        private readonly StreetNetwork _network = owner.Network;
        private readonly SimulationOptions _options = owner.Options;
        private readonly Router _router = new(owner.Network);
        private readonly double _dayFactor = Math.Exp(owner.Options.DaySpeedLogSd * DwellModel.Gaussian(random));
        private TruthSample _last;

        public Random Random { get; } = random;

        public DateTimeOffset Time { get; set; } = start;

        public List<TruthSample> Samples { get; } = [];

        public List<TruthEvent> Events { get; } = [];

        public void Wait(TimeSpan duration)
        {
            var end = Time + duration;
            while (Time < end)
            {
                Time += TimeSpan.FromSeconds(1);
                Samples.Add(_last with { Time = Time, SpeedMps = 0 });
            }
        }

        /// <summary>Drives through the waypoints without stopping at them, to a stop at the last; returns the time each was reached.</summary>
        public List<DateTimeOffset> Drive(IReadOnlyList<int> waypoints)
        {
            var edges = new List<int>();
            var waypointDistance = new List<double> { 0 };
            double total = 0;
            for (var w = 0; w + 1 < waypoints.Count; w++)
            {
                if (waypoints[w] != waypoints[w + 1])
                {
                    var path = _router.AStar(waypoints[w], waypoints[w + 1]) ?? throw new InvalidOperationException($"no path from node {waypoints[w]} to {waypoints[w + 1]}");
                    edges.AddRange(path.Edges);
                    total += path.LengthMeters;
                }

                waypointDistance.Add(total);
            }

            if (Samples.Count == 0 || edges.Count == 0)
            {
                var here = _network.Position(waypoints[0]);
                _last = new TruthSample(Time, here, 0, 0, false);
                if (Samples.Count == 0)
                {
                    Samples.Add(_last);
                }
            }

            var reached = waypointDistance.Select(_ => Time).ToList();
            if (edges.Count == 0)
            {
                return reached;
            }

            // Edge geometry, target speeds, and where the truck must stop (red lights, short stops, the end).
            var cumulative = new double[edges.Count + 1];
            var target = new double[edges.Count];
            var hour = TimeZoneInfo.ConvertTime(Time, zone).Hour;
            var stopsAt = new SortedList<double, double>();
            for (var k = 0; k < edges.Count; k++)
            {
                var edge = _network.Edge(edges[k]);
                cumulative[k + 1] = cumulative[k] + edge.LengthMeters;
                target[k] = edge.LengthMeters / edge.TimeSeconds * _options.TruckSpeedFactor * SimulationOptions.Congestion(hour) * _dayFactor
                            * (0.85 + (0.25 * Random.NextDouble()));
                var (start, end) = _network.OutEdges(edge.To);
                if (k + 1 < edges.Count && end - start >= 3 && Random.NextDouble() < _options.RedLightProbability)
                {
                    stopsAt[cumulative[k + 1]] = Uniform(Random, _options.RedLightSeconds);
                }
            }

            stopsAt[total] = 0;

            double s = 0, v = 0;
            var edgeIndex = 0;
            var nextWaypoint = 1;
            for (var step = 0; step < MaxStepsPerLeg; step++)
            {
                var nextStop = stopsAt.Count > 0 ? stopsAt.Keys[0] : double.PositiveInfinity;
                var stopAhead = Math.Min(nextStop, total);
                if (stopsAt.Count > 0 && nextStop - s <= 0.5 && v <= 0.6)
                {
                    s = nextStop;
                    v = 0;
                    var wait = stopsAt.Values[0];
                    stopsAt.RemoveAt(0);
                    Record(s, v, cumulative, edges, ref edgeIndex);
                    Mark(reached, waypointDistance, ref nextWaypoint, s);
                    if (s >= total - 1e-6)
                    {
                        break;
                    }

                    Wait(TimeSpan.FromSeconds(wait));
                    continue;
                }

                while (edgeIndex + 1 < edges.Count && s >= cumulative[edgeIndex + 1])
                {
                    edgeIndex++;
                }

                // The fastest speed from which one-second steps, braking b per second, still stop in the distance left:
                // they cover v^2/2b + v/2, so v = -b/2 + sqrt(b^2/4 + 2bR).
                var b = _options.BrakingMps2;
                var brakeLimit = (-b / 2) + Math.Sqrt((b * b / 4) + (2 * b * Math.Max(0, stopAhead - s - 0.5)));
                var allowed = Math.Min(target[edgeIndex], brakeLimit);
                var vNew = v < allowed ? Math.Min(v + _options.AccelerationMps2, allowed) : Math.Max(v - (2 * _options.BrakingMps2), allowed);
                s = Math.Min(s + ((v + vNew) / 2), stopAhead);
                v = vNew;
                Time += TimeSpan.FromSeconds(1);
                Record(s, v, cumulative, edges, ref edgeIndex);
                Mark(reached, waypointDistance, ref nextWaypoint, s);

                if (v > 3 && Random.NextDouble() < _options.ShortStopPerSecond)
                {
                    var at = s + (v * v / (2 * _options.BrakingMps2)) + 1;
                    if (at < total - 1)
                    {
                        stopsAt[at] = Uniform(Random, _options.ShortStopSeconds);
                    }
                }
            }

            return reached;
        }

        /// <summary>Notes the time each waypoint is first reached.</summary>
        private void Mark(List<DateTimeOffset> reached, List<double> waypointDistance, ref int next, double s)
        {
            while (next < waypointDistance.Count && s >= waypointDistance[next] - 0.5)
            {
                reached[next] = Time;
                next++;
            }
        }

        private void Record(double s, double v, double[] cumulative, List<int> edges, ref int edgeIndex)
        {
            while (edgeIndex + 1 < edges.Count && s >= cumulative[edgeIndex + 1])
            {
                edgeIndex++;
            }

            var edge = _network.Edge(edges[edgeIndex]);
            var a = _network.Position(edge.From);
            var b = _network.Position(edge.To);
            var t = edge.LengthMeters > 0 ? Math.Clamp((s - cumulative[edgeIndex]) / edge.LengthMeters, 0, 1) : 1;
            var position = new GeoPoint(a.Latitude + ((b.Latitude - a.Latitude) * t), a.Longitude + ((b.Longitude - a.Longitude) * t));
            _last = new TruthSample(Time, position, v, GeoPoint.BearingDegrees(a, b), SimulationOptions.IsNarrow(edge.Street.Class));
            if (Samples.Count > 0 && Samples[^1].Time == Time)
            {
                Samples[^1] = _last; // snapped onto a stop within the same second: one sample per second
            }
            else
            {
                Samples.Add(_last);
            }
        }
    }
}
