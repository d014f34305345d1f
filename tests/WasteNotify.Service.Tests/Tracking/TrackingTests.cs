using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using WasteNotify.Core.Tracking;
using WasteNotify.Service.Tracking;
using WasteNotify.Testing;

namespace WasteNotify.Service.Tests.Tracking;

public sealed class TrackingTests
{
    private static readonly Dictionary<string, string?> FastChecks = new() { ["Tracking:CheckEvery"] = "00:00:00.200" };

    [Fact]
    public async Task A_run_published_through_the_broker_is_decided_as_its_fixes_say_and_its_ETAs_are_served()
    {
        var day = SimulatedFleet.Day();
        await using var db = await TestDatabase.CreateAsync();
        await using var service = await ServiceHost.StartAsync(db.ConnectionString, settings: FastChecks);
        var runId = await day.RegisterAsync(db.ConnectionString);
        var client = await service.ClientAsync();

        // Halfway: the run is followed, its ETAs say which predictor made them and lie ahead of the latest fix.
        var half = day.Fixes.Count / 2;
        await using var publisher = await Publisher.ConnectAsync();
        await SimulatedFleet.PublishAsync(publisher, service.TelemetryTopic(SimulatedFleet.TruckId), day.Fixes[..half]);
        var live = service.App.Services.GetRequiredService<LiveRuns>();
        Assert.True(await TestEnvironment.EventuallyAsync(() => live.Get(runId)?.LastFixAt == day.Fixes[..half].Where(f => f.Position.Latitude != 0).Max(f => f.Timestamp), TimeSpan.FromSeconds(60)),
            $"{service.Counters()}; tracking {service.App.Services.GetRequiredService<TrackingService>().Counts} {service.App.Services.GetRequiredService<TrackingService>().ExecuteTask?.Exception}; tracked: {live.Get(runId)?.LastFixAt:O} ({live.Get(runId)?.Status}), expected {day.Fixes[..half].Where(f => f.Position.Latitude != 0).Max(f => f.Timestamp):O}");
        var etas = await client.GetFromJsonAsync<JsonElement>($"/api/runs/{runId}/etas");
        Assert.Equal("physics", etas.GetProperty("predictor").GetString()); // no model trained yet
        var madeAt = etas.GetProperty("madeAt").GetDateTimeOffset();
        var upcoming = etas.GetProperty("upcoming").EnumerateArray().ToList();
        Assert.NotEmpty(upcoming);
        Assert.All(upcoming, s => Assert.True(s.GetProperty("early").GetDateTimeOffset() >= madeAt
                                              && s.GetProperty("early").GetDateTimeOffset() <= s.GetProperty("eta").GetDateTimeOffset()
                                              && s.GetProperty("eta").GetDateTimeOffset() <= s.GetProperty("late").GetDateTimeOffset()));
        var sequences = upcoming.Select(s => s.GetProperty("sequence").GetInt32()).ToList();
        Assert.Equal(sequences.Order(), sequences);

        var next = upcoming[0];
        var building = await client.GetFromJsonAsync<JsonElement>($"/api/buildings/{next.GetProperty("buildingId").GetString()}/eta");
        Assert.Equal("upcoming", building.GetProperty("status").GetString());
        Assert.Equal(runId, building.GetProperty("runId").GetInt64());
        Assert.Equal(next.GetProperty("eta").GetDateTimeOffset(), building.GetProperty("eta").GetDateTimeOffset());
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/api/buildings/nobody-collects-me/eta")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/api/runs/999999/etas")).StatusCode);

        // The rest of the day: every stop decided as a tracker fed the same fixes decides, stored once.
        await SimulatedFleet.PublishAsync(publisher, service.TelemetryTopic(SimulatedFleet.TruckId), day.Fixes[half..]);
        Assert.True(await SimulatedFleet.FinishedAsync(db, runId, TimeSpan.FromSeconds(60)), service.Counters());
        var reference = day.Reference(day.Fixes);
        var stops = await SimulatedFleet.StopsAsync(db, runId);
        Assert.Equal(SimulatedFleet.Plan.Routes[0].Stops.Count, stops.Count);
        foreach (var (sequence, status, arrived, departed) in stops)
        {
            var decided = reference.Last(e => e.StopSequence == sequence && e.Kind is TrackingEventKind.Served or TrackingEventKind.Skipped);
            Assert.Equal(decided.Kind == TrackingEventKind.Served ? "served" : "skipped", status);
            Assert.Equal(reference.LastOrDefault(e => e.StopSequence == sequence && e.Kind == TrackingEventKind.Arrived).At is var a && a == default ? null : a, arrived);
            Assert.Equal(reference.LastOrDefault(e => e.StopSequence == sequence && e.Kind == TrackingEventKind.Departed).At is var d && d == default ? null : d, departed);
        }

        // And against the simulator's truth: nearly every stop it served, served (a red light at a stop's own corner can look like a collection).
        var served = stops.Count(s => s.Status == "served");
        Assert.InRange(served, day.Truth.Stops.Count(s => s.Outcome != WasteNotify.FleetSimulator.Simulation.StopOutcome.Skipped) - 1, day.Truth.Stops.Count(s => s.Outcome != WasteNotify.FleetSimulator.Simulation.StopOutcome.Skipped) + 1);

        // The record: the stop decisions and the run's events, from the database.
        var record = await client.GetFromJsonAsync<JsonElement>($"/api/runs/{runId}/record");
        Assert.Equal("finished", record.GetProperty("run").GetProperty("status").GetString());
        Assert.Equal(stops.Count, record.GetProperty("stops").GetArrayLength());
        var kinds = record.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("kind").GetString()).ToList();
        Assert.Contains("started", kinds);
        Assert.Contains("finished", kinds);
        Assert.Equal(served, kinds.Count(k => k == "served"));

        // Predictions were logged for evaluation while the run went on.
        Assert.True(await db.ScalarAsync<long>($"SELECT count(*) FROM eta_predictions WHERE run_id = {runId} AND predictor = 'physics'") > 0);
    }

    [Fact]
    public async Task A_day_published_at_two_speeds_gives_the_same_stop_decisions_and_events()
    {
        var day = SimulatedFleet.Day(daysAgo: 3, seed: 21);
        await using var fastDb = await TestDatabase.CreateAsync();
        await using var slowDb = await TestDatabase.CreateAsync();
        await using var fast = await ServiceHost.StartAsync(fastDb.ConnectionString, settings: FastChecks);
        await using var slow = await ServiceHost.StartAsync(slowDb.ConnectionString, settings: FastChecks);
        var fastRun = await day.RegisterAsync(fastDb.ConnectionString);
        var slowRun = await day.RegisterAsync(slowDb.ConnectionString);
        await using var publisher = await Publisher.ConnectAsync();

        // As fast as the broker takes them, and at 2,000 times the day's pace (the same order, fixes spread over seconds).
        await Task.WhenAll(
            SimulatedFleet.PublishAsync(publisher, fast.TelemetryTopic(SimulatedFleet.TruckId), day.Fixes),
            SimulatedFleet.PublishAsync(publisher, slow.TelemetryTopic(SimulatedFleet.TruckId), day.Fixes, speed: 2_000));
        Assert.True(await SimulatedFleet.FinishedAsync(fastDb, fastRun, TimeSpan.FromSeconds(60)), fast.Counters());
        Assert.True(await SimulatedFleet.FinishedAsync(slowDb, slowRun, TimeSpan.FromSeconds(60)), slow.Counters());

        var fastStops = await SimulatedFleet.StopsAsync(fastDb, fastRun);
        Assert.Equal(SimulatedFleet.Plan.Routes[0].Stops.Count, fastStops.Count);
        Assert.Equal(fastStops, await SimulatedFleet.StopsAsync(slowDb, slowRun));
        var fastEvents = await SimulatedFleet.TrackerEventsAsync(fastDb, fastRun);
        Assert.Contains(fastEvents, e => e.StartsWith("served", StringComparison.Ordinal));
        Assert.Equal(fastEvents, await SimulatedFleet.TrackerEventsAsync(slowDb, slowRun));
    }

    [Fact]
    public async Task A_route_that_cannot_be_followed_is_set_aside_and_every_other_truck_is_still_followed()
    {
        var day = SimulatedFleet.Day(daysAgo: 2, seed: 41);
        await using var db = await TestDatabase.CreateAsync();
        await using var service = await ServiceHost.StartAsync(db.ConnectionString, settings: FastChecks);
        var runId = await day.RegisterAsync(db.ConnectionString);

        // A route whose only building moved 2 km from its path since it was planned.
        var path = SimulatedFleet.Plan.Routes[0].Path;
        var array = "{" + string.Join(',', path.SelectMany(p => new[] { p.Latitude, p.Longitude })) + "}";
        await db.ScalarAsync<int>($"""
            INSERT INTO buildings (id, address, lat, lon, bins) VALUES ('moved', '1 Far Away', {path[0].Latitude + 0.018}, {path[0].Longitude}, 1);
            INSERT INTO trucks (id, name, depot_lat, depot_lon) VALUES ('broken', 'broken', 0, 0);
            INSERT INTO routes (id, truck_id, path) VALUES ('broken', 'broken', '{array}');
            INSERT INTO route_stops (route_id, sequence, building_id) VALUES ('broken', 1, 'moved');
            INSERT INTO route_runs (route_id, service_date, truck_id, planned_start) VALUES ('broken', '{day.Date:yyyy-MM-dd}', 'broken', now());
            SELECT 0;
            """);

        await using var publisher = await Publisher.ConnectAsync();
        await SimulatedFleet.PublishAsync(publisher, service.TelemetryTopic("broken"), day.Fixes[..20]);
        await SimulatedFleet.PublishAsync(publisher, service.TelemetryTopic(SimulatedFleet.TruckId), day.Fixes);
        Assert.True(await SimulatedFleet.FinishedAsync(db, runId, TimeSpan.FromSeconds(60)), service.Counters());

        var tracking = service.App.Services.GetRequiredService<TrackingService>();
        Assert.False(tracking.ExecuteTask!.IsCompleted);
        Assert.True(tracking.Counts.Untracked >= 20, $"{tracking.Counts}"); // the broken truck's fixes, stored but not followed
        var brokenRun = await db.ScalarAsync<long>("SELECT id FROM route_runs WHERE route_id = 'broken'");
        Assert.Null(service.App.Services.GetRequiredService<LiveRuns>().Get(brokenRun));
        Assert.Equal(20L, await db.ScalarAsync<long>("SELECT count(*) FROM telemetry WHERE truck_id = 'broken'"));
    }

    [Fact]
    public async Task A_truck_that_falls_silent_and_one_that_never_starts_are_reported_by_the_fleets_clock()
    {
        var day = SimulatedFleet.Day(daysAgo: 2, seed: 51);
        await using var db = await TestDatabase.CreateAsync();
        await using var service = await ServiceHost.StartAsync(db.ConnectionString, settings: new Dictionary<string, string?>
        {
            ["Tracking:CheckEvery"] = "00:00:00.200",
            ["Tracking:SilentAfter"] = "00:10:00",
            ["Tracking:NotStartedAfter"] = "00:15:00",
        });
        var silentRun = await day.RegisterAsync(db.ConnectionString);
        var busyRun = await AddRunAsync(db, "busy", day.Date);
        var idleRun = await AddRunAsync(db, "idle", day.Date);

        // The busy truck drives the whole day (two days ago, delivered in seconds, both trucks' fixes in the order a live
        // fleet sends them); the other stops sending an hour in, and the idle one never sends. Silence is judged by the
        // fleet's clock: the busy truck's fixes, not the wall's.
        await using var publisher = await Publisher.ConnectAsync();
        var firstHour = day.Fixes.Where(f => f.DeliverAt < day.Fixes[0].DeliverAt.AddHours(1)).ToList();
        await SimulatedFleet.PublishFleetAsync(publisher,
            firstHour.Select(f => (service.TelemetryTopic(SimulatedFleet.TruckId), f)).Concat(day.Fixes.Select(f => (service.TelemetryTopic("busy"), f))));
        Assert.True(await SimulatedFleet.FinishedAsync(db, busyRun, TimeSpan.FromSeconds(60)), service.Counters());

        Assert.True(await TestEnvironment.EventuallyAsync(async () =>
            await db.ScalarAsync<long>($"SELECT count(*) FROM run_events WHERE run_id = {silentRun} AND kind = 'gps_silent'") == 1
            && await db.ScalarAsync<long>($"SELECT count(*) FROM run_events WHERE run_id = {idleRun} AND kind = 'not_started'") == 1,
            TimeSpan.FromSeconds(30)));
        var lastFix = firstHour.Where(f => f.Position.Latitude != 0).Max(f => f.Timestamp);
        Assert.Equal(lastFix.UtcDateTime, await db.ScalarAsync<DateTime>($"SELECT at FROM run_events WHERE run_id = {silentRun} AND kind = 'gps_silent'"));
        Assert.Equal(0L, await db.ScalarAsync<long>($"SELECT count(*) FROM run_events WHERE run_id = {busyRun} AND kind IN ('gps_silent', 'not_started')"));

        var live = service.App.Services.GetRequiredService<LiveRuns>();
        Assert.Contains(live.Get(silentRun)!.Anomalies, a => a.StartsWith("no GPS fix since", StringComparison.Ordinal));
        Assert.Contains(live.Get(idleRun)!.Anomalies, a => a.StartsWith("not started", StringComparison.Ordinal));
    }

    /// <summary>Another truck on the simulated route's path and stops, with a run on the date.</summary>
    private static async Task<long> AddRunAsync(TestDatabase db, string id, DateOnly date)
    {
        var (_, stops, path) = SimulatedFleet.Plan.Routes[0];
        var array = "{" + string.Join(',', path.SelectMany(p => new[] { p.Latitude, p.Longitude })) + "}";
        var values = string.Join(", ", stops.Select((s, i) => $"('{id}', {i + 1}, '{s.BuildingId}')"));
        return await db.ScalarAsync<long>($"""
            INSERT INTO trucks (id, name, depot_lat, depot_lon) VALUES ('{id}', '{id}', 0, 0);
            INSERT INTO routes (id, truck_id, path) VALUES ('{id}', '{id}', '{array}');
            INSERT INTO route_stops (route_id, sequence, building_id) VALUES {values};
            INSERT INTO route_runs (route_id, service_date, truck_id, planned_start)
            VALUES ('{id}', '{date:yyyy-MM-dd}', '{id}', '{SimulatedFleet.PlannedStart(date).UtcDateTime:O}') RETURNING id;
            """);
    }
}
