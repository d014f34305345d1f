using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using WasteNotify.Core.Notifications;
using WasteNotify.Service.Live;
using WasteNotify.Service.Security;
using WasteNotify.Service.Tests.Tracking;
using WasteNotify.Testing;

namespace WasteNotify.Service.Tests.Notifications;

/// <summary>A simulated day through the broker, tracking, the notifier, the outbox and a fake Twilio, with live pages watching.</summary>
public sealed class NotificationEndToEndTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    internal static Dictionary<string, string?> TwilioSettings(FakeTwilio twilio) => new()
    {
        ["Twilio:AccountSid"] = twilio.AccountSid,
        ["Twilio:AuthToken"] = twilio.AuthToken,
        ["Twilio:BaseAddress"] = twilio.BaseAddress.ToString(),
        ["Notifications:Sms:Senders:0"] = "+33700000001",
        ["Notifications:Sms:PerSenderPerSecond"] = "1000",
        ["Notifications:Sms:MaxConcurrency"] = "8",
    };

    [Fact]
    public async Task A_simulated_run_sends_each_subscribed_building_one_approaching_and_one_collected_and_each_page_only_its_own()
    {
        await using var twilio = await FakeTwilio.StartAsync();
        var day = SimulatedFleet.Day(daysAgo: 2, seed: 7);
        await using var db = await TestDatabase.CreateAsync();
        var runId = await day.RegisterAsync(db.ConnectionString);
        var buildings = SimulatedFleet.Plan.Routes[0].Stops.Select(s => s.BuildingId).ToList();
        var phones = await Concierges.SubscribeAsync(db.ConnectionString, buildings);
        var (mine, other) = (buildings[3], buildings[4]);
        var secondPhone = (await Concierges.SubscribeAsync(db.ConnectionString, [mine], firstIndex: 100))[mine]; // a building with two concierges
        var served = Concierges.Served(day);
        Assert.True(served.Count >= buildings.Count / 2, $"the simulated day serves {served.Count} of {buildings.Count} stops");

        await using var host = await ServiceHost.StartAsync(db.ConnectionString, settings: TwilioSettings(twilio));
        var links = host.App.Services.GetRequiredService<SignedLinks>();
        var hub = new Uri(host.Http.BaseAddress!, "hubs/building");
        // One page as a browser's WebSocket sends its token (in the query), the other as the .NET client does (a bearer header).
        await using var page = await HubClient.ConnectAsync<IBuildingClient>(HubClient.WithAccessToken(hub, links.Create(SignedLinks.Page, mine, TimeSpan.FromHours(1)).Token));
        await using var otherPage = await HubClient.ConnectAsync<IBuildingClient>(hub, HubClient.AccessToken(links.Create(SignedLinks.Page, other, TimeSpan.FromHours(1)).Token));
        var operatorKey = await host.App.Services.GetRequiredService<ApiKeys>().CreateAsync(ApiRole.Operator, "hub test", CancellationToken.None);
        await using var operators = await HubClient.ConnectAsync<IFleetClient>(new Uri(host.Http.BaseAddress!, "hubs/fleet"), HubClient.AccessToken(operatorKey));

        await using var publisher = await Publisher.ConnectAsync();
        await SimulatedFleet.PublishAsync(publisher, host.TelemetryTopic(SimulatedFleet.TruckId), day.Fixes);
        Assert.True(await SimulatedFleet.FinishedAsync(db, runId, Patience), host.Counters());

        // Every subscriber hears, once, that the truck comes and then what it did: collected, or not today.
        var expected = (buildings.Count + 1) * 2;
        Assert.True(await TestEnvironment.EventuallyAsync(async () => (await Concierges.AlertsAsync(db, runId))
            .Where(a => a.Key.Kind != AlertKinds.Delayed).Sum(a => a.Value) >= expected, Patience), Describe(await Concierges.AlertsAsync(db, runId)));
        var alerts = await Concierges.AlertsAsync(db, runId);
        Assert.All(alerts, a => Assert.Equal(a.Key.Building == mine ? 2 : 1, a.Value));
        foreach (var building in buildings)
        {
            Assert.True(alerts.ContainsKey((building, AlertKinds.Approaching)), $"no approaching for {building}: {Describe(alerts)}");
            Assert.Equal(served.Contains(building), alerts.ContainsKey((building, AlertKinds.Collected)));
            Assert.Equal(!served.Contains(building), alerts.ContainsKey((building, AlertKinds.NotToday)));
        }

        // One SMS per alert, to the subscriber's number, from the configured sender, with Twilio told where to report.
        Assert.True(await TestEnvironment.EventuallyAsync(() => twilio.Messages.Count >= alerts.Values.Sum(), Patience), await OutboxAsync(db));
        var messages = twilio.Messages;
        Assert.Equal(alerts.Values.Sum(), messages.Count);
        Assert.All(messages, m => Assert.Equal("+33700000001", m.From));
        Assert.Equal(
            alerts.Keys.SelectMany(a => a.Building == mine ? [phones[a.Building], secondPhone] : new[] { phones[a.Building] }).Order(),
            messages.Select(m => m.To).Order());
        Assert.All(messages, m => Assert.StartsWith(new Uri(host.Http.BaseAddress!, "twilio/status?outbox=").ToString(), m.StatusCallback!.ToString()));
        Assert.True(await TestEnvironment.EventuallyAsync(
            async () => await db.ScalarAsync<long>("SELECT count(*) FROM outbox WHERE status = 'queued' AND provider_sid IS NOT NULL") == messages.Count,
            Patience));

        // The page of a building sees its ETA and its alerts, and nothing of another building; operators see the trucks.
        await page.WaitForAsync("AlertDecided", a => Building(a) == mine && Kind(a) == AlertKinds.Approaching);
        await page.WaitForAsync("EtaUpdated", a => Building(a) == mine);
        await otherPage.WaitForAsync("AlertDecided", a => Building(a) == other);
        Assert.All(page.Received, r => Assert.Equal(mine, Building(r)));
        Assert.Single(page.Received, r => r.Target == "AlertDecided" && Kind(r) == AlertKinds.Approaching); // once, for both concierges
        Assert.All(otherPage.Received, r => Assert.Equal(other, Building(r)));
        await operators.WaitForAsync("RunUpdated", r => r.Argument<JsonElement>(0).GetProperty("runId").GetInt64() == runId);
        await operators.WaitForAsync("AlertDecided", r => Building(r) == other);
    }

    private static string? Kind(HubInvocation invocation) =>
        invocation.Argument<JsonElement>(0).TryGetProperty("kind", out var kind) ? kind.GetString() : null;

    private static string? Building(HubInvocation invocation) =>
        invocation.Argument<JsonElement>(0).TryGetProperty("buildingId", out var id) ? id.GetString() : null;

    /// <summary>Each outbox row's alert, status and reason, for assertion messages.</summary>
    internal static async Task<string> OutboxAsync(TestDatabase db) =>
        string.Join("; ", (await db.RowsAsync("""
            SELECT a.building_id, a.kind, o.status, o.reason, o.attempts FROM outbox o JOIN alerts a ON a.id = o.alert_id ORDER BY o.id
            """)).Select(r => string.Join(" ", r)));

    internal static string Describe(Dictionary<(string Building, string Kind), long> alerts) =>
        string.Join(", ", alerts.OrderBy(a => a.Key.Building).Select(a => $"{a.Key.Building}:{a.Key.Kind}×{a.Value}"));
}
