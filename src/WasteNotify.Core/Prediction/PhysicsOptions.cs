using System.ComponentModel.DataAnnotations;

namespace WasteNotify.Core.Prediction;

/// <summary>
/// The cold-start predictor's constants: remaining path distance over a typical speed, plus an expected dwell at
/// each stop on the way. Bounds are fixed fractions of the time to go: it has no history to calibrate them on.
/// </summary>
public sealed record PhysicsOptions
{
    /// <summary>A garbage truck's average speed between stops in town, lights and junctions included (about 18 km/h).</summary>
    [Range(0.5, 30)]
    public double TypicalSpeedMps { get; init; } = 5;

    /// <summary>The expected dwell per stop before any history: the Kim instances' median service time, 111 s.</summary>
    [Range(1, 3600)]
    public double DwellSeconds { get; init; } = 111;

    /// <summary>
    /// The naive baseline's floor on the truck's recent progress rate, so that a truck standing still (or going
    /// backwards along its path) still gets a finite ETA: a kilometre in under 17 minutes.
    /// </summary>
    [Range(0.1, 30)]
    public double NaiveFloorMps { get; init; } = 1;

    [Range(0.05, 1)]
    public double EarlyFraction { get; init; } = 0.7;

    [Range(1, 5)]
    public double LateFraction { get; init; } = 1.5;
}
