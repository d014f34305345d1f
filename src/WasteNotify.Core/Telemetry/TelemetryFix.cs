namespace WasteNotify.Core.Telemetry;

public enum TelemetrySource : short
{
    /// <summary>Our JSON on <c>{prefix}/trucks/{truckId}/telemetry</c>.</summary>
    Native = 0,

    /// <summary>An OwnTracks location from a driver's phone.</summary>
    OwnTracks = 1,
}

/// <summary>One validated GPS fix of a truck, by event time.</summary>
public readonly record struct TelemetryFix(
    string TruckId,
    DateTimeOffset Timestamp,
    double Latitude,
    double Longitude,
    float? SpeedMetersPerSecond,
    float? HeadingDegrees,
    float? AccuracyMeters,
    long? Sequence,
    TelemetrySource Source,
    DateTimeOffset ReceivedAt);
