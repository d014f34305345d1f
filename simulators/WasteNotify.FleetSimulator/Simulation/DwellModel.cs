using WasteNotify.Core.City;

namespace WasteNotify.FleetSimulator.Simulation;

/// <summary>
/// Service time at a building: lognormal, fitted on the 9,940 regular stops of Kim, Kim &amp; Sahoo's ten
/// instances (log-mean 4.714, log-sd 1.02: median 111 s, 10th percentile 30 s, 90th 412 s), and longer for
/// more bins: each bin beyond the first adds 30 %. Never shorter than the instances' shortest service time, 10 s.
/// </summary>
public sealed record DwellModel(double LogMean = 4.714, double LogSd = 1.02, double PerExtraBin = 0.3, double MaxSeconds = 1_800, double MinSeconds = 10)
{
    public double Sample(Random random, int bins)
    {
        ArgumentNullException.ThrowIfNull(random);
        var seconds = Math.Exp(LogMean + (LogSd * Gaussian(random))) * (1 + (PerExtraBin * (Math.Max(1, bins) - 1)));
        return Math.Clamp(seconds, MinSeconds, MaxSeconds);
    }

    /// <summary>The maximum-likelihood lognormal of the instances' regular stops with a service time.</summary>
    public static DwellModel Fit(IEnumerable<KimInstance> instances)
    {
        var logs = instances.SelectMany(i => i.Stops).Where(s => s.Type == KimStopType.Stop && s.ServiceSeconds > 0)
            .Select(s => Math.Log(s.ServiceSeconds)).ToList();
        var mean = logs.Average();
        return new DwellModel(mean, Math.Sqrt(logs.Average(l => (l - mean) * (l - mean))), MinSeconds: Math.Exp(logs.Min()));
    }

    internal static double Gaussian(Random random)
    {
        // Box-Muller: two uniforms make one standard normal.
        var u1 = 1.0 - random.NextDouble();
        var u2 = random.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }
}
