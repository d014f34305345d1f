using System.Diagnostics;
using System.Globalization;
using Npgsql;
using WasteNotify.Messaging;
using WasteNotify.Testing;

namespace WasteNotify.Benchmarks;

/// <summary>
/// Publishes the same fleet traffic twice: to a bare subscriber (the broker's raw QoS 1 rate on this machine), then
/// to the real service, timing until every fix is in PostgreSQL. Prints both rates, their ratio and the service's peak memory.
/// </summary>
internal static class IngestBenchmark
{
    /// <summary>Fixes per truck sent before timing, so JIT tiering and connection set-up are not measured.</summary>
    private const int WarmUpPerTruck = 200;

    public static async Task<int> RunAsync(string[] args)
    {
        var fixes = CommandLine.Option(args, "--fixes", 1_000_000);
        var trucks = CommandLine.Option(args, "--trucks", 100);
        var pacedRate = CommandLine.Option(args, "--paced-rate", 10_000);
        var pacedSeconds = CommandLine.Option(args, "--paced-seconds", 30);
        var perTruck = fixes / trucks;
        var total = perTruck * trucks;
        Console.WriteLine($"Ingest benchmark: {total:N0} fixes at QoS 1 from {trucks} trucks (one MQTTnet connection each, 100 in flight), {Environment.ProcessorCount} cores");

        var raw = await RawRateAsync(trucks, perTruck, total);
        Console.WriteLine($"  raw broker rate (publisher -> bare subscriber): {raw,10:N0} fixes/s");

        var result = await EndToEndAsync(trucks, perTruck, total, pacedRate, pacedSeconds);
        Console.WriteLine($"  end-to-end rate (publisher -> service -> PostgreSQL, acknowledged after commit): {result.Rate,10:N0} fixes/s  ({result.Stored:N0} rows checked)");
        Console.WriteLine($"  ratio end-to-end / raw: {result.Rate / raw:F2}  (goal >= 0.75)");
        Console.WriteLine($"  paced at {result.PacedRate:N0} fixes/s for {pacedSeconds} s: received -> committed p50 {result.P50 * 1000:N1} ms, p99 {result.P99 * 1000:N1} ms  (goal p99 <= 100 ms; from the service's histogram, interpolated in its bucket)");
        Console.WriteLine($"  service peak memory (VmHWM): {result.PeakMb:N0} MB");
        return result.Stored == total ? 0 : 1;
    }

    private static async Task<double> RawRateAsync(int trucks, int perTruck, int total)
    {
        var prefix = $"bench-raw-{Guid.NewGuid():N}"[..20];
        await using var subscriber = new MqttConnection(TestEnvironment.Mqtt($"bench-sub-{Guid.NewGuid():N}", configure: s => s.ReceiveBufferCapacity = 20_000));
        subscriber.Subscribe($"{prefix}/#");
        await subscriber.ConnectAsync();
        await using var fleet = await FleetPublisher.ConnectAsync(trucks);

        var received = 0;
        var target = WarmUpPerTruck * trucks;
        var warmedUp = new TaskCompletionSource();
        var counting = Task.Run(async () =>
        {
            await foreach (var message in subscriber.Messages.ReadAllAsync())
            {
                if (++received == target)
                {
                    warmedUp.TrySetResult();
                }

                if (received == target + total)
                {
                    return;
                }
            }
        });
        await fleet.PublishAsync(prefix + "/warmup", WarmUpPerTruck);
        await warmedUp.Task.WaitAsync(TimeSpan.FromMinutes(5));

        var cpu = CpuMeter.Start();
        var clock = Stopwatch.StartNew();
        await fleet.PublishAsync(prefix, perTruck);
        await counting.WaitAsync(TimeSpan.FromMinutes(15));
        var rate = total / clock.Elapsed.TotalSeconds;
        Console.WriteLine($"    CPU seconds: {cpu.Report()}");
        return rate;
    }

    private sealed record EndToEnd(double Rate, long Stored, double PacedRate, double P50, double P99, double PeakMb);

    private static async Task<EndToEnd> EndToEndAsync(int trucks, int perTruck, int total, int pacedRate, int pacedSeconds)
    {
        var database = $"wn_bench_{Guid.NewGuid():N}"[..20];
        var server = TestEnvironment.PostgresServer;
        await ExecuteAsync(server, "postgres", $"CREATE DATABASE {database}");
        var prefix = $"bench-e2e-{Guid.NewGuid():N}"[..20];
        var port = TestEnvironment.FreeTcpPort();
        using var service = StartService(server + $";Database={database}", prefix, port);
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            if (!await TestEnvironment.EventuallyAsync(async () => await IsHealthyAsync(http), TimeSpan.FromSeconds(60)))
            {
                throw new InvalidOperationException("The service did not become healthy");
            }

            // /metrics needs a key: made the way an operator would, with the service's own CLI verb.
            http.DefaultRequestHeaders.Add("X-Api-Key", await CreateKeyAsync(server + $";Database={database}"));
            await using var fleet = await FleetPublisher.ConnectAsync(trucks);
            await RegisterAsync(server, database, [.. fleet.TruckIds("warmup"), .. fleet.TruckIds("bench"), .. fleet.TruckIds("paced")]);

            var warmUp = WarmUpPerTruck * trucks;
            await fleet.PublishAsync(prefix, WarmUpPerTruck, truckPrefix: "warmup");
            if (!await TestEnvironment.EventuallyAsync(async () => (await MetricsAsync(http)).Stored >= warmUp, TimeSpan.FromMinutes(5)))
            {
                throw new InvalidOperationException("The warm-up fixes were not stored");
            }

            var cpu = CpuMeter.Start(service.Id);
            var clock = Stopwatch.StartNew();
            var publishing = fleet.PublishAsync(prefix, perTruck);
            long stored = 0;
            var deadline = DateTime.UtcNow.AddMinutes(20);
            while (stored < total && DateTime.UtcNow < deadline && !service.HasExited)
            {
                await Task.Delay(100);
                stored = (await MetricsAsync(http)).Stored - warmUp;
            }

            var elapsed = clock.Elapsed;
            Console.WriteLine($"    CPU seconds: {cpu.Report()}");
            await publishing;
            var rows = await CountAsync(server, database) - warmUp;

            // Latency at a steady, paced load, well under the saturating rate: what a fleet's fix waits to be committed.
            var before = await MetricsAsync(http);
            var pacedClock = Stopwatch.StartNew();
            var pacedPerTruck = pacedRate / trucks * pacedSeconds;
            await fleet.PublishAsync(prefix, pacedPerTruck, truckPrefix: "paced", perTruckPerSecond: (double)pacedRate / trucks);
            var achieved = pacedPerTruck * trucks / pacedClock.Elapsed.TotalSeconds;
            await TestEnvironment.EventuallyAsync(async () => (await MetricsAsync(http)).Stored >= before.Stored + (pacedPerTruck * trucks), TimeSpan.FromMinutes(2));
            var after = await MetricsAsync(http);
            var latency = after.Latency.Zip(before.Latency, (a, b) => a - b).ToArray();
            return new EndToEnd(stored / elapsed.TotalSeconds, rows, achieved, Quantile(latency, 0.50), Quantile(latency, 0.99), PeakMemoryMb(service.Id));
        }
        finally
        {
            if (!service.HasExited)
            {
                service.Kill(entireProcessTree: true);
                await service.WaitForExitAsync();
            }

            await ExecuteAsync(server, "postgres", $"DROP DATABASE IF EXISTS {database} WITH (FORCE)");
        }
    }

    /// <summary>The q-quantile of a histogram's per-bucket counts (bounds from the service's), linear within its bucket.</summary>
    private static double Quantile(long[] counts, double q)
    {
        var bounds = WasteNotify.Service.Ingest.IngestMetrics.LatencyBuckets;
        var rank = q * counts.Sum();
        long seen = 0;
        for (var i = 0; i < counts.Length; i++)
        {
            if (seen + counts[i] >= rank && counts[i] > 0)
            {
                var lower = i == 0 ? 0 : bounds[i - 1];
                var upper = i < bounds.Count ? bounds[i] : bounds[^1] * 2;
                return lower + ((upper - lower) * (rank - seen) / counts[i]);
            }

            seen += counts[i];
        }

        return double.NaN;
    }

    private static async Task RegisterAsync(string server, string database, IReadOnlyList<string> trucks)
    {
        var values = string.Join(", ", trucks.Select(t => $"('{t}', '{t}', 48.85, 2.35)"));
        await ExecuteAsync(server, database, $"INSERT INTO trucks (id, name, depot_lat, depot_lon) VALUES {values}");
    }

    private static string ServiceDll()
    {
        var root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "WasteNotify.sln")))
        {
            root = Path.GetDirectoryName(root) ?? throw new InvalidOperationException("WasteNotify.sln not found above " + AppContext.BaseDirectory);
        }

        var configuration = AppContext.BaseDirectory.Contains("/Release/", StringComparison.Ordinal) ? "Release" : "Debug";
        return Path.Combine(root, "src", "WasteNotify.Service", "bin", configuration, "net10.0", "wastenotify.dll");
    }

    private static async Task<string> CreateKeyAsync(string connectionString)
    {
        var info = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { ServiceDll(), "apikey", "create", "--role", "pilot", "--name", "ingest benchmark" })
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["ConnectionStrings__WasteNotify"] = connectionString;
        using var process = Process.Start(info) ?? throw new InvalidOperationException("Could not run wastenotify apikey create");
        var key = (await process.StandardOutput.ReadToEndAsync()).Trim();
        var errors = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return process.ExitCode == 0 ? key : throw new InvalidOperationException("wastenotify apikey create failed: " + errors);
    }

    private static Process StartService(string connectionString, string prefix, int port)
    {
        var dll = ServiceDll();
        var info = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Path.GetDirectoryName(dll)! };
        info.ArgumentList.Add(dll);
        info.ArgumentList.Add("--urls");
        info.ArgumentList.Add($"http://127.0.0.1:{port}");
        info.Environment["ConnectionStrings__WasteNotify"] = connectionString;
        info.Environment["Mqtt__Host"] = TestEnvironment.MqttHost;
        info.Environment["Mqtt__Port"] = TestEnvironment.MqttPort.ToString(CultureInfo.InvariantCulture);
        info.Environment["Mqtt__ClientId"] = $"bench-service-{Guid.NewGuid():N}";
        info.Environment["Mqtt__Username"] = TestEnvironment.MqttUsername;
        info.Environment["Mqtt__Password"] = TestEnvironment.MqttPassword;
        info.Environment["Mqtt__SessionExpiry"] = TestEnvironment.SessionExpiry.ToString("c", CultureInfo.InvariantCulture);
        info.Environment["Ingest__TopicPrefix"] = prefix;
        info.Environment["Notifications__SigningKey"] = TestEnvironment.SigningKey;
        info.Environment["Logging__LogLevel__Default"] = "Warning";
        var process = Process.Start(info) ?? throw new InvalidOperationException("Could not start the service");
        process.OutputDataReceived += (_, e) => { if (e.Data is { } line) { Console.Error.WriteLine("  [service] " + line); } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is { } line) { Console.Error.WriteLine("  [service] " + line); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static async Task<bool> IsHealthyAsync(HttpClient http)
    {
        try
        {
            return (await http.GetAsync("/health")).IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    private sealed record Metrics(long Stored, long[] Latency);

    /// <summary>Fixes stored and the per-bucket counts of the received-to-committed histogram, from /metrics.</summary>
    private static async Task<Metrics> MetricsAsync(HttpClient http)
    {
        var samples = PrometheusText.Parse(await http.GetStringAsync("/metrics"));
        var stored = (long)samples["wastenotify_telemetry_stored_total"];
        var cumulative = WasteNotify.Service.Ingest.IngestMetrics.LatencyBuckets.Select(b => b.ToString(CultureInfo.InvariantCulture)).Append("+Inf")
            .Select(le => (long)samples.GetValueOrDefault($"wastenotify_telemetry_commit_latency_seconds_bucket{{le=\"{le}\"}}")).ToArray();
        return new Metrics(stored, [.. cumulative.Select((c, i) => i == 0 ? c : c - cumulative[i - 1])]);
    }

    private static double PeakMemoryMb(int pid)
    {
        var line = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0;
    }

    private static async Task ExecuteAsync(string server, string database, string sql)
    {
        await using var connection = new NpgsqlConnection(server + $";Database={database};Pooling=false");
        await connection.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, connection);
        await cmd.ExecuteNonQueryAsync();
    }

    private static async Task<long> CountAsync(string server, string database)
    {
        await using var connection = new NpgsqlConnection(server + $";Database={database};Pooling=false");
        await connection.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT count(*) FROM telemetry", connection);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }
}
