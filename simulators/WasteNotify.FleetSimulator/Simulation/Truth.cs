using WasteNotify.Core.Streets;

namespace WasteNotify.FleetSimulator.Simulation;

/// <summary>A stop of a simulated route: the building, the street node it is served from, its bins.</summary>
public sealed record RouteStop(string BuildingId, int Node, int Bins);

/// <summary>Where the truck really was, every second.</summary>
public readonly record struct TruthSample(DateTimeOffset Time, GeoPoint Position, double SpeedMps, double HeadingDegrees, bool NarrowStreet);

public enum StopOutcome
{
    Served,

    /// <summary>The truck drove past without stopping (blocked access).</summary>
    Skipped,

    /// <summary>Served, left, came back and served again.</summary>
    ServedTwice,
}

/// <summary>What really happened at a stop: when the truck arrived and left (for a skip: when it passed).</summary>
public sealed record StopTruth(int Sequence, string BuildingId, int Node, DateTimeOffset Arrival, DateTimeOffset Departure, StopOutcome Outcome,
    DateTimeOffset? SecondArrival = null, DateTimeOffset? SecondDeparture = null);

/// <summary>A moment of the day worth knowing: start, late start, landfill arrival and departure, break, finish.</summary>
public sealed record TruthEvent(DateTimeOffset Time, string Kind, string? Detail = null);

/// <summary>One truck's simulated day, the ground truth predictions and alerts are scored against.</summary>
public sealed record TruckDayTrace(string TruckId, IReadOnlyList<TruthSample> Samples, IReadOnlyList<StopTruth> Stops, IReadOnlyList<TruthEvent> Events);
