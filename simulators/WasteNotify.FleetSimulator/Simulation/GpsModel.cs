using WasteNotify.Core.Streets;
using WasteNotify.Core.Tracking;

namespace WasteNotify.FleetSimulator.Simulation;

public enum FixKind
{
    Live,

    /// <summary>Buffered by the tracker during a dropout and delivered late, with its original timestamp.</summary>
    Delayed,

    /// <summary>A second copy of a fix already sent.</summary>
    Duplicate,

    /// <summary>A 0,0 fix or a jump of kilometres.</summary>
    Garbage,
}

/// <summary>A fix as the tracker sends it, when it reaches the broker, and where the truck really was.</summary>
public sealed record EmittedFix(string TruckId, DateTimeOffset DeliverAt, DateTimeOffset Timestamp, GeoPoint Position, double SpeedMps, double HeadingDegrees,
    long Sequence, FixKind Kind, GeoPoint TruePosition)
{
    /// <summary>The fix as the tracker takes it.</summary>
    public TrackedFix Tracked => new(Timestamp, Position, SpeedMps, HeadingDegrees);
}

/// <summary>How the trackers report: interval, noise, dropouts, duplicates and garbage.</summary>
public sealed record GpsOptions
{
    public int IntervalSeconds { get; init; } = 5;

    /// <summary>How irregular the reports are: each interval is drawn within this share either side of <see cref="IntervalSeconds"/> (0: a steady clock).</summary>
    public double IntervalJitter { get; init; }

    public double WideStreetNoiseMeters { get; init; } = 4;

    /// <summary>Between tall buildings the signal bounces: noise up to ~20 m.</summary>
    public double NarrowStreetNoiseMeters { get; init; } = 9;

    public double DropoutProbability { get; init; } = 0.003;

    public (double Min, double Max) DropoutSeconds { get; init; } = (20, 240);

    public double DuplicateProbability { get; init; } = 0.005;

    public double GarbageProbability { get; init; } = 0.002;
}

/// <summary>Turns a day's true positions into what its tracker publishes, in delivery order.</summary>
public static class GpsModel
{
    private const double MetersPerDegree = 111_320;

    public static List<EmittedFix> Emit(TruckDayTrace trace, GpsOptions options, int seed)
    {
        ArgumentNullException.ThrowIfNull(trace);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.IntervalSeconds, 1);
        var random = new Random(seed);
        var fixes = new List<EmittedFix>();
        var buffer = new List<EmittedFix>();
        DateTimeOffset? dropoutEnd = null;
        long sequence = 0;
        ArgumentOutOfRangeException.ThrowIfNegative(options.IntervalJitter);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(options.IntervalJitter, 1);
        for (var i = 0; i < trace.Samples.Count; i += Step(options, random))
        {
            var truth = trace.Samples[i];
            var noise = truth.NarrowStreet ? options.NarrowStreetNoiseMeters : options.WideStreetNoiseMeters;
            var position = Offset(truth.Position, noise * DwellModel.Gaussian(random), noise * DwellModel.Gaussian(random));
            var kind = FixKind.Live;
            if (random.NextDouble() < options.GarbageProbability)
            {
                kind = FixKind.Garbage;
                position = random.NextDouble() < 0.5
                    ? new GeoPoint(0, 0)
                    : Offset(truth.Position, (random.NextDouble() - 0.5) * 40_000, (random.NextDouble() - 0.5) * 40_000);
            }

            var speed = Math.Max(0, truth.SpeedMps + (0.3 * DwellModel.Gaussian(random)));
            var fix = new EmittedFix(trace.TruckId, truth.Time, truth.Time, position, speed, truth.HeadingDegrees, ++sequence, kind, truth.Position);

            if (dropoutEnd is null && random.NextDouble() < options.DropoutProbability)
            {
                dropoutEnd = truth.Time + TimeSpan.FromSeconds(options.DropoutSeconds.Min + (random.NextDouble() * (options.DropoutSeconds.Max - options.DropoutSeconds.Min)));
            }

            if (dropoutEnd is { } end)
            {
                if (truth.Time < end)
                {
                    buffer.Add(fix);
                    continue;
                }

                // Connection back: the buffered fixes go out in a burst, in no particular order, after the live one.
                dropoutEnd = null;
                var deliver = truth.Time + TimeSpan.FromSeconds(1 + random.Next(3));
                foreach (var late in buffer.OrderBy(_ => random.Next()))
                {
                    fixes.Add(late with { DeliverAt = deliver, Kind = late.Kind == FixKind.Live ? FixKind.Delayed : late.Kind });
                }

                buffer.Clear();
            }

            fixes.Add(fix);
            if (random.NextDouble() < options.DuplicateProbability)
            {
                fixes.Add(fix with { DeliverAt = fix.DeliverAt + TimeSpan.FromSeconds(random.Next(3)), Kind = FixKind.Duplicate });
            }
        }

        fixes.AddRange(buffer.Select(f => f with { DeliverAt = trace.Samples[^1].Time + TimeSpan.FromSeconds(5), Kind = FixKind.Delayed }));
        return [.. fixes.Select((f, i) => (f, i)).OrderBy(x => x.f.DeliverAt).ThenBy(x => x.i).Select(x => x.f)];
    }

    private static int Step(GpsOptions options, Random random) => options.IntervalJitter == 0
        ? options.IntervalSeconds
        : Math.Max(1, (int)Math.Round(options.IntervalSeconds * (1 + (options.IntervalJitter * ((2 * random.NextDouble()) - 1)))));

    private static GeoPoint Offset(GeoPoint p, double northMeters, double eastMeters) =>
        new(p.Latitude + (northMeters / MetersPerDegree), p.Longitude + (eastMeters / (MetersPerDegree * Math.Cos(double.DegreesToRadians(p.Latitude)))));
}
