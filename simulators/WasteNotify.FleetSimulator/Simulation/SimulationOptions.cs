using WasteNotify.Core.Streets;

namespace WasteNotify.FleetSimulator.Simulation;

/// <summary>What the simulated trucks and their trackers do. Every probability is per stop, intersection or fix as named.</summary>
public sealed record SimulationOptions
{
    /// <summary>Garbage trucks drive below the road's free-flow speed.</summary>
    public double TruckSpeedFactor { get; init; } = 0.8;

    public double AccelerationMps2 { get; init; } = 1.0;

    public double BrakingMps2 { get; init; } = 1.5;

    /// <summary>Log-sd of the per-day speed factor: some days are slow for every truck.</summary>
    public double DaySpeedLogSd { get; init; } = 0.12;

    /// <summary>Chance that an intersection's light is red, and how long it then stops the truck.</summary>
    public double RedLightProbability { get; init; } = 0.25;

    public (double Min, double Max) RedLightSeconds { get; init; } = (5, 45);

    /// <summary>Short unplanned stops (a double-parked car), per second of driving.</summary>
    public double ShortStopPerSecond { get; init; } = 0.002;

    public (double Min, double Max) ShortStopSeconds { get; init; } = (5, 30);

    public DwellModel Dwell { get; init; } = new();

    public double SkipProbability { get; init; } = 0.02;

    public double ServedTwiceProbability { get; init; } = 0.01;

    /// <summary>Bins the truck holds before it must unload at the landfill.</summary>
    public int CapacityBins { get; init; } = 250;

    public (double Min, double Max) UnloadSeconds { get; init; } = (600, 1_200);

    /// <summary>The driver's break, taken after the first stop past this local time (plus up to 20 minutes).</summary>
    public TimeOnly BreakAfter { get; init; } = new(12, 0);

    public TimeSpan BreakLength { get; init; } = TimeSpan.FromMinutes(30);

    public double LateStartProbability { get; init; } = 0.1;

    public (double Min, double Max) LateStartMinutes { get; init; } = (10, 45);

    /// <summary>Congestion: the share of free-flow speed by local hour (rush hours are slower).</summary>
    public static double Congestion(int hour) => hour switch
    {
        >= 7 and < 9 => 0.7,
        >= 9 and < 16 => 0.85,
        >= 16 and < 19 => 0.7,
        _ => 1.0,
    };

    /// <summary>Narrow streets, where the GPS is worse.</summary>
    public static bool IsNarrow(RoadClass roadClass) => roadClass is RoadClass.Residential or RoadClass.LivingStreet or RoadClass.Service;
}
