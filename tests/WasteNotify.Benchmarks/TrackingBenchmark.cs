using System.Diagnostics;
using WasteNotify.Core.Prediction;
using WasteNotify.Core.Tracking;
using WasteNotify.FleetSimulator.Simulation;
using WasteNotify.Service.Eta;
using WasteNotify.Service.Tracking;

namespace WasteNotify.Benchmarks;

/// <summary>
/// Fixes per second through tracking and the ETA refresh (features and the model for every upcoming stop, batched
/// per fix) for 1,000 trucks with 200 stops each, and the memory each tracked stop costs. Ten simulated routes are
/// each driven by a hundred trucks, every truck with its own route object, so nothing is shared that would not be.
/// </summary>
internal static class TrackingBenchmark
{
    public static int Run(string[] args)
    {
        var trucks = CommandLine.Option(args, "--trucks", 1_000);
        var stops = CommandLine.Option(args, "--stops", 200);
        var fixesPerTruck = CommandLine.Option(args, "--fixes", 300);
        var zone = TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris");
        var fleet = FleetPlan.Create(citySeed: 1, trucks: 10, stops, seed: 3);
        var options = new TrackerOptions { Facilities = [fleet.City.Network.Position(fleet.City.LandfillNode)] };
        var date = new DateOnly(2026, 11, 23);
        var runs = fleet.SimulateRuns(date, new TimeOnly(6, 0), zone, new SimulationOptions(), new GpsOptions(), seed: 1).ToArray();
        var start = runs[0].PlannedStart;
        var days = runs.Select(r => r.Fixes.ToArray()).ToArray();

        var physics = new PhysicsOptions();
        var model = TrainModel(fleet, options, physics, date, zone);

        var features = new EtaFeatures(RouteHistory.Empty(stops, physics.DwellSeconds), physics, zone);
        var serving = new ServingModel(model, Version: 1);
        var trackedStops = (long)trucks * stops;
        Console.WriteLine($"{trucks:N0} trucks, {trackedStops:N0} tracked stops, {fixesPerTruck} fixes each (the day's first {fixesPerTruck * 5 / 60} min)");

        // The service's own refresh (LiveRun.Refresh): first every stop on every fix, then as it serves, the stops
        // within the alert horizon on every fix and all of them once a minute of event time.
        var everyStop = new TrackingOptions { ModelAfterRuns = 0, RefreshAllEvery = TimeSpan.FromTicks(1) };
        var (allRate, allPredicted, _) = Refresh(trucks, fleet, options, features, serving, physics, everyStop, days, start, date, fixesPerTruck, measureMemory: false);
        Console.WriteLine($"tracking + ETA refresh of every stop on every fix: {allRate:N0} fixes/s ({allPredicted:F0} stops predicted per fix)");
        var served = new TrackingOptions { ModelAfterRuns = 0 };
        var (rate, predicted, bytes) = Refresh(trucks, fleet, options, features, serving, physics, served, days, start, date, fixesPerTruck, measureMemory: true);
        Console.WriteLine($"tracking + ETA refresh as served (within {served.RefreshNearWithin.TotalMinutes:F0} min on every fix, all every {served.RefreshAllEvery.TotalSeconds:F0} s): "
            + $"{rate:N0} fixes/s ({predicted:F1} stops predicted per fix), {rate / allRate:F2} x every stop (goal >= 10,000 fixes/s)");
        Console.WriteLine($"memory: {bytes.Total / 1_048_576.0:F1} MiB for {trackedStops:N0} tracked stops = {bytes.Total / (double)trackedStops:F0} bytes per stop, of which run state (stops, 30 min of fix history, latest ETAs) {bytes.State / (double)trackedStops:F0} and the route (path, stop offsets) the rest");

        var replay = new RunTracker[trucks];
        for (var i = 0; i < trucks; i++)
        {
            replay[i] = new RunTracker(fleet.Tracked(i % 10), options);
        }

        long fixes = 0;
        var events = new List<TrackingEvent>();
        var clock = Stopwatch.StartNew();
        for (var step = 0; step < fixesPerTruck; step++)
        {
            for (var i = 0; i < trucks; i++)
            {
                if (step < days[i % 10].Length)
                {
                    events.Clear();
                    replay[i].Observe(days[i % 10][step], events);
                    fixes++;
                }
            }
        }

        Console.WriteLine($"tracking alone: {fixes / clock.Elapsed.TotalSeconds:N0} fixes/s");
        return 0;
    }

    /// <summary>Every truck's fixes through its own LiveRun and its refresh, by step; the rate, the stops predicted per fix, and (once) the memory the runs hold.</summary>
    private static (double Rate, double PredictedPerFix, (long Total, long State) Bytes) Refresh(int trucks, FleetPlan fleet, TrackerOptions tracker, EtaFeatures features,
        ServingModel serving, PhysicsOptions physics, TrackingOptions options, TrackedFix[][] days, DateTimeOffset start, DateOnly date, int fixesPerTruck, bool measureMemory)
    {
        var runs = new LiveRun[trucks];
        for (var i = 0; i < trucks; i++)
        {
            runs[i] = new LiveRun(new RunRow(i, $"route-{i % 10}", $"truck-{i}", date, start, "planned", null, null), new RunTracker(fleet.Tracked(i % 10), tracker), features, []);
        }

        var scratch = new EtaScratch();
        long fixes = 0, predicted = 0;
        var clock = Stopwatch.StartNew();
        for (var step = 0; step < fixesPerTruck; step++)
        {
            for (var i = 0; i < trucks; i++)
            {
                var day = days[i % 10];
                if (step < day.Length)
                {
                    runs[i].Observe(day[step]);
                    runs[i].Refresh(scratch, serving, physics, options, day[step].Time, log: null);
                    fixes++;
                    predicted += runs[i].Predicted;
                }
            }
        }

        var rate = fixes / clock.Elapsed.TotalSeconds;
        if (!measureMemory)
        {
            return (rate, predicted / (double)fixes, (0, 0));
        }

        // What the runs hold: the live heap with them, less the live heap once they are dropped.
        var routesOnly = runs.Select(r => r.Tracker.Route).ToArray();
        var with = LiveBytes();
        Array.Clear(runs);
        var stateOnly = with - LiveBytes();
        Array.Clear(routesOnly);
        return (rate, predicted / (double)fixes, (with - LiveBytes(), stateOnly));
    }

    /// <summary>A model to serve with, trained on three other days of the same routes (in its own method, so that its garbage is gone before memory is measured).</summary>
    private static EtaModel TrainModel(FleetPlan fleet, TrackerOptions options, PhysicsOptions physics, DateOnly date, TimeZoneInfo zone)
    {
        var training = new EtaTrainingOptions { Rounds = 100, HoldoutDays = 1 };
        var history = Enumerable.Range(1, 3)
            .SelectMany(d => fleet.SimulateRuns(date.AddDays(-7 * d), new TimeOnly(6, 0), zone, new SimulationOptions(), new GpsOptions(), seed: 1)).ToList();
        return EtaTrainer.Train(EtaTrainer.Sample(history, options, physics, zone, training), training);
    }

    /// <summary>The managed heap's live size after a full, compacting collection.</summary>
    private static long LiveBytes()
    {
        System.Runtime.GCSettings.LargeObjectHeapCompactionMode = System.Runtime.GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        return GC.GetTotalMemory(forceFullCollection: true);
    }
}
