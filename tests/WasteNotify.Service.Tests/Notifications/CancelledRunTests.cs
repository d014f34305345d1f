using System.Net;
using System.Net.Http.Json;
using WasteNotify.Core.Notifications;
using WasteNotify.Service.Security;
using WasteNotify.Service.Tests.Tracking;
using WasteNotify.Testing;

namespace WasteNotify.Service.Tests.Notifications;

public sealed class CancelledRunTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Cancelling_a_run_mid_way_tells_the_buildings_not_served_yet_not_today_and_stops_following_it()
    {
        var day = SimulatedFleet.Day(daysAgo: 2, seed: 7);
        await using var db = await TestDatabase.CreateAsync();
        var runId = await day.RegisterAsync(db.ConnectionString);
        var buildings = SimulatedFleet.Plan.Routes[0].Stops.Select(s => s.BuildingId).ToList();
        await Concierges.SubscribeAsync(db.ConnectionString, buildings, channels: "{web}");
        // The periodic sweep far off: "not today" in time can only come from the cancellation travelling tracking → notifier.
        await using var host = await ServiceHost.StartAsync(db.ConnectionString, settings: new Dictionary<string, string?> { ["Notifications:SweepEvery"] = "00:10:00" });
        var client = await host.ClientAsync(ApiRole.Operator);
        var topic = host.TelemetryTopic(SimulatedFleet.TruckId);
        await using var publisher = await Publisher.ConnectAsync();

        await SimulatedFleet.PublishAsync(publisher, topic, day.Fixes[..(day.Fixes.Count / 3)]);
        Assert.True(await TestEnvironment.EventuallyAsync(
            async () => await db.ScalarAsync<long>($"SELECT count(*) FROM alerts WHERE run_id = {runId} AND kind = 'collected'") >= 1, Patience));
        var response = await client.PostAsync($"/api/runs/{runId}/cancel", null);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        // Served before the cancellation: collected; the others: not today. Each building hears one of the two.
        var ended = $"SELECT count(*) FROM alerts WHERE run_id = {runId} AND kind IN ('collected', 'not_today')";
        Assert.True(await TestEnvironment.EventuallyAsync(async () => await db.ScalarAsync<long>(ended) == buildings.Count, Patience),
            NotificationEndToEndTests.Describe(await Concierges.AlertsAsync(db, runId)));
        var collected = (await db.RowsAsync($"SELECT building_id FROM alerts WHERE run_id = {runId} AND kind = 'collected'")).Select(r => (string)r[0]).ToHashSet();
        var served = (await db.RowsAsync($"SELECT building_id FROM run_stops WHERE run_id = {runId} AND status = 'served'")).Select(r => (string)r[0]).ToHashSet();
        Assert.Equal(served, collected);
        Assert.InRange(collected.Count, 1, buildings.Count - 1);

        // The rest of the day decides nothing more: the run is no longer followed.
        await SimulatedFleet.PublishAsync(publisher, topic, day.Fixes[(day.Fixes.Count / 3)..]);
        var stored = SimulatedFleet.Storable(day.Fixes);
        Assert.True(await TestEnvironment.EventuallyAsync(async () => await db.ScalarAsync<long>("SELECT count(*) FROM telemetry") == stored, Patience));
        var tracked = await client.AllAsync<System.Text.Json.JsonElement>("/api/tracking");
        Assert.DoesNotContain(tracked!, r => r.GetProperty("runId").GetInt64() == runId);
        var alerts = await Concierges.AlertsAsync(db, runId);
        Assert.All(alerts, a => Assert.Equal(1, a.Value));
        Assert.Equal(collected, alerts.Keys.Where(a => a.Kind == AlertKinds.Collected).Select(a => a.Building).ToHashSet());
        Assert.Equal("cancelled", await db.ScalarAsync<string>($"SELECT status FROM route_runs WHERE id = {runId}"));

        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync($"/api/runs/{runId}/cancel", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsync("/api/runs/999999/cancel", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await (await host.ClientAsync(ApiRole.Pilot)).PostAsync($"/api/runs/{runId}/cancel", null)).StatusCode);
    }
}
