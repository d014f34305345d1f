using WasteNotify.Service.Tests.Tracking;
using WasteNotify.Testing;

namespace WasteNotify.Service.Tests.Ingest;

/// <summary>Acknowledgement after commit, shown the hard way: the service SIGKILLed again and again during a stream.</summary>
public sealed class CrashTests
{
    private const int Trucks = 100;
    private const int PerTruck = 10_000;

    /// <summary>Every 100th fix is invalid (latitude 95): refused, never stored, so "every valid fix" is not "every fix".</summary>
    private static bool IsValid(int i) => i % 100 != 99;

    [Fact]
    public async Task Killed_five_times_during_a_million_qos1_fixes_the_service_stores_every_valid_fix_once()
    {
        await using var db = await TestDatabase.CreateAsync();
        var prefix = TestEnvironment.UniqueName("crash");
        var clientId = TestEnvironment.UniqueName("crash-service");
        ServiceProcess? service = await ServiceProcess.StartAsync(db.ConnectionString, prefix, clientId);
        try
        {
            var values = string.Join(", ", Enumerable.Range(0, Trucks).Select(t => $"('c{t:D3}', 'c{t:D3}', 48.85, 2.35)"));
            await db.RowsAsync($"INSERT INTO trucks (id, name, depot_lat, depot_lon) VALUES {values}");
            var start = DateTimeOffset.UtcNow.AddSeconds(-PerTruck - 60);
            start = start.AddTicks(-(start.Ticks % TimeSpan.TicksPerSecond));

            var publishing = Task.WhenAll(Enumerable.Range(0, Trucks).Select(t => Task.Run(async () =>
            {
                await using var tracker = await Publisher.ConnectAsync(configure: s => s.MaxInflight = 100);
                var topic = $"{prefix}/trucks/c{t:D3}/telemetry";
                for (var i = 0; i < PerTruck; i++)
                {
                    await tracker.PublishAsync(topic, FixJson.Native(start.AddSeconds(i), lat: IsValid(i) ? 48.85 + (t * 1e-4) : 95, seq: i));
                }

                await tracker.FlushAsync();
                Assert.True(tracker.Refused == 0, $"truck {t}: the broker refused {tracker.Refused} ({tracker.LastRefusal})");
            })));

            // Killed each time another sixth of the stream is stored, and started again at once on its persistent session.
            const long total = (long)Trucks * PerTruck;
            var kills = 0;
            var outputs = new System.Text.StringBuilder();
            for (var k = 1; k <= 5; k++)
            {
                var threshold = total * k / 6 * 99 / 100;
                if (!await TestEnvironment.EventuallyAsync(async () => await db.TelemetryCountAsync() >= threshold || publishing.IsFaulted, TimeSpan.FromMinutes(3)))
                {
                    Assert.Fail($"kill {k}: {await db.TelemetryCountAsync():N0} stored; {await service!.HealthAsync()}\n{service.Output}");
                }
                await service!.KillAsync();
                outputs.Append(service.Output);
                await service.DisposeAsync();
                service = null;
                kills++;
                service = await ServiceProcess.StartAsync(db.ConnectionString, prefix, clientId);
            }

            await publishing.WaitAsync(TimeSpan.FromMinutes(5));
            var valid = Trucks * Enumerable.Range(0, PerTruck).Count(IsValid);
            if (!await TestEnvironment.EventuallyAsync(async () => await db.TelemetryCountAsync() >= valid, TimeSpan.FromMinutes(3)))
            {
                var short_ = await db.RowsAsync($"SELECT truck_id, {PerTruck} - {PerTruck / 100} - count(*), min(seq), max(seq) FROM telemetry GROUP BY truck_id HAVING count(*) < {PerTruck - (PerTruck / 100)} ORDER BY 1");
                Assert.Fail($"{await db.TelemetryCountAsync():N0} of {valid:N0} valid fixes stored after {kills} kills; missing (truck, count, min, max seq): "
                    + string.Join("; ", short_.Select(r => $"{r[0]} {r[1]} {r[2]}-{r[3]}")) + $"\n{await service!.HealthAsync()}\nThe killed services said:\n{outputs}\nThe last one says:\n{service.Output}");
            }

            Assert.Equal(5, kills);
            Assert.Equal((long)valid, await db.TelemetryCountAsync());
            Assert.Equal((long)valid, await db.ScalarAsync<long>("SELECT count(*) FROM (SELECT DISTINCT truck_id, seq FROM telemetry) d"));
            Assert.Equal(0L, await db.ScalarAsync<long>("SELECT count(*) FROM telemetry WHERE seq % 100 = 99 OR lat > 90"));
            var perTruck = await db.RowsAsync("SELECT truck_id, count(*), min(seq), max(seq) FROM telemetry GROUP BY truck_id ORDER BY truck_id");
            Assert.Equal(Trucks, perTruck.Count);
            Assert.All(perTruck, r => Assert.Equal(((long)(valid / Trucks), 0L, (long)(PerTruck - 2)), ((long)r[1], (long)r[2], (long)r[3])));
            Assert.Equal(start.UtcDateTime, await db.ScalarAsync<DateTime>("SELECT min(ts) FROM telemetry"));
        }
        finally
        {
            if (service is not null)
            {
                await service.DisposeAsync();
            }
        }
    }
}
