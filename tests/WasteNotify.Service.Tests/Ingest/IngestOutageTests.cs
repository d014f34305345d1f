using WasteNotify.Testing;

namespace WasteNotify.Service.Tests.Ingest;

/// <summary>
/// Outages mid-stream, each against a private broker or cluster that the test stops and starts, so the shared
/// servers other tests use are never disturbed.
/// </summary>
public sealed class IngestOutageTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private static readonly string[] Trucks = [.. Enumerable.Range(0, 10).Select(i => $"truck-{i}")];

    [Fact]
    public async Task A_database_outage_mid_stream_loses_no_qos1_fix()
    {
        await using var cluster = await PostgresCluster.StartNewAsync();
        await using var db = await TestDatabase.CreateAsync(cluster.ConnectionString());
        await using var host = await ServiceHost.StartAsync(db.ConnectionString);
        await host.RegisterTrucksAsync(Trucks);
        await using var tracker = await Publisher.ConnectAsync();
        var t0 = DateTimeOffset.UtcNow.AddMinutes(-30);
        var sent = 0;
        async Task SendAsync(int count)
        {
            for (var end = sent + count; sent < end; sent++)
            {
                await tracker.PublishAsync(host.TelemetryTopic($"truck-{sent % 10}"), FixJson.Native(t0.AddMilliseconds(sent * 100), seq: sent));
            }
        }

        await SendAsync(1_000);
        Assert.True(await TestEnvironment.EventuallyAsync(() => host.Metrics.Stored >= 1_000, Timeout), host.Counters());

        await cluster.StopAsync();
        await SendAsync(1_500);
        await tracker.FlushAsync();
        Assert.True(await TestEnvironment.EventuallyAsync(() => !host.Metrics.DatabaseUp && host.Metrics.Buffered > 0, Timeout),
            "the writer noticed the outage and holds the batch");
        Assert.True(await TestEnvironment.EventuallyAsync(() => host.Metrics.Received >= 2_500, Timeout), "ingest kept receiving");
        Assert.True(host.Broker.Unsettled >= 1_500, "nothing received during the outage was acknowledged");

        await cluster.StartAsync();
        await SendAsync(500);

        Assert.True(await TestEnvironment.EventuallyAsync(async () => await db.TelemetryCountAsync() >= 3_000, Timeout));
        Assert.Equal(3_000L, await db.ScalarAsync<long>("SELECT count(DISTINCT seq) FROM telemetry"));
        Assert.Equal(3_000, host.Metrics.Stored);
        Assert.Equal(0, host.Metrics.Dropped);
        Assert.True(host.Metrics.WriteFailures > 0);
        Assert.True(host.Metrics.DatabaseUp);
        Assert.True(await TestEnvironment.EventuallyAsync(() => host.Metrics.Buffered == 0 && host.Broker.Unsettled == 0, Timeout), host.Counters());
    }

    /// <summary>
    /// The truck is registered, then the service starts with the database down: it connects, but judges nothing
    /// before the registry is read, so the fixes wait (unacknowledged) instead of being refused as unknown trucks.
    /// </summary>
    [Fact]
    public async Task A_database_down_at_start_up_holds_the_fixes_until_the_registry_is_read_and_then_stores_them()
    {
        await using var cluster = await PostgresCluster.StartNewAsync();
        await using var db = await TestDatabase.CreateAsync(cluster.ConnectionString());
        string id;
        await using (var first = await ServiceHost.StartAsync(db.ConnectionString))
        {
            await first.RegisterTrucksAsync("truck-early");
            id = first.Id;
        }

        await cluster.StopAsync();
        await using var host = await ServiceHost.StartAsync(db.ConnectionString, id: id);
        await using var tracker = await Publisher.ConnectAsync();
        var t0 = DateTimeOffset.UtcNow.AddMinutes(-5);
        for (var i = 0; i < 200; i++)
        {
            await tracker.PublishAsync(host.TelemetryTopic("truck-early"), FixJson.Native(t0.AddSeconds(i), seq: i));
        }

        await tracker.FlushAsync();
        using (var health = await host.Http.GetAsync("/health"))
        {
            Assert.Equal(System.Net.HttpStatusCode.ServiceUnavailable, health.StatusCode);
            Assert.Contains("waiting for the truck registry", await health.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        Assert.Equal(0, host.Metrics.Received);

        await cluster.StartAsync();

        Assert.True(await TestEnvironment.EventuallyAsync(async () => await db.TelemetryCountAsync() == 200, Timeout), host.Counters());
        Assert.Equal(0, host.Metrics.RejectedTotal);
        Assert.True(await TestEnvironment.EventuallyAsync(async () => (await host.Http.GetAsync("/health")).IsSuccessStatusCode, Timeout));
    }

    /// <summary>
    /// Mosquitto 2.0.11 stops at the receive maximum only until the first acknowledgement; after it, the service holds
    /// back its socket reads, so during an outage it takes in no more than the receive maximum and the broker keeps the rest.
    /// </summary>
    [Fact]
    public async Task During_an_outage_the_backlog_waits_in_the_broker_beyond_the_receive_maximum()
    {
        await using var cluster = await PostgresCluster.StartNewAsync();
        await using var db = await TestDatabase.CreateAsync(cluster.ConnectionString());
        await using var host = await ServiceHost.StartAsync(db.ConnectionString, settings: new Dictionary<string, string?> { ["Mqtt:ReceiveMaximum"] = "50" });
        await host.RegisterTrucksAsync("truck-x");
        await using var tracker = await Publisher.ConnectAsync();
        var t0 = DateTimeOffset.UtcNow.AddMinutes(-30);
        await tracker.PublishAsync(host.TelemetryTopic("truck-x"), FixJson.Native(t0, seq: 0));
        Assert.True(await TestEnvironment.EventuallyAsync(() => host.Metrics.Stored == 1, Timeout));

        await cluster.StopAsync();
        for (var i = 1; i <= 1_000; i++)
        {
            await tracker.PublishAsync(host.TelemetryTopic("truck-x"), FixJson.Native(t0.AddSeconds(i), seq: i));
        }

        await tracker.FlushAsync();
        Assert.True(await TestEnvironment.EventuallyAsync(() => host.Metrics.Received >= 50, Timeout), host.Counters());
        Assert.False(await TestEnvironment.EventuallyAsync(() => host.Metrics.Received > 51, TimeSpan.FromSeconds(2)), host.Counters());
        Assert.InRange(host.Broker.Unsettled, 50, 51);

        await cluster.StartAsync();

        Assert.True(await TestEnvironment.EventuallyAsync(async () => await db.TelemetryCountAsync() == 1_001, Timeout), host.Counters());
        Assert.Equal(0, host.Metrics.Dropped);
        Assert.Equal(1_001L, await db.ScalarAsync<long>("SELECT count(DISTINCT seq) FROM telemetry"));
    }

    [Fact]
    public async Task A_broker_restart_mid_stream_loses_no_qos1_fix()
    {
        await using var broker = await MosquittoBroker.StartNewAsync();
        await using var db = await TestDatabase.CreateAsync();
        await using var host = await ServiceHost.StartAsync(db.ConnectionString, broker.Port);
        Assert.True(await TestEnvironment.EventuallyAsync(async () => (await host.Http.GetAsync("/health")).IsSuccessStatusCode, Timeout));
        await host.RegisterTrucksAsync(Trucks);
        await using var tracker = await Publisher.ConnectAsync(broker.Port);
        var t0 = DateTimeOffset.UtcNow.AddMinutes(-30);
        const int total = 3_000;
        var sent = 0;
        async Task SendAsync(int count)
        {
            for (var end = sent + count; sent < end; sent++)
            {
                await tracker.PublishAsync(host.TelemetryTopic($"truck-{sent % 7}"), FixJson.Native(t0.AddMilliseconds(sent * 100), seq: sent));
            }
        }

        await SendAsync(1_000);
        Assert.True(await TestEnvironment.EventuallyAsync(() => host.Metrics.Received >= 500, Timeout), "the stream is flowing");
        await broker.StopAsync();
        // Published while the broker is down: each waits in the publisher's window for the reconnect.
        var whileDown = SendAsync(1_000);
        await broker.StartAsync();
        await whileDown.WaitAsync(Timeout);
        await SendAsync(1_000);
        await tracker.FlushAsync();

        Assert.True(await TestEnvironment.EventuallyAsync(async () => await db.ScalarAsync<long>("SELECT count(DISTINCT seq) FROM telemetry") == total, Timeout),
            $"stored {host.Metrics.Stored}, received {host.Metrics.Received}");
        Assert.True(tracker.ConnectCount >= 2, "the tracker reconnected after the restart");
        Assert.Equal(0, host.Metrics.RejectedTotal);
    }
}
