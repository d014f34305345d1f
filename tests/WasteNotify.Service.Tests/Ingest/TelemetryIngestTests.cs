using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using WasteNotify.Core.Telemetry;
using WasteNotify.Service.Ingest;
using WasteNotify.Service.Security;
using WasteNotify.Testing;

namespace WasteNotify.Service.Tests.Ingest;

/// <summary>Ingest end to end against the shared broker and cluster started by deploy/dev.sh.</summary>
public sealed class TelemetryIngestTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private TestDatabase _db = null!;
    private ServiceHost _host = null!;

    public async ValueTask InitializeAsync()
    {
        _db = await TestDatabase.CreateAsync();
        _host = await ServiceHost.StartAsync(_db.ConnectionString);
        Assert.True(await TestEnvironment.EventuallyAsync(() => _host.Http.GetAsync("/health").ContinueWith(t => t.Result.IsSuccessStatusCode), Timeout),
            "the service became healthy");
        await _host.RegisterTrucksAsync("truck-1", "truck-2", "truck-3", "truck-42", "truck-ot-7");
    }

    public async ValueTask DisposeAsync()
    {
        await _host.DisposeAsync();
        await _db.DisposeAsync();
    }

    private Task<bool> RowsReachAsync(long count) => TestEnvironment.EventuallyAsync(async () => await _db.TelemetryCountAsync() >= count, Timeout);

    [Fact]
    public async Task A_fix_published_with_mosquitto_pub_lands_in_the_telemetry_table()
    {
        var ts = DateTimeOffset.UtcNow.AddSeconds(-3);
        ts = ts.AddTicks(-(ts.Ticks % TimeSpan.TicksPerMillisecond));

        await ChildProcess.RunAsync("mosquitto_pub", [.. TestEnvironment.MosquittoClientArguments(),
            "-q", "1", "-t", _host.TelemetryTopic("truck-42"), "-m", FixJson.Native(ts, 48.8566, 2.3522, 4.2, 90, seq: 1234)]);

        Assert.True(await RowsReachAsync(1));
        var row = Assert.Single(await _db.RowsAsync("SELECT truck_id, ts, lat, lon, speed_mps, heading_deg, seq, source FROM telemetry"));
        Assert.Equal("truck-42", row[0]);
        Assert.Equal(ts.UtcDateTime, (DateTime)row[1]);
        Assert.Equal(48.8566, (double)row[2]);
        Assert.Equal(2.3522, (double)row[3]);
        Assert.Equal(4.2f, (float)row[4]);
        Assert.Equal(90f, (float)row[5]);
        Assert.Equal(1234L, (long)row[6]);
        Assert.Equal((short)TelemetrySource.Native, (short)row[7]);
    }

    [Fact]
    public async Task An_owntracks_location_lands_as_its_configured_truck()
    {
        var ts = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 5);

        await ChildProcess.RunAsync("mosquitto_pub", [.. TestEnvironment.MosquittoClientArguments(),
            "-q", "1", "-t", $"{_host.OwnTracksPrefix}/driver7/phone", "-m", FixJson.OwnTracks(ts, velKmh: 36, cog: 270)]);

        Assert.True(await RowsReachAsync(1));
        var row = Assert.Single(await _db.RowsAsync("SELECT truck_id, ts, speed_mps, heading_deg, accuracy_m, source FROM telemetry"));
        Assert.Equal("truck-ot-7", row[0]);
        Assert.Equal(ts.UtcDateTime, (DateTime)row[1]);
        Assert.Equal(10f, (float)row[2], 3);
        Assert.Equal(270f, (float)row[3]);
        Assert.Equal(8f, (float)row[4]);
        Assert.Equal((short)TelemetrySource.OwnTracks, (short)row[5]);
    }

    [Fact]
    public async Task An_owntracks_device_registered_on_a_truck_through_the_api_lands_as_that_truck()
    {
        var client = await _host.ClientAsync(ApiRole.Operator);
        (await client.PutAsJsonAsync("/api/trucks/truck-9", new { name = "Nine", ownTracksDevice = "marie/pixel", depotLat = 48.84, depotLon = 2.33 })).EnsureSuccessStatusCode();
        var ts = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 2);

        await ChildProcess.RunAsync("mosquitto_pub", [.. TestEnvironment.MosquittoClientArguments(),
            "-q", "1", "-t", $"{_host.OwnTracksPrefix}/marie/pixel", "-m", FixJson.OwnTracks(ts)]);

        Assert.True(await RowsReachAsync(1), _host.Counters());
        Assert.Equal("truck-9", Assert.Single(await _db.RowsAsync("SELECT truck_id FROM telemetry"))[0]);
    }

    [Fact]
    public async Task Each_bad_payload_is_rejected_with_its_reason_and_the_next_good_fix_still_lands()
    {
        var now = DateTimeOffset.UtcNow;
        var topic = _host.TelemetryTopic("truck-1");
        (string Topic, string Payload, RejectReason Reason)[] bad =
        [
            (topic, "{\"ts\":\"oops\"", RejectReason.MalformedJson),
            (topic, """{"lat":48.1,"lon":2.1,"speed":1,"heading":1}""", RejectReason.MissingField),
            (topic, FixJson.Native(now, lat: 123.4), RejectReason.InvalidCoordinates),
            (topic, FixJson.Native(now, lon: -200), RejectReason.InvalidCoordinates),
            (topic, FixJson.Native(now).Replace("\"lat\":48.8566", "\"lat\":\"NaN\"", StringComparison.Ordinal), RejectReason.InvalidField),
            (topic, FixJson.Native(now, speed: -3), RejectReason.InvalidSpeed),
            (topic, FixJson.Native(now, speed: 250), RejectReason.InvalidSpeed),
            (topic, FixJson.Native(now.AddMinutes(30)), RejectReason.TimestampInFuture),
            (topic, FixJson.Native(now.AddDays(-30)), RejectReason.TimestampTooOld),
            (topic, "{\"pad\":\"" + new string('x', 5000) + "\"}", RejectReason.PayloadTooLarge),
            ($"{_host.TopicPrefix}/depot/status", FixJson.Native(now), RejectReason.UnknownTopic),
            ($"{_host.OwnTracksPrefix}/stranger/phone", FixJson.OwnTracks(now), RejectReason.UnknownDevice),
            (_host.TelemetryTopic("unregistered-9"), FixJson.Native(now), RejectReason.UnknownTruck),
            (topic, """{"ts":"2026-01-01T00:00:00Z","lat":95,"lat":48.85,"lon":2.35,"speed":1,"heading":1}""", RejectReason.DuplicateField),
        ];

        await using var tracker = await Publisher.ConnectAsync();
        for (var i = 0; i < bad.Length; i++)
        {
            await tracker.PublishAsync(bad[i].Topic, bad[i].Payload);
            await tracker.PublishAsync(topic, FixJson.Native(now.AddMilliseconds(-100 * i), seq: i));
        }

        Assert.True(await RowsReachAsync(bad.Length));
        Assert.Equal(Enumerable.Range(0, bad.Length).Select(i => (long)i),
            (await _db.RowsAsync("SELECT seq FROM telemetry ORDER BY seq")).Select(r => (long)r[0]));

        // The host's own counters (its /metrics, read as a scraper does, is MetricsTests': OpenTelemetry's meters are
        // process-wide by name, and other tests' hosts run in this process).
        var metrics = _host.Metrics;
        foreach (var group in bad.GroupBy(b => b.Reason))
        {
            Assert.Equal(group.Count(), metrics.Rejected(group.Key));
        }

        Assert.True(await TestEnvironment.EventuallyAsync(() => metrics.Received == bad.Length * 2, TimeSpan.FromSeconds(10)), $"{metrics.Received}");
        Assert.Equal(bad.Length, metrics.Stored);

        var operatorClient = await _host.ClientAsync(ApiRole.Operator);
        using var sample = JsonDocument.Parse(await operatorClient.GetStringAsync("/api/ingest/rejections?reason=malformed_json"));
        var entry = Assert.Single(sample.RootElement.GetProperty("items").EnumerateArray());
        Assert.Equal("{\"ts\":\"oops\"", entry.GetProperty("payload").GetString());
        Assert.Equal(topic, entry.GetProperty("topic").GetString());
        using var all = JsonDocument.Parse(await operatorClient.GetStringAsync("/api/ingest/rejections"));
        Assert.Equal(bad.Length, all.RootElement.GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task Duplicates_are_stored_once_and_out_of_order_fixes_are_kept()
    {
        var t0 = DateTimeOffset.UtcNow.AddMinutes(-1);
        var topic = _host.TelemetryTopic("truck-2");
        await using var tracker = await Publisher.ConnectAsync();

        foreach (var offset in new[] { 3, 1, 2, 1, 3, 0 })
        {
            await tracker.PublishAsync(topic, FixJson.Native(t0.AddSeconds(offset), seq: offset));
        }

        Assert.True(await TestEnvironment.EventuallyAsync(() => _host.Metrics.Stored + _host.Metrics.Duplicates >= 6, Timeout));
        Assert.Equal(4, _host.Metrics.Stored);
        Assert.Equal(2, _host.Metrics.Duplicates);

        // A repeat of a fix stored by an earlier batch, beside a new one.
        await tracker.PublishAsync(topic, FixJson.Native(t0.AddSeconds(2), seq: 2));
        await tracker.PublishAsync(topic, FixJson.Native(t0.AddSeconds(4), seq: 4));
        Assert.True(await TestEnvironment.EventuallyAsync(() => _host.Metrics.Stored + _host.Metrics.Duplicates >= 8, Timeout), _host.Counters());
        Assert.Equal(5, _host.Metrics.Stored);
        Assert.Equal(3, _host.Metrics.Duplicates);
        Assert.Equal([0L, 1L, 2L, 3L, 4L], (await _db.RowsAsync("SELECT seq FROM telemetry WHERE truck_id = 'truck-2' ORDER BY ts")).Select(r => (long)r[0]));
    }

    [Fact]
    public async Task Fixes_are_stored_in_one_partition_per_utc_day()
    {
        var now = DateTimeOffset.UtcNow;
        var topic = _host.TelemetryTopic("truck-3");
        await using var tracker = await Publisher.ConnectAsync();

        foreach (var daysAgo in new[] { 2, 1, 0 })
        {
            await tracker.PublishAsync(topic, FixJson.Native(now.AddDays(-daysAgo)));
        }

        Assert.True(await RowsReachAsync(3));
        var partitions = await _db.RowsAsync("""
            SELECT tableoid::regclass::text, count(*) FROM telemetry GROUP BY 1 ORDER BY 1
            """);
        Assert.Equal(
            new[] { 2, 1, 0 }.Select(d => "telemetry_" + now.AddDays(-d).UtcDateTime.ToString("yyyyMMdd", CultureInfo.InvariantCulture)),
            partitions.Select(p => (string)p[0]));
        Assert.All(partitions, p => Assert.Equal(1L, (long)p[1]));
    }

    [Fact]
    public async Task Health_reports_broker_and_database()
    {
        using var response = await _host.Http.GetAsync("/health");
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", body.RootElement.GetProperty("checks").GetProperty("mqtt").GetProperty("status").GetString());
        Assert.StartsWith("connected and subscribed", body.RootElement.GetProperty("checks").GetProperty("mqtt").GetProperty("description").GetString(), StringComparison.Ordinal);
        Assert.Equal("Healthy", body.RootElement.GetProperty("checks").GetProperty("database").GetProperty("status").GetString());
    }

    /// <summary>The two payloads that stopped the service (an OwnTracks _type that is a lone surrogate, or raw invalid UTF-8).</summary>
    [Fact]
    public async Task The_payloads_that_stopped_the_service_are_refused_and_the_next_good_fix_lands_with_health_green()
    {
        var phone = $"{_host.OwnTracksPrefix}/driver7/phone";
        var tst = DateTimeOffset.UtcNow.AddSeconds(-30).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        await using var tracker = await Publisher.ConnectAsync();

        await tracker.PublishAsync(phone, $$"""{"_type":"\ud800","lat":43.7,"lon":7.4,"tst":{{tst}}}""");
        await tracker.PublishAsync(phone, [.. "{\"_type\":\""u8.ToArray(), 0xC3, 0x28, .. Encoding.UTF8.GetBytes("\",\"lat\":43.7,\"lon\":7.4,\"tst\":" + tst + "}")]);
        await tracker.PublishAsync(_host.TelemetryTopic("truck-1"), [.. "{\"ts\":\"2026\",\"note\":\""u8.ToArray(), 0xFF, .. "\"}"u8.ToArray()]);
        var good = DateTimeOffset.UtcNow.AddSeconds(-2);
        await tracker.PublishAsync(phone, FixJson.OwnTracks(good));

        Assert.True(await RowsReachAsync(1), _host.Counters());
        Assert.Equal("truck-ot-7", Assert.Single(await _db.RowsAsync("SELECT truck_id FROM telemetry"))[0]);
        Assert.Equal(3, _host.Metrics.Rejected(RejectReason.InvalidEncoding));
        Assert.Equal(0, _host.Metrics.Rejected(RejectReason.InternalError));
        using var health = await _host.Http.GetAsync("/health");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.False(_host.App.Services.GetRequiredService<TelemetryIngestService>().ExecuteTask!.IsCompleted, "ingest is still running");
    }

    [Fact]
    public async Task A_truck_registered_straight_in_the_table_is_taken_at_its_first_fix()
    {
        await _db.RowsAsync("INSERT INTO trucks (id, name, depot_lat, depot_lon) VALUES ('by-hand', 'By hand', 48.85, 2.35)");
        await using var tracker = await Publisher.ConnectAsync();

        await tracker.PublishAsync(_host.TelemetryTopic("by-hand"), FixJson.Native(DateTimeOffset.UtcNow.AddSeconds(-1)));

        Assert.True(await RowsReachAsync(1), _host.Counters());
        Assert.Equal(0, _host.Metrics.Rejected(RejectReason.UnknownTruck));
    }

    /// <summary>Seeded random and mutated payloads through the broker and the ingest loop: each is stored or counted, and ingest goes on.</summary>
    [Fact]
    public async Task A_hundred_thousand_fuzzed_messages_are_each_stored_or_counted_and_the_next_good_fix_lands()
    {
        const int messages = 100_000;
        await _host.RegisterTrucksAsync("truck-7", "t1");
        var fuzz = new PayloadFuzzer(seed: 12, DateTimeOffset.UtcNow, _host.TopicPrefix, _host.OwnTracksPrefix);
        await using var tracker = await Publisher.ConnectAsync(configure: s => s.MaxInflight = 1_000);
        for (var i = 0; i < messages; i++)
        {
            var (topic, payload) = fuzz.Next();
            await tracker.PublishAsync(topic, payload);
        }

        await tracker.FlushAsync();
        var m = _host.Metrics;
        Assert.True(await TestEnvironment.EventuallyAsync(() => m.Stored + m.Duplicates + m.RejectedTotal + m.Ignored >= messages, TimeSpan.FromMinutes(2)), _host.Counters());
        Assert.Equal(messages, m.Received);
        Assert.Equal(messages, m.Stored + m.Duplicates + m.RejectedTotal + m.Ignored);
        Assert.Equal(0, m.Rejected(RejectReason.InternalError) + m.Dropped);
        Assert.Equal(m.Stored, await _db.TelemetryCountAsync());
        Assert.True(m.Stored > 1_000 && m.Rejected(RejectReason.InvalidEncoding) > 0 && m.Rejected(RejectReason.MalformedJson) > 0, _host.Counters());

        var (canaryTopic, canary, ts) = fuzz.Canary();
        await tracker.PublishAsync(canaryTopic, canary);
        Assert.True(await TestEnvironment.EventuallyAsync(async () =>
            await _db.ScalarAsync<long>($"SELECT count(*) FROM telemetry WHERE truck_id = 't1' AND ts = '{ts.UtcDateTime:O}'") == 1, Timeout), _host.Counters());
        Assert.Equal(HttpStatusCode.OK, (await _host.Http.GetAsync("/health")).StatusCode);
    }

    [Fact]
    public async Task Asking_for_an_unknown_rejection_reason_is_a_problem_naming_the_field()
    {
        using var response = await (await _host.ClientAsync()).GetAsync("/api/ingest/rejections?reason=bogus");
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("bogus", body.RootElement.GetProperty("errors").GetProperty("reason")[0].GetString(), StringComparison.Ordinal);
    }
}
