using WasteNotify.Testing;

namespace WasteNotify.Service.Tests.Ingest;

/// <summary>
/// Outages mid-stream, each against a private broker or cluster that the test stops and starts, so the shared
/// servers other tests use are never disturbed.
/// </summary>
public sealed class IngestOutageTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_database_outage_mid_stream_loses_no_qos1_fix()
    {
        await using var cluster = await PostgresCluster.StartNewAsync();
        await using var db = await TestDatabase.CreateAsync(cluster.ConnectionString());
        await using var host = await ServiceHost.StartAsync(db.ConnectionString);
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
            "the writer noticed the outage and is buffering");
        Assert.True(await TestEnvironment.EventuallyAsync(() => host.Metrics.Received >= 2_500, Timeout), "ingest kept receiving");

        await cluster.StartAsync();
        await SendAsync(500);

        Assert.True(await TestEnvironment.EventuallyAsync(async () => await db.TelemetryCountAsync() >= 3_000, Timeout));
        Assert.Equal(3_000L, await db.ScalarAsync<long>("SELECT count(DISTINCT seq) FROM telemetry"));
        Assert.Equal(3_000, host.Metrics.Stored);
        Assert.Equal(0, host.Metrics.Dropped);
        Assert.True(host.Metrics.WriteFailures > 0);
        Assert.True(host.Metrics.DatabaseUp);
        Assert.True(await TestEnvironment.EventuallyAsync(() => host.Metrics.Buffered == 0, Timeout));
    }

    [Fact]
    public async Task A_database_down_at_start_up_is_migrated_and_written_once_it_comes_up()
    {
        await using var cluster = await PostgresCluster.StartNewAsync();
        await using var db = await TestDatabase.CreateAsync(cluster.ConnectionString());
        await cluster.StopAsync();
        await using var host = await ServiceHost.StartAsync(db.ConnectionString);
        await using var tracker = await Publisher.ConnectAsync();
        var t0 = DateTimeOffset.UtcNow.AddMinutes(-5);

        for (var i = 0; i < 200; i++)
        {
            await tracker.PublishAsync(host.TelemetryTopic("truck-early"), FixJson.Native(t0.AddSeconds(i), seq: i));
        }

        Assert.True(await TestEnvironment.EventuallyAsync(() => host.Metrics.Received == 200 && host.Metrics.WriteFailures > 0, Timeout));
        var health = await host.Http.GetAsync("/health");
        Assert.Equal(System.Net.HttpStatusCode.ServiceUnavailable, health.StatusCode);

        await cluster.StartAsync();

        Assert.True(await TestEnvironment.EventuallyAsync(async () => await db.TelemetryCountAsync() == 200, Timeout));
        Assert.True(await TestEnvironment.EventuallyAsync(async () => (await host.Http.GetAsync("/health")).IsSuccessStatusCode, Timeout));
    }

    [Fact]
    public async Task What_does_not_fit_in_the_outage_buffer_is_counted_as_dropped()
    {
        await using var cluster = await PostgresCluster.StartNewAsync();
        await using var db = await TestDatabase.CreateAsync(cluster.ConnectionString());
        await using var host = await ServiceHost.StartAsync(db.ConnectionString, settings: new Dictionary<string, string?>
        {
            ["Ingest:Storage:BatchSize"] = "10",
            ["Ingest:Storage:MaxBufferedFixes"] = "50",
            ["Ingest:Storage:QueueCapacity"] = "10",
        });
        await using var tracker = await Publisher.ConnectAsync();
        var t0 = DateTimeOffset.UtcNow.AddMinutes(-5);
        await tracker.PublishAsync(host.TelemetryTopic("truck-x"), FixJson.Native(t0, seq: 0));
        Assert.True(await TestEnvironment.EventuallyAsync(() => host.Metrics.Stored == 1, Timeout));

        await cluster.StopAsync();
        for (var i = 1; i <= 300; i++)
        {
            await tracker.PublishAsync(host.TelemetryTopic("truck-x"), FixJson.Native(t0.AddSeconds(i), seq: i));
        }

        Assert.True(await TestEnvironment.EventuallyAsync(() => host.Metrics.Received == 301 && host.Metrics.Dropped > 0, Timeout));
        await cluster.StartAsync();

        // Every fix is accounted for: stored, or counted as dropped; none vanished.
        Assert.True(await TestEnvironment.EventuallyAsync(() => host.Metrics.Buffered == 0 && host.Metrics.Stored + host.Metrics.Dropped == 301, Timeout),
            $"stored {host.Metrics.Stored} + dropped {host.Metrics.Dropped} of 301");
        Assert.True(host.Metrics.Stored >= 50, "the buffer's worth was kept");
        Assert.Equal(host.Metrics.Stored, await db.TelemetryCountAsync());
    }

    [Fact]
    public async Task A_broker_restart_mid_stream_loses_no_qos1_fix()
    {
        await using var broker = await MosquittoBroker.StartNewAsync();
        await using var db = await TestDatabase.CreateAsync();
        await using var host = await ServiceHost.StartAsync(db.ConnectionString, broker.Port);
        Assert.True(await TestEnvironment.EventuallyAsync(async () => (await host.Http.GetAsync("/health")).IsSuccessStatusCode, Timeout));
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
        // Published while the broker is down: queued by libmosquitto until the window is full, then waiting.
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
