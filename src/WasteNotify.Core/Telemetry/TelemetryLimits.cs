using System.ComponentModel.DataAnnotations;

namespace WasteNotify.Core.Telemetry;

/// <summary>What ingest accepts: topics, identities and plausibility limits. Bound from the <c>Ingest</c> section.</summary>
public sealed class TelemetryLimits : IValidatableObject
{
    /// <summary>Our trackers publish on <c>{TopicPrefix}/trucks/{truckId}/telemetry</c>.</summary>
    [Required, RegularExpression("^[^#+/][^#+]*[^#+/]$|^[^#+/]$")]
    public string TopicPrefix { get; set; } = "wastenotify";

    /// <summary>OwnTracks publishes on <c>{OwnTracksPrefix}/{user}/{device}</c>.</summary>
    [Required, RegularExpression("^[^#+/][^#+]*[^#+/]$|^[^#+/]$")]
    public string OwnTracksPrefix { get; set; } = "owntracks";

    /// <summary>OwnTracks <c>user/device</c> to truck id, e.g. <c>"driver7/phone": "truck-7"</c>.</summary>
    public Dictionary<string, string> OwnTracksDevices { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Stores fixes of trucks the registry does not hold instead of refusing them as <c>unknown_truck</c>.</summary>
    public bool AcceptUnregisteredTrucks { get; set; }

    [Range(64, 1_048_576)]
    public int MaxPayloadBytes { get; set; } = 4096;

    /// <summary>Tracker clocks drift; a fix further ahead of ours than this is wrong.</summary>
    public TimeSpan MaxFutureSkew { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Older fixes (a tracker replaying a stale buffer, a bad clock) are refused.</summary>
    public TimeSpan MaxAge { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Faster than this (m/s) is a GPS glitch, not a garbage truck: 50 m/s is 180 km/h.</summary>
    [Range(1, 1000)]
    public double MaxSpeedMetersPerSecond { get; set; } = 50;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (MaxFutureSkew < TimeSpan.Zero)
        {
            yield return new ValidationResult("MaxFutureSkew must not be negative", [nameof(MaxFutureSkew)]);
        }

        if (MaxAge <= TimeSpan.Zero)
        {
            yield return new ValidationResult("MaxAge must be positive", [nameof(MaxAge)]);
        }

        foreach (var (device, truck) in OwnTracksDevices)
        {
            if (device.Split('/') is not [{ Length: > 0 }, { Length: > 0 }])
            {
                yield return new ValidationResult($"OwnTracks device '{device}' must be 'user/device'", [nameof(OwnTracksDevices)]);
            }

            if (TruckIds.Problem(truck) is { } problem)
            {
                yield return new ValidationResult($"OwnTracks device '{device}' maps to an invalid truck id '{truck}': it {problem}", [nameof(OwnTracksDevices)]);
            }
        }
    }
}
