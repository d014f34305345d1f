using WasteNotify.Core.City;
using WasteNotify.Core.Streets;
using WasteNotify.Core.Tests.Tracking;
using WasteNotify.FleetSimulator.Simulation;
using WasteNotify.Testing;

namespace WasteNotify.Core.Tests.Simulation;

public sealed class SimulationTests
{
    private static readonly GeneratedCity Town = SimulatedRun.Town;
    private static readonly TimeZoneInfo Paris = SimulatedRun.Paris;
    private static readonly DateTimeOffset Start = new(2026, 11, 23, 6, 0, 0, TimeSpan.FromHours(1));
    private static readonly Lazy<List<RouteStop>> Stops = new(() => SimulatedRun.Plan(60, routeSeed: 3).Stops);

    private static TruckDayTrace Day(SimulationOptions? options = null, int seed = 1) =>
        new TruckDaySimulator(Town.Network, options ?? new SimulationOptions()).Run("truck-1", Stops.Value, Town.DepotNode, Town.LandfillNode, Start, Paris, seed);

    [Fact]
    public void The_same_seed_gives_the_same_day_and_the_same_fixes()
    {
        var a = Day(seed: 7);
        var b = Day(seed: 7);
        var c = Day(seed: 8);

        Assert.Equal(a.Samples, b.Samples);
        Assert.All(a.Samples.Zip(a.Samples.Skip(1)), p => Assert.Equal(TimeSpan.FromSeconds(1), p.Second.Time - p.First.Time));
        Assert.Equal(a.Stops, b.Stops);
        Assert.Equal(GpsModel.Emit(a, new GpsOptions(), 5), GpsModel.Emit(b, new GpsOptions(), 5));
        Assert.NotEqual(a.Samples.Count, c.Samples.Count);
    }

    [Fact]
    public void Every_stop_has_a_ground_truth_arrival_in_route_order_at_its_node()
    {
        var day = Day();

        Assert.Equal(Stops.Value.Select(s => s.BuildingId), day.Stops.Select(s => s.BuildingId));
        Assert.All(day.Stops.Zip(day.Stops.Skip(1)), p => Assert.True(p.First.Arrival < p.Second.Arrival));
        var samples = day.Samples.ToDictionary(s => s.Time);
        foreach (var stop in day.Stops)
        {
            Assert.True(GeoPoint.DistanceMeters(samples[stop.Arrival].Position, Town.Network.Position(stop.Node)) < 1, $"stop {stop.Sequence}");
            if (stop.Outcome != StopOutcome.Skipped)
            {
                Assert.True(stop.Departure > stop.Arrival);
                Assert.All(day.Samples.Where(s => s.Time > stop.Arrival && s.Time <= stop.Departure), s => Assert.Equal(0, s.SpeedMps));
            }
        }
    }

    [Fact]
    public void Dwell_times_follow_the_fitted_lognormal_and_grow_with_bins()
    {
        var model = new DwellModel();
        var random = new Random(1);
        var one = Enumerable.Range(0, 20_000).Select(_ => model.Sample(random, 1)).ToList();
        var three = Enumerable.Range(0, 20_000).Select(_ => model.Sample(random, 3)).ToList();

        var logs = one.Select(x => Math.Log(x)).ToList();
        var mean = logs.Average();
        Assert.InRange(mean, model.LogMean - 0.05, model.LogMean + 0.05);
        Assert.InRange(Math.Sqrt(logs.Average(l => (l - mean) * (l - mean))), model.LogSd - 0.06, model.LogSd + 0.06);
        Assert.InRange(Median(three) / Median(one), 1.45, 1.75);
    }

    [Fact]
    public void The_default_dwell_model_is_the_fit_of_the_real_instances()
    {
        var instances = Directory.GetFiles(Path.GetDirectoryName(SharedData.Require("kim-waste-vrptw/102_stop.txt"))!, "*_stop.txt")
            .Select(f => { using var r = File.OpenText(f); return KimInstance.Read(r); }).ToList();

        var fit = DwellModel.Fit(instances);

        Assert.Equal(new DwellModel().LogMean, fit.LogMean, 2);
        Assert.Equal(new DwellModel().LogSd, fit.LogSd, 2);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void Speeds_stay_within_the_roads_and_the_trucks_limits_and_main_roads_are_faster(int seed)
    {
        var options = new SimulationOptions();
        var day = Day(options, seed);

        var speeds = day.Samples.Select(s => s.SpeedMps).ToList();
        Assert.True(speeds.Max() < 50 / 3.6 * options.TruckSpeedFactor * 1.1 * Math.Exp(3 * options.DaySpeedLogSd), $"max {speeds.Max():F1} m/s");
        var accelerations = speeds.Zip(speeds.Skip(1), (a, b) => b - a).ToList();
        var worst = accelerations.IndexOf(accelerations.Min());
        Assert.True(accelerations.Max() <= options.AccelerationMps2 + 1e-9, $"acceleration {accelerations.Max():F2} m/s2");
        Assert.True(accelerations[worst] >= -2 * options.BrakingMps2 - 1e-9,
            $"deceleration {accelerations[worst]:F2} m/s2 at {day.Samples[worst + 1].Time:HH:mm:ss}, speeds {string.Join(", ", speeds.Skip(Math.Max(0, worst - 3)).Take(6).Select(v => v.ToString("F1", System.Globalization.CultureInfo.InvariantCulture)))}");
        var moving = day.Samples.Where(s => s.SpeedMps > 1).ToList();
        Assert.True(moving.Where(s => !s.NarrowStreet).Average(s => s.SpeedMps) > moving.Where(s => s.NarrowStreet).Average(s => s.SpeedMps));
        Assert.InRange(moving.Average(s => s.SpeedMps), 3, 12);
    }

    [Fact]
    public void A_full_truck_unloads_at_the_landfill_mid_route()
    {
        var day = Day(new SimulationOptions { CapacityBins = 40 });

        var arrivals = day.Events.Where(e => e.Kind == "landfill_arrival").ToList();
        Assert.NotEmpty(arrivals);
        var samples = day.Samples.ToDictionary(s => s.Time);
        Assert.All(arrivals, e => Assert.True(GeoPoint.DistanceMeters(samples[e.Time].Position, Town.Network.Position(Town.LandfillNode)) < 1));
        Assert.True(arrivals[0].Time < day.Stops[^1].Arrival, "the landfill trip is mid-route");
        Assert.Equal(arrivals.Count, day.Events.Count(e => e.Kind == "landfill_departure"));
    }

    [Fact]
    public void Late_starts_breaks_skips_and_second_services_happen_when_asked()
    {
        var day = Day(new SimulationOptions { LateStartProbability = 1, SkipProbability = 0.2, ServedTwiceProbability = 0.2, BreakAfter = new TimeOnly(6, 30) });

        Assert.Contains(day.Events, e => e.Kind == "late_start");
        var breakStart = Assert.Single(day.Events, e => e.Kind == "break_start").Time;
        Assert.Equal(TimeSpan.FromMinutes(30), Assert.Single(day.Events, e => e.Kind == "break_end").Time - breakStart);
        Assert.Contains(day.Stops, s => s.Outcome == StopOutcome.Skipped && s.Arrival == s.Departure);
        Assert.Contains(day.Stops, s => s.Outcome == StopOutcome.ServedTwice && s.SecondArrival > s.Departure + TimeSpan.FromSeconds(10));
    }

    [Fact]
    public void Dropout_fixes_arrive_late_with_their_original_timestamps_and_out_of_order()
    {
        var day = Day();
        var fixes = GpsModel.Emit(day, new GpsOptions { DropoutProbability = 0.01, IntervalSeconds = 5 }, seed: 3);

        var delayed = fixes.Where(f => f.Kind == FixKind.Delayed).ToList();
        Assert.NotEmpty(delayed);
        Assert.All(delayed, f => Assert.True(f.DeliverAt >= f.Timestamp + TimeSpan.FromSeconds(5)));
        var truth = day.Samples.ToDictionary(s => s.Time);
        Assert.All(delayed, f => Assert.Equal(truth[f.Timestamp].Position, f.TruePosition));
        var inDeliveryOrder = fixes.Select(f => f.Timestamp).ToList();
        Assert.Contains(inDeliveryOrder.Zip(inDeliveryOrder.Skip(1)), p => p.Second < p.First);
        Assert.Equal(fixes.Where(f => f.Kind != FixKind.Duplicate).Select(f => f.Sequence).Order(), Enumerable.Range(1, fixes.Count(f => f.Kind != FixKind.Duplicate)).Select(i => (long)i));
    }

    [Fact]
    public void Fixes_are_noisy_by_a_few_metres_worse_in_narrow_streets_with_rare_garbage()
    {
        var fixes = GpsModel.Emit(Day(), new GpsOptions { IntervalSeconds = 2, GarbageProbability = 0.01 }, seed: 4);

        var good = fixes.Where(f => f.Kind is FixKind.Live or FixKind.Delayed).ToList();
        var errors = good.Select(f => GeoPoint.DistanceMeters(f.Position, f.TruePosition)).ToList();
        Assert.InRange(Median(errors), 2, 15);
        Assert.True(errors.Max() < 60);
        Assert.Contains(fixes, f => f.Kind == FixKind.Garbage && (f.Position == new GeoPoint(0, 0) || GeoPoint.DistanceMeters(f.Position, f.TruePosition) > 500));
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted[sorted.Count / 2];
    }
}
