using WasteNotify.Core.Tracking;

namespace WasteNotify.Core.Prediction;

/// <summary>
/// One prediction moment for one stop: the features, when, the baselines' answers and what really happened;
/// <paramref name="Ahead"/> counts the stops still to come before it then (0: it was the next stop).
/// </summary>
public sealed record EtaSample(float[] Features, int Stop, DateTimeOffset MadeAt, DateTimeOffset Actual, float PhysicsSeconds, float HistoricalSeconds,
    float NaiveSeconds, int Ahead)
{
    public float LabelSeconds => (float)(Actual - MadeAt).TotalSeconds;
}

/// <summary>
/// Turns a recorded run into training and evaluation samples the way the service sees it live: the fixes are
/// played through a tracker in the order they arrived, and every <c>every</c> of event time each stop still to
/// come gets a row, labelled with its actual arrival (the tracker's own stop events over the whole run, as the
/// service records them: <see cref="Replay"/>) when that is within <c>maxAhead</c>.
/// </summary>
public static class EtaSampler
{
    public static List<EtaSample> Sample(TrackedRoute route, TrackerOptions options, EtaFeatures features, IReadOnlyList<TrackedFix> fixes,
        PastRun recorded, DateTimeOffset plannedStart, TimeSpan every, TimeSpan maxAhead)
    {
        ArgumentNullException.ThrowIfNull(route);
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(fixes);
        ArgumentNullException.ThrowIfNull(recorded);
        var actual = recorded.Arrivals;
        var samples = new List<EtaSample>();
        var tracker = new RunTracker(route, options);
        var events = new List<TrackingEvent>();
        var rows = new float[route.StopCount * EtaFeatures.Count];
        var stops = new UpcomingStop[route.StopCount];
        DateTimeOffset? next = null;
        foreach (var fix in fixes)
        {
            tracker.Observe(fix, events);
            if (tracker.Watermark != fix.Time || !tracker.Started || tracker.Finished)
            {
                continue; // a late fix, or nothing to predict yet
            }

            next ??= fix.Time;
            if (fix.Time < next)
            {
                continue;
            }

            next = fix.Time + every;
            var count = features.Build(tracker, fix.Time, plannedStart, rows, stops);
            for (var i = 0; i < count; i++)
            {
                if (actual[stops[i].Stop] is { } arrival && arrival > fix.Time && arrival - fix.Time <= maxAhead)
                {
                    samples.Add(new EtaSample(rows.AsSpan(i * EtaFeatures.Count, EtaFeatures.Count).ToArray(), stops[i].Stop, fix.Time, arrival,
                        stops[i].PhysicsSeconds, stops[i].HistoricalSeconds, stops[i].NaiveSeconds, stops[i].Ahead));
                }
            }
        }

        return samples;
    }

    /// <summary>The run as tracking records it: start, and each stop's arrival (the last correction wins) and departure.</summary>
    public static PastRun Replay(TrackedRoute route, TrackerOptions options, IEnumerable<TrackedFix> fixes, DateTimeOffset? plannedStart = null)
    {
        ArgumentNullException.ThrowIfNull(route);
        ArgumentNullException.ThrowIfNull(fixes);
        var tracker = new RunTracker(route, options);
        var events = new List<TrackingEvent>();
        foreach (var fix in fixes)
        {
            tracker.Observe(fix, events);
        }

        var arrivals = new DateTimeOffset?[route.StopCount];
        var departures = new DateTimeOffset?[route.StopCount];
        foreach (var e in events)
        {
            if (e.Kind == TrackingEventKind.Arrived)
            {
                arrivals[e.StopSequence - 1] = e.At;
            }
            else if (e.Kind == TrackingEventKind.Departed)
            {
                departures[e.StopSequence - 1] = e.At;
            }
        }

        return new PastRun(tracker.StartedAt ?? plannedStart ?? default, arrivals, departures);
    }
}
