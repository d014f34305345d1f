using WasteNotify.Core.Tracking;
using WasteNotify.Testing;

namespace WasteNotify.Service.Tests.Tracking;

public sealed class RestartTests
{
    [Fact]
    public async Task A_service_killed_mid_run_and_restarted_neither_loses_nor_repeats_a_stop()
    {
        var day = SimulatedFleet.Day(daysAgo: 2, seed: 31);
        await using var db = await TestDatabase.CreateAsync();
        var runId = await day.RegisterAsync(db.ConnectionString);
        var (prefix, clientId) = (TestEnvironment.UniqueName("wn-kill"), TestEnvironment.UniqueName("wn-kill-service"));
        var topic = $"{prefix}/trucks/{SimulatedFleet.TruckId}/telemetry";
        var cut = day.Fixes.Count * 3 / 5;
        await using var publisher = await Publisher.ConnectAsync();

        // The first part of the day, all of it stored and some stops decided; then SIGKILL, whatever it had in memory.
        await using (var first = await ServiceProcess.StartAsync(db.ConnectionString, prefix, clientId))
        {
            await SimulatedFleet.PublishAsync(publisher, topic, day.Fixes[..cut]);
            var stored = SimulatedFleet.Storable(day.Fixes[..cut]);
            Assert.True(await TestEnvironment.EventuallyAsync(
                async () => await db.ScalarAsync<long>("SELECT count(*) FROM telemetry") == stored
                            && await db.ScalarAsync<long>($"SELECT count(*) FROM run_stops WHERE run_id = {runId}") >= 3,
                TimeSpan.FromSeconds(60)), first.Output);
            await first.KillAsync();
        }

        var beforeRestart = await SimulatedFleet.StopsAsync(db, runId);
        Assert.InRange(beforeRestart.Count, 3, SimulatedFleet.Plan.Routes[0].Stops.Count - 1);

        // A kill between storing fixes and storing what they decided loses the latest decisions: make sure it did, so
        // that the restart has to decide them again from the stored fixes.
        var lost = beforeRestart.OrderBy(s => s.Sequence).TakeLast(2).Select(s => s.Sequence).ToList();
        await db.ScalarAsync<int>($"""
            WITH s AS (DELETE FROM run_stops WHERE run_id = {runId} AND sequence IN ({string.Join(',', lost)}) RETURNING 1),
                 e AS (DELETE FROM run_events WHERE run_id = {runId} AND sequence IN ({string.Join(',', lost)}) RETURNING 1)
            SELECT 0
            """);

        // The rest of the day reaches the broker while no service runs; its persistent session keeps it.
        await SimulatedFleet.PublishAsync(publisher, topic, day.Fixes[cut..]);
        await using var second = await ServiceProcess.StartAsync(db.ConnectionString, prefix, clientId);
        Assert.True(await SimulatedFleet.FinishedAsync(db, runId, TimeSpan.FromSeconds(60)), second.Output);

        // Every stop decided once, as an uninterrupted tracker fed the same fixes decides; what was stored before the
        // kill is still there.
        var stops = await SimulatedFleet.StopsAsync(db, runId);
        var reference = day.Reference(day.Fixes);
        Assert.Equal(SimulatedFleet.Plan.Routes[0].Stops.Count, stops.Count);
        Assert.Equal(
            reference.Where(e => e.Kind is TrackingEventKind.Served or TrackingEventKind.Skipped).GroupBy(e => e.StopSequence)
                .Select(g => (g.Key, g.Last().Kind == TrackingEventKind.Served ? "served" : "skipped")).Order(),
            stops.Select(s => (s.Sequence, s.Status)));
        foreach (var stop in stops.Where(s => s.Status == "served"))
        {
            var arrival = reference.Last(e => e.StopSequence == stop.Sequence && e.Kind == TrackingEventKind.Arrived).At;
            Assert.Equal(arrival, stop.Arrived);
        }

        foreach (var before in beforeRestart)
        {
            // The lost ones decided again, identically (a stop the truck had not left yet has a departure now).
            Assert.Contains(stops, s => s.Sequence == before.Sequence && s.Status == before.Status && s.Arrived == before.Arrived
                                        && (before.Departed is null || s.Departed == before.Departed));
        }

        var served = await db.RowsAsync($"SELECT sequence, count(*) FROM run_events WHERE run_id = {runId} AND kind = 'served' GROUP BY sequence");
        Assert.All(served, r => Assert.Equal(1L, (long)r[1]));
        Assert.Equal(stops.Count(s => s.Status == "served"), served.Count);
    }
}
