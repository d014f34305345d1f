using WasteNotify.Core.City;
using WasteNotify.Core.Streets;
using WasteNotify.FleetSimulator.Simulation;

namespace WasteNotify.FleetSimulator;

/// <summary>The modes that simulate trucks: live (real time or K times faster), history (past days, fast) and load.</summary>
internal static class SimulatedModes
{
    /// <summary>When every simulated day starts, local time (live then shifts its day to end now).</summary>
    public static readonly TimeOnly DayStart = new(6, 0);

    /// <summary>Simulated time between a run's last fix and the next run's start.</summary>
    public static readonly TimeSpan PauseBetweenRuns = TimeSpan.FromMinutes(15);

    /// <summary>
    /// Today's day for every truck, placed so that at K times real time its event times never run ahead of the clock
    /// (ingest refuses fixes from the future): at real time it starts now, faster it ends now.
    /// </summary>
    public static LiveDay PlanLive(FleetPlan plan, double speed, SimulationOptions options, GpsOptions gps, int seed, TimeZoneInfo zone, TimeProvider time) =>
        PlanRuns(plan, speed, 1, options, gps, seed, zone, time).Single();

    /// <summary>
    /// The runs live drives one after another, each a day of every truck simulated with its own seed, the next starting
    /// <see cref="PauseBetweenRuns"/> after the last fix of the one before. The series is placed so that its event times
    /// never run ahead of the clock: at real time (speed 1) the first run starts now and they go on for as many as asked
    /// (0: until stopped, made one at a time); faster, the whole series ends now, so it must be finite.
    /// </summary>
    public static IEnumerable<LiveDay> PlanRuns(FleetPlan plan, double speed, int runs, SimulationOptions options, GpsOptions gps, int seed, TimeZoneInfo zone,
        TimeProvider time)
    {
        if (runs == 0 && speed != 1)
        {
            throw new ArgumentException("--runs 0 (until stopped) needs --speed 1: faster, the fixes would run ahead of the clock, and ingest refuses those");
        }

        var now = time.GetUtcNow();
        var today = zone.DateAt(now);
        List<(TruckDayTrace Trace, List<EmittedFix> Fixes)> Simulate(int run) => [.. plan.SimulateDay(today, DayStart, zone, options, gps, seed + run)];
        static (DateTimeOffset Start, DateTimeOffset End) Span(List<(TruckDayTrace Trace, List<EmittedFix> Fixes)> days) =>
            (days.Min(d => d.Trace.Samples[0].Time), days.Max(d => d.Fixes.Max(f => f.DeliverAt)));

        // Where the series starts in event time: now less what it gains on the clock by going K times faster.
        var at = now;
        if (speed != 1)
        {
            var total = TimeSpan.Zero;
            for (var run = 0; run < runs; run++)
            {
                var (start, end) = Span(Simulate(run));
                total += (end - start) + (run > 0 ? PauseBetweenRuns : TimeSpan.Zero);
            }

            at = now - (total * (1 - (1 / speed)));
        }

        for (var run = 0; runs == 0 || run < runs; run++)
        {
            var days = Simulate(run);
            var (start, end) = Span(days);
            yield return new LiveDay(days, start, end, at - start);
            at += (end - start) + PauseBetweenRuns;
        }
    }

    /// <summary>The planned day published as it happens, K times faster than real time.</summary>
    public static async Task LiveAsync(LiveDay day, FixPublisher publisher, double speed, string? truthDirectory, TimeProvider time, TextWriter log, CancellationToken ct)
    {
        var (days, start, end, shift) = day;
        using (var truth = truthDirectory is null ? null : new TruthWriter(truthDirectory))
        {
            foreach (var (trace, fixes) in days)
            {
                truth?.Write(trace, fixes, shift);
            }
        }

        var all = days.SelectMany(d => d.Fixes).OrderBy(f => f.DeliverAt).ToList();
        await log.WriteLineAsync($"live: {days.Count} trucks, {all.Count:N0} fixes over {(end - start) / speed:hh\\:mm\\:ss} at x{speed}; ground truth in {truthDirectory ?? "(not written)"}");
        var clock = time.GetTimestamp();
        foreach (var fix in all)
        {
            var due = TimeSpan.FromTicks((long)((fix.DeliverAt - start).Ticks / speed)) - time.GetElapsedTime(clock);
            if (due > TimeSpan.Zero)
            {
                await Task.Delay(due, time, ct);
            }

            await publisher.PublishAsync(ToOutgoing(fix, shift), ct);
        }

        await publisher.FlushAsync(ct);
    }

    /// <summary>The past days history simulates: <paramref name="days"/> days ending <paramref name="endingDaysAgo"/> days before today (1: yesterday), Sundays left out.</summary>
    public static List<DateOnly> HistoryDates(int days, TimeZoneInfo zone, TimeProvider time, int endingDaysAgo = 1)
    {
        var last = zone.DateAt(time.GetUtcNow()).AddDays(-endingDaysAgo);
        return [.. Enumerable.Range(0, days).Reverse().Select(d => last.AddDays(-d)).Where(d => d.DayOfWeek != DayOfWeek.Sunday)];
    }

    /// <summary>Past days, Monday to Saturday, as fast as possible: to files (fixes and ground truth) and/or the broker.</summary>
    /// <param name="afterDay">Called once a day's fixes are published (and flushed): a paced replay waits there for the service.</param>
    public static async Task HistoryAsync(FleetPlan plan, FixPublisher? publisher, IReadOnlyList<DateOnly> dates, SimulationOptions options, GpsOptions gps, int seed,
        TimeZoneInfo zone, string truthDirectory, TextWriter log, CancellationToken ct, Func<DateOnly, CancellationToken, Task>? afterDay = null)
    {
        using var truth = new TruthWriter(truthDirectory);
        long count = 0;
        foreach (var date in dates)
        {
            var simulated = plan.SimulateDay(date, DayStart, zone, options, gps, seed).ToList();
            foreach (var (trace, fixes) in simulated)
            {
                truth.Write(trace, fixes, TimeSpan.Zero);
            }

            if (publisher is not null)
            {
                foreach (var fix in simulated.SelectMany(s => s.Fixes).OrderBy(f => f.DeliverAt))
                {
                    await publisher.PublishAsync(ToOutgoing(fix, TimeSpan.Zero), ct);
                }

                if (afterDay is not null)
                {
                    await publisher.FlushAsync(ct);
                    await afterDay(date, ct);
                }
            }

            count += simulated.Sum(s => s.Fixes.Count);
            await log.WriteLineAsync($"history: {date:yyyy-MM-dd} done ({count:N0} fixes so far)");
        }

        if (publisher is not null)
        {
            await publisher.FlushAsync(ct);
        }
    }

    /// <summary>Many trucks wandering the streets at 8 m/s, publishing at a target total rate, for benchmarks.</summary>
    public static async Task LoadAsync(StreetNetwork network, FixPublisher publisher, int trucks, double rate, TimeSpan duration, int seed, TimeProvider time, TextWriter log, CancellationToken ct)
    {
        var random = new Random(seed);
        var state = Enumerable.Range(0, trucks).Select(_ => (Node: random.Next(network.NodeCount), Seq: 0L)).ToArray();
        var tick = TimeSpan.FromMilliseconds(100);
        using var timer = new PeriodicTimer(tick, time);
        var started = time.GetTimestamp();
        var credit = 0.0;
        var next = 0;
        while (time.GetElapsedTime(started) < duration && await timer.WaitForNextTickAsync(ct))
        {
            credit += rate * tick.TotalSeconds;
            for (; credit >= 1; credit--)
            {
                ref var truck = ref state[next];
                var (first, last) = network.OutEdges(truck.Node);
                var from = network.Position(truck.Node);
                truck.Node = last > first ? network.EdgeTarget(first + random.Next(last - first)) : random.Next(network.NodeCount);
                var to = network.Position(truck.Node);
                await publisher.PublishAsync(new OutgoingFix($"load-{next:D5}", time.GetUtcNow(), to.Latitude, to.Longitude, 8, GeoPoint.BearingDegrees(from, to), ++truck.Seq), ct);
                next = (next + 1) % trucks;
            }
        }

        await publisher.FlushAsync(ct);
        await log.WriteLineAsync($"load: {publisher.Published:N0} fixes from {trucks:N0} trucks in {time.GetElapsedTime(started).TotalSeconds:F1} s = {publisher.Published / time.GetElapsedTime(started).TotalSeconds:N0} fixes/s (target {rate:N0})");
    }

    private static OutgoingFix ToOutgoing(EmittedFix fix, TimeSpan shift) =>
        new(fix.TruckId, fix.Timestamp + shift, fix.Position.Latitude, fix.Position.Longitude, fix.SpeedMps, fix.HeadingDegrees, fix.Sequence);
}
