using System.Diagnostics;
using WasteNotify.Core.Prediction;
using WasteNotify.Core.Simulation;
using WasteNotify.Core.Tracking;
using WasteNotify.Service.Eta;

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

        var trackers = new RunTracker[trucks];
        for (var i = 0; i < trucks; i++)
        {
            trackers[i] = new RunTracker(fleet.Tracked(i % 10), options);
        }

        var trackedStops = trackers.Sum(t => (long)t.Route.StopCount);
        Console.WriteLine($"{trucks:N0} trucks, {trackedStops:N0} tracked stops, {fixesPerTruck} fixes each (the day's first {fixesPerTruck * 5 / 60} min)");

        var features = new EtaFeatures(RouteHistory.Empty(stops, physics.DwellSeconds), physics, zone);
        var events = new List<TrackingEvent>();
        var rows = new float[stops * EtaFeatures.Count];
        var upcoming = new UpcomingStop[stops];
        var etas = new EtaSeconds[stops];
        long fixes = 0, predictions = 0;
        var clock = Stopwatch.StartNew();
        for (var step = 0; step < fixesPerTruck; step++)
        {
            for (var i = 0; i < trucks; i++)
            {
                var day = days[i % 10];
                if (step >= day.Length)
                {
                    continue;
                }

                var fix = day[step];
                events.Clear();
                trackers[i].Observe(fix, events);
                var count = features.Build(trackers[i], fix.Time, start, rows, upcoming);
                model.Predict(rows, count, etas);
                fixes++;
                predictions += count;
            }
        }

        var elapsed = clock.Elapsed;
        // What the trackers hold: the live heap with them, less the live heap once they are dropped.
        var routesOnly = trackers.Select(t => t.Route).ToArray();
        var with = LiveBytes();
        Array.Clear(trackers);
        var stateOnly = with - LiveBytes();
        Array.Clear(routesOnly);
        var total = with - LiveBytes();
        Console.WriteLine($"tracking + ETA refresh: {fixes:N0} fixes in {elapsed.TotalSeconds:F1} s = {fixes / elapsed.TotalSeconds:N0} fixes/s ({predictions / elapsed.TotalSeconds:N0} stop ETAs/s)");
        Console.WriteLine($"memory: {total / 1_048_576.0:F1} MiB for {trackedStops:N0} tracked stops = {total / (double)trackedStops:F0} bytes per stop, of which run state (stops, 30 min of fix history) {stateOnly / (double)trackedStops:F0} and the route (path, stop offsets) the rest");

        var replay = new RunTracker[trucks];
        for (var i = 0; i < trucks; i++)
        {
            replay[i] = new RunTracker(fleet.Tracked(i % 10), options);
        }

        fixes = 0;
        clock.Restart();
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
