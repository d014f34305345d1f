using WasteNotify.Core.Streets;

namespace WasteNotify.Core.Telemetry;

/// <summary>How many values <see cref="FixDerivation"/> filled in, and how many it could not.</summary>
public readonly record struct DerivedCounts(int Speeds, int Headings, int Sequences, int SpeedsLeftEmpty, int HeadingsLeftEmpty);

/// <summary>
/// Fills in what recorded rows lack, from the same truck's fixes ordered by time (rows of one time count once):
/// speed is the distance over the time from the previous fix (from the next for a truck's first), left empty for a
/// truck's only fix or a jump faster than the plausible limit; heading is the bearing from the previous fix (to the
/// next for the first), or the truck's last heading while it moved less than <see cref="StandingMeters"/>; a missing
/// sequence is the time in Unix milliseconds, which keeps each truck's order and stays the same when a file is
/// imported again or in parts.
/// </summary>
public static class FixDerivation
{
    /// <summary>Below this displacement a bearing is GPS noise, not the truck's direction.</summary>
    public const double StandingMeters = 2;

    /// <summary>The rows as fixes, in the rows' order, every missing value derived where it can be.</summary>
    public static (List<TelemetryFix> Fixes, DerivedCounts Derived) Complete(IReadOnlyList<TelemetryRow> rows, double maxSpeedMetersPerSecond, DateTimeOffset receivedAt)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var fixes = new TelemetryFix[rows.Count];
        int speeds = 0, headings = 0, sequences = 0, speedsEmpty = 0, headingsEmpty = 0;
        var byTruck = Enumerable.Range(0, rows.Count).GroupBy(i => rows[i].TruckId, StringComparer.Ordinal);
        foreach (var truck in byTruck)
        {
            var order = truck.OrderBy(i => rows[i].Timestamp).ThenBy(i => rows[i].Line).ToArray();
            float? lastHeading = null;
            var groupStart = 0;
            for (var k = 0; k < order.Length; k++)
            {
                var row = rows[order[k]];
                if (k > 0 && rows[order[k - 1]].Timestamp != row.Timestamp)
                {
                    groupStart = k;
                }

                // The neighbours at another time: the last row before this one's time, the first after it.
                TelemetryRow? previous = groupStart > 0 ? rows[order[groupStart - 1]] : null;
                TelemetryRow? next = null;
                for (var n = k + 1; n < order.Length && next is null; n++)
                {
                    next = rows[order[n]].Timestamp != row.Timestamp ? rows[order[n]] : null;
                }

                var (from, to) = previous is { } p ? (p, row) : next is { } x ? (row, x) : (row, row);
                var meters = GeoPoint.DistanceMeters(Position(from), Position(to));
                var speed = row.SpeedMetersPerSecond;
                if (speed is null)
                {
                    var seconds = (to.Timestamp - from.Timestamp).TotalSeconds;
                    var derived = seconds > 0 ? meters / seconds : double.NaN;
                    if (derived <= maxSpeedMetersPerSecond)
                    {
                        speed = (float)derived;
                        speeds++;
                    }
                    else
                    {
                        speedsEmpty++;
                    }
                }

                var heading = row.HeadingDegrees;
                if (heading is null)
                {
                    heading = from.Timestamp != to.Timestamp && meters >= StandingMeters
                        ? (float)GeoPoint.BearingDegrees(Position(from), Position(to))
                        : lastHeading;
                    if (heading is null)
                    {
                        headingsEmpty++;
                    }
                    else
                    {
                        headings++;
                    }
                }

                lastHeading = heading ?? lastHeading;
                long? seq = row.Sequence;
                if (seq is null)
                {
                    seq = row.Timestamp.ToUnixTimeMilliseconds();
                    sequences++;
                }

                fixes[order[k]] = new TelemetryFix(row.TruckId, row.Timestamp, row.Latitude, row.Longitude, speed, heading, null, seq, TelemetrySource.Native, receivedAt);
            }
        }

        return ([.. fixes], new DerivedCounts(speeds, headings, sequences, speedsEmpty, headingsEmpty));
    }

    private static GeoPoint Position(TelemetryRow row) => new(row.Latitude, row.Longitude);
}
