using System.ComponentModel.DataAnnotations;
using WasteNotify.Core.Prediction;
using WasteNotify.Core.Streets;
using WasteNotify.Core.Tracking;

namespace WasteNotify.Service.Tracking;

/// <summary>A place trucks unload (a landfill, a transfer station), in WGS 84 degrees.</summary>
public sealed class FacilityOption
{
    [Range(-90, 90)]
    public double Latitude { get; set; }

    [Range(-180, 180)]
    public double Longitude { get; set; }
}

/// <summary>How runs are followed, when operators are warned, and which predictor serves. Bound from <c>Tracking</c>.</summary>
public sealed class TrackingOptions : IValidatableObject
{
    /// <summary>A started run whose truck has sent no fix for this long is reported GPS-silent.</summary>
    public TimeSpan SilentAfter { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>A run with no start this long after its planned start is reported not started.</summary>
    public TimeSpan NotStartedAfter { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// Batches of stored fixes waiting for tracking (a batch is one COPY, up to <c>Ingest:Storage:BatchSize</c> fixes);
    /// when tracking is this far behind the writer waits, and back-pressure reaches the broker.
    /// </summary>
    [Range(1, 100_000)]
    public int QueueCapacity { get; set; } = 1_000;

    /// <summary>How often the wall-clock anomalies are checked and a newly promoted model is looked for.</summary>
    public TimeSpan CheckEvery { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Served predictions are logged for evaluation once per run per this much event time.</summary>
    public TimeSpan LogPredictionsEvery { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Only stops expected within this are logged (the evaluation's buckets end at 60 minutes).</summary>
    public TimeSpan LogPredictionsAhead { get; set; } = TimeSpan.FromMinutes(60);

    /// <summary>
    /// Stops the latest prediction put within this are predicted again on every fix (the alerts look this far
    /// ahead); the farther ones once per <see cref="RefreshAllEvery"/> of event time, their ETAs kept meanwhile.
    /// </summary>
    public TimeSpan RefreshNearWithin { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>How often every stop still to come is predicted again, however far.</summary>
    public TimeSpan RefreshAllEvery { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The model serves a route once it has this many recorded runs; the physics baseline until then.</summary>
    [Range(0, 100)]
    public int ModelAfterRuns { get; set; } = 3;

    /// <summary>Unloading places beyond the procedural city's own landfill.</summary>
    public List<FacilityOption> Facilities { get; set; } = [];

    /// <summary>Matching and decision thresholds: <see cref="TrackerOptions"/>'s, flat under <c>Tracking</c>, with its defaults.</summary>
    public double StopRadiusMeters { get; set; } = Defaults.Tracker.StopRadiusMeters;

    public TimeSpan MinDwell { get; set; } = Defaults.Tracker.MinDwell;

    public TimeSpan SkipDecisionDelay { get; set; } = Defaults.Tracker.SkipDecisionDelay;

    public TimeSpan OffRouteAfter { get; set; } = Defaults.Tracker.OffRouteAfter;

    public TimeSpan LongStopAfter { get; set; } = Defaults.Tracker.LongStopAfter;

    /// <summary>The physics baseline's typical speed between stops, in metres per second (<see cref="PhysicsOptions"/>'s bounds).</summary>
    public double TypicalSpeedMps { get; set; } = Defaults.Physics.TypicalSpeedMps;

    /// <summary>The physics baseline's time at a stop, in seconds (<see cref="PhysicsOptions"/>'s bounds).</summary>
    public double DwellSeconds { get; set; } = Defaults.Physics.DwellSeconds;

    public TrackerOptions Tracker(IEnumerable<GeoPoint> cityFacilities) => new()
    {
        StopRadiusMeters = StopRadiusMeters,
        MinDwell = MinDwell,
        SkipDecisionDelay = SkipDecisionDelay,
        OffRouteAfter = OffRouteAfter,
        LongStopAfter = LongStopAfter,
        Facilities = [.. cityFacilities, .. Facilities.Select(f => new GeoPoint(f.Latitude, f.Longitude))],
    };

    public PhysicsOptions Physics() => new() { TypicalSpeedMps = TypicalSpeedMps, DwellSeconds = DwellSeconds };

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var (name, value) in new[]
                 {
                     (nameof(SilentAfter), SilentAfter), (nameof(NotStartedAfter), NotStartedAfter), (nameof(CheckEvery), CheckEvery),
                     (nameof(LogPredictionsEvery), LogPredictionsEvery), (nameof(LogPredictionsAhead), LogPredictionsAhead),
                     (nameof(MinDwell), MinDwell), (nameof(SkipDecisionDelay), SkipDecisionDelay), (nameof(OffRouteAfter), OffRouteAfter),
                     (nameof(LongStopAfter), LongStopAfter), (nameof(RefreshNearWithin), RefreshNearWithin), (nameof(RefreshAllEvery), RefreshAllEvery),
                 })
        {
            if (value <= TimeSpan.Zero)
            {
                yield return new ValidationResult($"{name} must be positive", [name]);
            }
        }

        // The physics baseline's bounds are its own (one place): judged on what these settings make of it.
        var (baseline, physics) = (Physics(), new List<ValidationResult>());
        if (!Validator.TryValidateObject(baseline, new ValidationContext(baseline), physics, validateAllProperties: true))
        {
            foreach (var failure in physics)
            {
                yield return new ValidationResult($"Tracking:{string.Join(", ", failure.MemberNames)}: {failure.ErrorMessage}", failure.MemberNames);
            }
        }

        if (StopRadiusMeters is < 5 or > 200)
        {
            yield return new ValidationResult("StopRadiusMeters must be from 5 to 200", [nameof(StopRadiusMeters)]);
        }

        foreach (var (facility, i) in Facilities.Select((f, i) => (f, i)))
        {
            if (facility.Latitude is < -90 or > 90 || facility.Longitude is < -180 or > 180)
            {
                yield return new ValidationResult($"Facilities[{i}] is not a WGS 84 position", [nameof(Facilities)]);
            }
        }
    }

    private static class Defaults
    {
        public static readonly TrackerOptions Tracker = new();
        public static readonly PhysicsOptions Physics = new();
    }
}
