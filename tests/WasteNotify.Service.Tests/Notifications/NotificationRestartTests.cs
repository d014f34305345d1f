using WasteNotify.Core.Notifications;
using WasteNotify.Service.Tests.Tracking;
using WasteNotify.Testing;

namespace WasteNotify.Service.Tests.Notifications;

public sealed class NotificationRestartTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task A_service_killed_mid_run_and_restarted_sends_no_alert_twice_and_misses_none()
    {
        await using var twilio = await FakeTwilio.StartAsync();
        var day = SimulatedFleet.Day(daysAgo: 2, seed: 31);
        await using var db = await TestDatabase.CreateAsync();
        var runId = await day.RegisterAsync(db.ConnectionString);
        var buildings = SimulatedFleet.Plan.Routes[0].Stops.Select(s => s.BuildingId).ToList();
        var phones = await Concierges.SubscribeAsync(db.ConnectionString, buildings, channels: "{sms}");
        var served = Concierges.Served(day);
        var settings = NotificationEndToEndTests.TwilioSettings(twilio).ToDictionary(s => s.Key.Replace(":", "__", StringComparison.Ordinal), s => s.Value!);
        // A message whose request was leaving when the service died waits this long for Twilio's word before going again.
        settings["Notifications__Sms__SendingGrace"] = "00:00:10";
        var url = $"http://127.0.0.1:{TestEnvironment.FreeTcpPort()}";
        using var stopTwilio = new CancellationTokenSource();
        var callbacks = ReportDeliveriesAsync(twilio, stopTwilio.Token);
        var (prefix, clientId) = (TestEnvironment.UniqueName("wn-nkill"), TestEnvironment.UniqueName("wn-nkill-service"));
        var topic = $"{prefix}/trucks/{SimulatedFleet.TruckId}/telemetry";
        var cut = day.Fixes.Count / 2;
        await using var publisher = await Publisher.ConnectAsync();

        // Half the day, until some alerts are decided and sent; then SIGKILL, whatever the service had in hand.
        await using (var first = await ServiceProcess.StartAsync(db.ConnectionString, prefix, clientId, settings, url))
        {
            await SimulatedFleet.PublishAsync(publisher, topic, day.Fixes[..cut]);
            Assert.True(await TestEnvironment.EventuallyAsync(
                async () => await db.ScalarAsync<long>($"SELECT count(*) FROM alerts WHERE run_id = {runId} AND kind = 'collected'") >= 2,
                Patience), first.Output);
            await first.KillAsync();
        }

        var beforeRestart = await Concierges.AlertsAsync(db, runId);
        Assert.InRange(beforeRestart.Count, 4, buildings.Count * 2 - 1);

        // The rest reaches the broker while the service is down; the restarted service takes it from its session.
        await SimulatedFleet.PublishAsync(publisher, topic, day.Fixes[cut..]);
        await using var second = await ServiceProcess.StartAsync(db.ConnectionString, prefix, clientId, settings, url);
        Assert.True(await SimulatedFleet.FinishedAsync(db, runId, Patience), second.Output);
        Assert.True(await TestEnvironment.EventuallyAsync(async () => (await Concierges.AlertsAsync(db, runId))
            .Where(a => a.Key.Kind != AlertKinds.Delayed).Sum(a => a.Value) >= buildings.Count * 2, Patience),
            NotificationEndToEndTests.Describe(await Concierges.AlertsAsync(db, runId)) + second.Output);

        var alerts = await Concierges.AlertsAsync(db, runId);
        Assert.All(beforeRestart, a => Assert.True(alerts.ContainsKey(a.Key)));
        Assert.All(alerts, a => Assert.Equal(1, a.Value));
        foreach (var building in buildings)
        {
            Assert.True(alerts.ContainsKey((building, AlertKinds.Approaching)), $"no approaching for {building}: {NotificationEndToEndTests.Describe(alerts)}");
            Assert.Equal(served.Contains(building), alerts.ContainsKey((building, AlertKinds.Collected)));
            Assert.Equal(!served.Contains(building), alerts.ContainsKey((building, AlertKinds.NotToday)));
        }

        // Each alert reached Twilio once: none lost with the process, none sent again by the new one.
        Assert.True(await TestEnvironment.EventuallyAsync(() => twilio.Messages.Count >= alerts.Count, Patience),
            await NotificationEndToEndTests.OutboxAsync(db));
        var messages = twilio.Messages;
        await stopTwilio.CancelAsync();
        await callbacks;
        Assert.Equal(alerts.Keys.Select(a => phones[a.Building]).Order(), messages.Select(m => m.To).Order());
    }

    /// <summary>
    /// Twilio's side: each message it took is reported "sent" to its status callback, again and again while the service
    /// is down, as Twilio's callbacks eventually reach a service that comes back.
    /// </summary>
    private static async Task ReportDeliveriesAsync(FakeTwilio twilio, CancellationToken ct)
    {
        var reported = 0;
        while (!ct.IsCancellationRequested)
        {
            if (reported < twilio.Messages.Count)
            {
                try
                {
                    using var response = await twilio.SendStatusCallbackAsync(twilio.Messages[reported], "sent");
                    if (response.IsSuccessStatusCode)
                    {
                        reported++;
                        continue;
                    }
                }
                catch (HttpRequestException)
                {
                }

                // The service is down (or refused): Twilio tries again a little later.
                await Task.Delay(TimeSpan.FromMilliseconds(100), ct).ContinueWith(_ => { }, TaskScheduler.Default);
                continue;
            }

            try
            {
                await twilio.WaitForMessagesAsync(reported + 1, TimeSpan.FromMilliseconds(200));
            }
            catch (TimeoutException)
            {
            }
        }
    }
}
