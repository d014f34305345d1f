using Npgsql;
using WasteNotify.Service.Security;
using WasteNotify.Service.Tests.Tracking;
using WasteNotify.Testing;

namespace WasteNotify.Service.Tests.Ingest;

/// <summary>
/// /metrics as a scraper reads it, from the service in its own process: OpenTelemetry's meters are process-wide by
/// name, so in-process hosts of other tests would share these series (a real deployment runs one host per process).
/// </summary>
public sealed class MetricsTests
{
    [Fact]
    public async Task Metrics_counts_what_was_received_stored_and_refused_with_the_runtime_web_and_database_instruments()
    {
        await using var db = await TestDatabase.CreateAsync();
        await using (var dataSource = NpgsqlDataSource.Create(db.ConnectionString))
        {
            await new Data.DatabaseMigrator(dataSource, Microsoft.Extensions.Logging.Abstractions.NullLogger<Data.DatabaseMigrator>.Instance).EnsureAsync(TestContext.Current.CancellationToken);
            await using var insert = dataSource.CreateCommand("INSERT INTO trucks (id, name, depot_lat, depot_lon) VALUES ('truck-m', 'truck-m', 48.85, 2.35)");
            await insert.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
        }

        var prefix = TestEnvironment.UniqueName("wn-metrics");
        await using var service = await ServiceProcess.StartAsync(db.ConnectionString, prefix, TestEnvironment.UniqueName("wn-metrics-service"));
        await using var publisher = await Publisher.ConnectAsync();
        var (topic, now) = ($"{prefix}/trucks/truck-m/telemetry", DateTimeOffset.UtcNow);
        for (var i = 0; i < 7; i++)
        {
            await publisher.PublishAsync(topic, FixJson.Native(now.AddSeconds(-i), seq: i));
        }

        await publisher.PublishAsync(topic, "{not json");
        await publisher.PublishAsync(topic, "{not json either");
        await publisher.PublishAsync($"{prefix}/trucks/nobody/telemetry", FixJson.Native(now));
        await publisher.FlushAsync();
        Assert.True(await TestEnvironment.EventuallyAsync(async () => await db.ScalarAsync<long>("SELECT count(*) FROM telemetry") == 7, TimeSpan.FromSeconds(60)), service.Output);

        string key;
        await using (var dataSource = NpgsqlDataSource.Create(db.ConnectionString))
        {
            key = await new ApiKeys(dataSource, TimeProvider.System).CreateAsync(ApiRole.Pilot, "scraper", TestContext.Current.CancellationToken);
        }

        using var http = new HttpClient { BaseAddress = new Uri(service.Url) };
        http.DefaultRequestHeaders.Add("X-Api-Key", key);
        Dictionary<string, double> metrics = [];
        // The last message is counted a moment after the last row commits: read until the counters have caught up.
        Assert.True(await TestEnvironment.EventuallyAsync(async () =>
            (metrics = PrometheusText.Parse(await http.GetStringAsync("/metrics"))).GetValueOrDefault("wastenotify_telemetry_received_total") == 10,
            TimeSpan.FromSeconds(30)), string.Join("\n", metrics.Where(m => m.Key.StartsWith("wastenotify", StringComparison.Ordinal))));

        Assert.Equal(7, metrics["wastenotify_telemetry_stored_total"]);
        Assert.Equal(2, metrics["wastenotify_telemetry_rejected_total{reason=\"malformed_json\"}"]);
        Assert.Equal(1, metrics["wastenotify_telemetry_rejected_total{reason=\"unknown_truck\"}"]);
        Assert.Equal(7, metrics["wastenotify_telemetry_commit_latency_seconds_count"]);
        Assert.Equal(7, metrics["wastenotify_telemetry_commit_latency_seconds_bucket{le=\"+Inf\"}"]);
        Assert.Equal((1, 1), (metrics["wastenotify_mqtt_connected"], metrics["wastenotify_telemetry_database_up"]));
        // The links: the stored fixes went through theirs (in batches), nothing was dropped anywhere.
        Assert.InRange(metrics[$"wastenotify_pipeline_written_total{{link=\"{PipelineLinks.StoredFixes}\"}}"], 1, 7);
        Assert.All(new[] { PipelineLinks.StoredFixes, PipelineLinks.RunUpdatesToNotifier, PipelineLinks.RunUpdatesToLive, PipelineLinks.DecidedAlerts },
            link => Assert.Equal(0, metrics[$"wastenotify_pipeline_dropped_total{{link=\"{link}\"}}"]));
        Assert.Contains(metrics.Keys, k => k.StartsWith("dotnet_gc_", StringComparison.Ordinal));
        Assert.Contains(metrics.Keys, k => k.StartsWith("http_server_request_duration_seconds", StringComparison.Ordinal));
        Assert.Contains(metrics.Keys, k => k.StartsWith("db_client_", StringComparison.Ordinal));
        using var anonymous = new HttpClient { BaseAddress = new Uri(service.Url) };
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/metrics")).StatusCode);
    }
}
