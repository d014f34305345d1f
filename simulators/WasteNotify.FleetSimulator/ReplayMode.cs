using WasteNotify.Core.Streets;

namespace WasteNotify.FleetSimulator;

/// <summary>
/// Publishes a recorded trace as its trucks' trackers would: each truck's fixes in time order (exact repeats of
/// a truck and time once), with speed and heading derived from consecutive fixes (the files have none),
/// optionally shifted so that the trace ends now (ingest refuses fixes older than its limit), at a chosen speed.
/// </summary>
internal static class ReplayMode
{
    /// <summary>Jumps in a recorded trace can derive absurd speeds; they are capped below ingest's limit.</summary>
    private const double MaxDerivedSpeed = 49;

    public static List<OutgoingFix> Plan(IEnumerable<TracePoint> points, DateTimeOffset? endAt)
    {
        var byTruck = points.GroupBy(p => p.TruckId, StringComparer.Ordinal)
            .Select(g => g.DistinctBy(p => p.Time).OrderBy(p => p.Time).ToList()).ToList();
        var shift = endAt is { } end && byTruck.Count > 0 ? end - byTruck.Max(t => t[^1].Time) : TimeSpan.Zero;
        var fixes = new List<OutgoingFix>();
        foreach (var truck in byTruck)
        {
            for (var i = 0; i < truck.Count; i++)
            {
                double speed = 0, heading = 0;
                if (i > 0)
                {
                    var (a, b) = (truck[i - 1], truck[i]);
                    speed = Math.Min(MaxDerivedSpeed, GeoPoint.DistanceMeters(a.Position, b.Position) / (b.Time - a.Time).TotalSeconds);
                    heading = GeoPoint.BearingDegrees(a.Position, b.Position);
                }

                fixes.Add(new OutgoingFix(truck[i].TruckId, truck[i].Time + shift, truck[i].Position.Latitude, truck[i].Position.Longitude, speed, heading, i + 1));
            }
        }

        return [.. fixes.OrderBy(f => f.Timestamp).ThenBy(f => f.TruckId, StringComparer.Ordinal)];
    }

    /// <summary>Publishes in event-time order, <paramref name="speed"/> times faster than recorded (0: as fast as possible).</summary>
    public static async Task PublishAsync(IReadOnlyList<OutgoingFix> fixes, FixPublisher publisher, double speed, TimeProvider time, CancellationToken ct)
    {
        if (fixes.Count == 0)
        {
            return;
        }

        var start = time.GetTimestamp();
        var first = fixes[0].Timestamp;
        foreach (var fix in fixes)
        {
            if (speed > 0)
            {
                var due = TimeSpan.FromTicks((long)((fix.Timestamp - first).Ticks / speed)) - time.GetElapsedTime(start);
                if (due > TimeSpan.Zero)
                {
                    await Task.Delay(due, time, ct);
                }
            }

            await publisher.PublishAsync(fix, ct);
        }

        await publisher.FlushAsync(ct);
    }
}
