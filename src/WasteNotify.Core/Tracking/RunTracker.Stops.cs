namespace WasteNotify.Core.Tracking;

/// <summary>
/// A fix matched to the path: when, how far along, whether the truck was standing still, and whether it is the first
/// back on the path after fixes away from it (so the time since the one before says nothing about the stops).
/// </summary>
public readonly record struct Observation(DateTimeOffset Time, double Offset, bool Still, bool Rejoined = false);

public sealed partial class RunTracker
{
    private void CollectStopEvidence(Observation observation, List<TrackingEvent> events)
    {
        var radius = _options.StopRadiusMeters;
        var (first, end) = _route.StopsBetween(observation.Offset - radius, observation.Offset + radius);
        for (var k = first; k < end; k++)
        {
            ref var stop = ref _stops[k];
            stop.LastNear = Later(stop.LastNear, observation.Time);
            if (stop.Departed)
            {
                if (observation.Still && observation.Time > stop.DepartedAt && observation.Time < stop.DepartureSeen)
                {
                    // A late fix from a dropout shows the truck still standing there: it left later than thought.
                    stop.DepartedAt = observation.Time;
                    events.Add(new TrackingEvent(TrackingEventKind.Departed, observation.Time, k + 1, "corrected by a late fix"));
                }

                continue; // served and left: a second visit changes nothing
            }

            if (observation.Still)
            {
                stop.LastStill = Later(stop.LastStill, observation.Time);
            }

            stop.Near ??= [];
            var at = stop.Near.FindIndex(n => n.Time > observation.Time);
            stop.Near.Insert(at < 0 ? stop.Near.Count : at, observation);
            if (stop.Status == StopStatus.Served && observation.Still && observation.Time < stop.Arrival && Dwell(stop.Near) is { } earlier
                && earlier.Arrival < stop.Arrival)
            {
                // A late fix shows the truck standing there earlier than thought: the arrival moves back.
                stop.Arrival = ArrivalBefore(k, earlier.Arrival);
                events.Add(new TrackingEvent(TrackingEventKind.Arrived, stop.Arrival.Value, k + 1, "corrected by a late fix"));
            }
            else if (stop.Status != StopStatus.Served && Dwell(stop.Near) is { } served)
            {
                var reversed = stop.Status == StopStatus.Skipped;
                if (!Started)
                {
                    // A stop at the depot's own gate: serving it starts the run.
                    (Started, StartedAt) = (true, served.Arrival);
                    events.Add(new TrackingEvent(TrackingEventKind.Started, served.Arrival));
                }

                stop.Status = StopStatus.Served;
                stop.Arrival = ArrivalBefore(k, served.Arrival);
                events.Add(new TrackingEvent(TrackingEventKind.Arrived, stop.Arrival.Value, k + 1));
                events.Add(new TrackingEvent(TrackingEventKind.Served, served.At, k + 1, reversed ? "served after all: it was reported skipped" : null));
                _lastServed = Math.Max(_lastServed, k);
                _servedNotDeparted.Add(k);
                AdvanceFirstPending();
            }
        }
    }

    /// <summary>
    /// When the truck first stood at the stop for the minimum dwell, and when that standing began: a spell of still
    /// fixes, ended by a moving fix or a gap longer than the dwell credit (which is no evidence).
    /// </summary>
    private (DateTimeOffset Arrival, DateTimeOffset At)? Dwell(List<Observation> near)
    {
        var dwell = TimeSpan.Zero;
        for (var i = 0; i < near.Count; i++)
        {
            if (!near[i].Still)
            {
                continue;
            }

            var spell = i;
            dwell = TimeSpan.Zero;
            for (; i + 1 < near.Count && near[i + 1].Still && near[i + 1].Time - near[i].Time <= DwellCredit; i++)
            {
                dwell += near[i + 1].Time - near[i].Time;
                if (dwell >= _options.MinDwell)
                {
                    return (near[spell].Time, near[i + 1].Time);
                }
            }
        }

        return null;
    }

    private void NoteDepartures(Observation observation, List<TrackingEvent> events)
    {
        for (var i = _servedNotDeparted.Count - 1; i >= 0; i--)
        {
            var k = _servedNotDeparted[i];
            ref var stop = ref _stops[k];
            // Moving away, not a noisy still fix that happens to land outside the radius.
            // Only after arriving: a restored run replays its fixes from the start.
            if (!observation.Still && Math.Abs(observation.Offset - _route.StopOffsets[k]) > _options.StopRadiusMeters
                && observation.Time > stop.Arrival && (stop.LastStill is not { } still || observation.Time > still))
            {
                Depart(k, events);
                stop.DepartureSeen = observation.Time;
                _servedNotDeparted.RemoveAt(i);
            }
        }
    }

    private void Depart(int k, List<TrackingEvent> events)
    {
        ref var stop = ref _stops[k];
        stop.Departed = true;
        stop.DepartedAt = stop.LastStill ?? stop.Arrival;
        stop.Near = null;
        if (stop.DepartedAt is { } at)
        {
            events.Add(new TrackingEvent(TrackingEventKind.Departed, at, k + 1));
        }
    }

    /// <summary>Pending stops shortly before a served one become skipped once nothing has put the truck at them for the delay.</summary>
    private void DecideSkips(List<TrackingEvent> events)
    {
        var now = Watermark!.Value;
        for (var k = _firstPending; k < _lastServed; k++)
        {
            ref var stop = ref _stops[k];
            if (stop.Status != StopStatus.Pending || ServedSoonAfter(k) is not { } laterArrival)
            {
                continue;
            }

            // By event time from the later stop's arrival (not from when this was noticed: a restored run replays).
            var reference = Later(stop.LastNear, laterArrival);
            if (now - reference >= _options.SkipDecisionDelay)
            {
                Skip(k, stop.PassedAt ?? stop.LastNear ?? laterArrival, "passed without stopping", events);
            }
        }

        AdvanceFirstPending();
    }

    /// <summary>The arrival at the first of the next few stops that was served, or null.</summary>
    private DateTimeOffset? ServedSoonAfter(int k)
    {
        for (var j = k + 1; j < _stops.Length && j <= k + _options.SkipLookahead; j++)
        {
            if (_stops[j].Status == StopStatus.Served && _stops[j].Arrival is { } arrival)
            {
                return arrival;
            }
        }

        return null;
    }

    private void Skip(int k, DateTimeOffset at, string reason, List<TrackingEvent> events)
    {
        ref var stop = ref _stops[k];
        stop.Status = StopStatus.Skipped;
        stop.Near = null;
        events.Add(new TrackingEvent(TrackingEventKind.Skipped, at, k + 1, reason));
    }

    private void Finish(DateTimeOffset at, List<TrackingEvent> events)
    {
        SettleStretches(all: true, events);
        foreach (var k in _servedNotDeparted)
        {
            Depart(k, events);
        }

        _servedNotDeparted.Clear();
        for (var k = _firstPending; k < _stops.Length; k++)
        {
            if (_stops[k].Status == StopStatus.Pending)
            {
                Skip(k, _stops[k].PassedAt ?? _stops[k].LastNear ?? at, "not served when the run finished", events);
            }
        }

        AdvanceFirstPending();
        Finished = true;
        events.Add(new TrackingEvent(TrackingEventKind.Finished, at));
    }

    private void AdvanceFirstPending()
    {
        while (_firstPending < _stops.Length && _stops[_firstPending].Status != StopStatus.Pending)
        {
            _firstPending++;
        }
    }

    /// <summary>Forgets fixes older than the history window (keeping the latest), so memory stays flat over a day.</summary>
    private void Trim()
    {
        var horizon = Watermark!.Value - _options.History;
        foreach (var (from, _) in _unsettled)
        {
            horizon = from < horizon ? from : horizon; // a stretch across a dropout keeps its fixes until it is decided
        }

        var old = 0;
        while (old < _history.Count - 1 && _history[old].Time < horizon)
        {
            old++;
        }

        if (old > 0)
        {
            _history.RemoveRange(0, old);
        }
    }

    private static DateTimeOffset Later(DateTimeOffset? a, DateTimeOffset b) => a is { } x && x > b ? x : b;

    private struct StopState
    {
        public StopStatus Status;
        public DateTimeOffset? Arrival;
        public bool Departed;
        public DateTimeOffset? DepartedAt;
        public DateTimeOffset? DepartureSeen;
        public DateTimeOffset? LastNear;
        public DateTimeOffset? LastStill;

        /// <summary>When the truck went past it without standing there, by the stretch it was on.</summary>
        public DateTimeOffset? PassedAt;
        public List<Observation>? Near;
    }
}
