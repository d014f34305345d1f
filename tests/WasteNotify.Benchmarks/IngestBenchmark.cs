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
        var perTruck = fixes / trucks;
        var total = perTruck * trucks;
        Console.WriteLine($"Ingest benchmark: {total:N0} fixes at QoS 1 from {trucks} trucks (one MQTT connection each), {Environment.ProcessorCount} cores");

        var raw = await RawRateAsync(trucks, perTruck, total);
        Console.WriteLine($"  raw broker rate (publisher -> bare subscriber): {raw,10:N0} fixes/s");

        var (e2e, peakMb, stored) = await EndToEndRateAsync(trucks, perTruck, total);
        Console.WriteLine($"  end-to-end rate (publisher -> service -> PostgreSQL): {e2e,10:N0} fixes/s  ({stored:N0} rows stored)");
        Console.WriteLine($"  ratio end-to-end / raw: {e2e / raw:P0}  (goal >= 50%)");
        Console.WriteLine($"  service peak memory (VmHWM): {peakMb:N0} MB");
        return stored == total ? 0 : 1;
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

    private static async Task<(double Rate, double PeakMb, long Stored)> EndToEndRateAsync(int trucks, int perTruck, int total)
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
            var warmUp = WarmUpPerTruck * trucks;
            await fleet.PublishAsync(prefix, WarmUpPerTruck, truckPrefix: "warmup");
            if (!await TestEnvironment.EventuallyAsync(async () => await StoredAsync(http) >= warmUp, TimeSpan.FromMinutes(5)))
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
                stored = await StoredAsync(http) - warmUp;
            }

            var elapsed = clock.Elapsed;
            Console.WriteLine($"    CPU seconds: {cpu.Report()}");
            await publishing;
            var peakMb = PeakMemoryMb(service.Id);
            var rows = await CountAsync(server, database) - warmUp;
            return (stored / elapsed.TotalSeconds, peakMb, rows);
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

    private static async Task<long> StoredAsync(HttpClient http)
    {
        var metrics = await http.GetStringAsync("/metrics");
        var line = metrics.Split('\n').First(l => l.StartsWith("wastenotify_telemetry_stored_total ", StringComparison.Ordinal));
        return long.Parse(line.Split(' ')[1], CultureInfo.InvariantCulture);
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
