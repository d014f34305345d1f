using System.Globalization;

namespace WasteNotify.Benchmarks;

/// <summary>CPU seconds used by the broker, PostgreSQL, the service, this program and the whole machine, read from /proc, to see where a phase spent the machine.</summary>
internal sealed class CpuMeter
{
    private static readonly double TicksPerSecond = 100; // USER_HZ on Linux
    private readonly Dictionary<string, double> _start;

    private CpuMeter(int? servicePid)
    {
        ServicePid = servicePid;
        _start = Read(servicePid);
    }

    private int? ServicePid { get; }

    public static CpuMeter Start(int? servicePid = null) => new(servicePid);

    public string Report()
    {
        var now = Read(ServicePid);
        // Without a service process of its own (the service may run inside the benchmark), there is nothing to say for it.
        return string.Join(", ", now.Where(kv => ServicePid is not null || kv.Key != "service").Select(kv => $"{kv.Key} {kv.Value - _start.GetValueOrDefault(kv.Key):F1}"));
    }

    private static Dictionary<string, double> Read(int? servicePid)
    {
        var totals = new Dictionary<string, double> { ["mosquitto"] = 0, ["postgres"] = 0, ["service"] = 0, ["benchmark"] = 0 };
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid))
            {
                continue;
            }

            string stat;
            try
            {
                stat = File.ReadAllText(Path.Combine(dir, "stat"));
            }
            catch (IOException)
            {
                continue;
            }

            var open = stat.IndexOf('(', StringComparison.Ordinal);
            var close = stat.LastIndexOf(')');
            var comm = stat[(open + 1)..close];
            var fields = stat[(close + 2)..].Split(' ');
            var seconds = (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / TicksPerSecond;
            var key = pid == Environment.ProcessId ? "benchmark"
                : pid == servicePid ? "service"
                : comm == "mosquitto" ? "mosquitto"
                : comm == "postgres" ? "postgres"
                : null;
            if (key is not null)
            {
                totals[key] += seconds;
            }
        }

        // The whole machine's busy time (user to steal, less idle and iowait; guest time is already in user), so that
        // what other programs took shows.
        var cpu = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries)[1..9]
            .Select(f => long.Parse(f, CultureInfo.InvariantCulture)).ToArray();
        totals["machine"] = (cpu.Sum() - cpu[3] - cpu[4]) / TicksPerSecond;
        return totals;
    }
}
