using System.Globalization;
using WasteNotify.Core.Streets;
using WasteNotify.Core.Tracking;
using WasteNotify.Testing;

namespace WasteNotify.Core.Tests.Tracking;

/// <summary>
/// The real Jersey City garbage-truck traces (a fix about every 60 s, no speed, no heading, no stop list): each truck
/// followed along its own path, with a stop at every place it stood (two or more fixes within 20 m of each other) and
/// one at places it drove through (between two fixes over 200 m apart, away from every place it stood).
/// </summary>
public sealed class JerseyCityTrackingTests(ITestOutputHelper output)
{
    private static readonly TimeZoneInfo NewYork = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");

    [Fact]
    public void At_one_fix_a_minute_without_speeds_the_places_trucks_stood_are_served_and_those_they_drove_through_are_not()
    {
        var file = SharedData.Require("jersey-city-garbage-trucks/all_dedup.csv");
        var traces = Read(file).Where(t => t.Value.Count >= 100).ToList();
        Assert.True(traces.Count >= 20, $"{traces.Count} trucks with 100 fixes or more");

        int dwellPlaces = 0, served = 0, drivenThrough = 0, passed = 0, trucksWithEvents = 0;
        var intervals = new List<double>();
        foreach (var (truck, fixes) in traces)
        {
            intervals.AddRange(fixes.Zip(fixes.Skip(1), (a, b) => (b.Time - a.Time).TotalSeconds));
            var (stood, through) = Places(fixes);
            if (stood.Count == 0)
            {
                continue;
            }

            var stops = stood.Select(p => (Kind: true, p.Position, p.Index)).Concat(through.Select(p => (Kind: false, p.Position, p.Index)))
                .OrderBy(s => s.Index).ToList();
            var route = new TrackedRoute(truck, Path(fixes), [.. stops.Select((s, i) => ($"{truck}-{i}", s.Position))]);
            var tracker = new RunTracker(route, new TrackerOptions());
            var events = new List<TrackingEvent>();
            foreach (var fix in fixes)
            {
                tracker.Observe(new TrackedFix(fix.Time, fix.Position, null), events);
            }

            trucksWithEvents += events.Any(e => e.Kind == TrackingEventKind.Served) ? 1 : 0;
            for (var k = 0; k < stops.Count; k++)
            {
                var isServed = events.Any(e => e.StopSequence == k + 1 && e.Kind == TrackingEventKind.Served)
                    && events.LastOrDefault(e => e.StopSequence == k + 1 && e.Kind is TrackingEventKind.Served or TrackingEventKind.Skipped).Kind == TrackingEventKind.Served;
                if (stops[k].Kind)
                {
                    dwellPlaces++;
                    served += isServed ? 1 : 0;
                }
                else
                {
                    drivenThrough++;
                    passed += isServed ? 0 : 1;
                }
            }
        }

        intervals.Sort();
        output.WriteLine($"{traces.Count} trucks, median interval {intervals[intervals.Count / 2]:F0} s; trucks with stop events {trucksWithEvents}; "
            + $"served {served} of {dwellPlaces} places they stood ({100.0 * served / dwellPlaces:F1} %), not served {passed} of {drivenThrough} they drove through ({100.0 * passed / drivenThrough:F1} %)");
        Assert.InRange(intervals[intervals.Count / 2], 55, 70);
        // Measured: 88.0 % and 73.2 %. Neither truth is exact: a place is "stood" by two fixes 20 m apart (which a
        // path that comes back on itself can place at another pass), and a truck averaging 2-4 m/s over a minute
        // between two fixes 200 m apart may well have stopped on the way; without reported speeds the tracker's pace
        // is a guess. The bounds keep what was measured from getting worse.
        Assert.True(served >= dwellPlaces * 0.85, $"served {served} of {dwellPlaces} places the trucks stood");
        Assert.True(passed >= drivenThrough * 0.65, $"left {passed} of {drivenThrough} places the trucks drove through unserved");
    }

    /// <summary>The places a truck stood (fixes within 20 m of the first of a run of them) and drove through (midway between fixes over 200 m apart, 100 m from any place it stood).</summary>
    private static (List<(GeoPoint Position, int Index)> Stood, List<(GeoPoint Position, int Index)> Through) Places(List<(DateTimeOffset Time, GeoPoint Position)> fixes)
    {
        var stood = new List<(GeoPoint, int)>();
        for (var i = 0; i + 1 < fixes.Count; i++)
        {
            var j = i;
            while (j + 1 < fixes.Count && GeoPoint.DistanceMeters(fixes[i].Position, fixes[j + 1].Position) <= 20)
            {
                j++;
            }

            if (j > i)
            {
                stood.Add((fixes[i].Position, i));
                i = j;
            }
        }

        var through = new List<(GeoPoint, int)>();
        for (var i = 0; i + 1 < fixes.Count; i++)
        {
            var (a, b) = (fixes[i].Position, fixes[i + 1].Position);
            var middle = new GeoPoint((a.Latitude + b.Latitude) / 2, (a.Longitude + b.Longitude) / 2);
            if (GeoPoint.DistanceMeters(a, b) > 200 && (fixes[i + 1].Time - fixes[i].Time).TotalSeconds <= 90
                && stood.TrueForAll(s => GeoPoint.DistanceMeters(s.Item1, middle) > 100))
            {
                through.Add((middle, i));
            }
        }

        return (stood, through);
    }

    /// <summary>The truck's own way: its fixes in time order, from and back to where it started.</summary>
    private static List<GeoPoint> Path(List<(DateTimeOffset Time, GeoPoint Position)> fixes)
    {
        var path = new List<GeoPoint>();
        foreach (var (_, position) in fixes)
        {
            if (path.Count == 0 || GeoPoint.DistanceMeters(path[^1], position) > 1)
            {
                path.Add(position);
            }
        }

        return path;
    }

    private static Dictionary<string, List<(DateTimeOffset Time, GeoPoint Position)>> Read(string file)
    {
        var traces = new Dictionary<string, List<(DateTimeOffset, GeoPoint)>>();
        foreach (var line in File.ReadLines(file))
        {
            // lat|lon|truck|address|local time
            var fields = line.Split('|');
            if (fields.Length < 5 || !double.TryParse(fields[0], CultureInfo.InvariantCulture, out var lat)
                || !double.TryParse(fields[1], CultureInfo.InvariantCulture, out var lon)
                || !DateTime.TryParse(fields[4], CultureInfo.InvariantCulture, DateTimeStyles.None, out var local))
            {
                continue;
            }

            var time = new DateTimeOffset(local, NewYork.GetUtcOffset(local));
            (traces.TryGetValue(fields[2], out var list) ? list : traces[fields[2]] = []).Add((time, new GeoPoint(lat, lon)));
        }

        // The file repeats fixes, some with one time and two positions: the first of each time, as the tracker keeps.
        return traces.ToDictionary(t => t.Key, t => t.Value.OrderBy(f => f.Item1).DistinctBy(f => f.Item1).ToList());
    }
}
