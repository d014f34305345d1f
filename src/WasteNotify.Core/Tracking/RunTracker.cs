using WasteNotify.Core.Streets;

namespace WasteNotify.Core.Tracking;

public enum StopStatus
{
    Pending,
    Served,
    Skipped,
}

/// <summary>
/// Follows one run of a route by event time: matches each fix to an offset along the path, decides which stops are
/// served (the truck stood at them), departed and skipped (it went past and served a later one), and when the run
/// started and finished, and raises anomalies. The tracker's only clock is the fixes' timestamps, so the same fixes
/// in the same order give the same events whatever the speed they are played at.
/// </summary>
/// <remarks>
/// Matching prefers the earliest pass of the path near a fix, within the distance the truck can have driven since
/// its previous fix: a path that comes back near itself later does not pull progress ahead. A fix that arrives late
/// is placed between the fixes before and after it in time. Stop evidence (fixes standing at a stop) is a set, so
/// the order fixes arrive in does not change whether a stop is served.
/// </remarks>
public sealed partial class RunTracker
{
    private readonly TrackedRoute _route;
    private readonly TrackerOptions _options;
    private readonly StopState[] _stops;
    private readonly List<Observation> _history = [];
    private readonly List<PathMatch> _matches = [];
    private readonly List<int> _servedNotDeparted = [];
    private int _firstPending;
    private int _lastServed = -1;
    private DateTimeOffset? _offRouteSince;
    private bool _offRouteReported;
    private DateTimeOffset? _stillSince;
    private bool _longStopReported;

    public RunTracker(TrackedRoute route, TrackerOptions options)
    {
        ArgumentNullException.ThrowIfNull(route);
        _route = route;
        _options = options;
        _stops = new StopState[route.StopCount];
    }

    public TrackedRoute Route => _route;

    public bool Started { get; private set; }

    public bool Finished { get; private set; }

    /// <summary>The latest event time seen, on route or not.</summary>
    public DateTimeOffset? Watermark { get; private set; }

    /// <summary>The latest fix matched to the path.</summary>
    public Observation? Latest => _history.Count > 0 ? _history[^1] : null;

    /// <summary>Since when the truck has been standing still (by the latest fixes), or null when moving.</summary>
    public DateTimeOffset? StillSince => _stillSince;

    public bool OffRoute => _offRouteSince is not null;

    /// <summary>Since when the truck has been away from its path, or null; the clock starts again each time it is at a facility.</summary>
    public DateTimeOffset? OffRouteSince => _offRouteSince;

    /// <summary>The last time a fix put the truck at a facility (the landfill: it left empty), or null.</summary>
    public DateTimeOffset? LastAtFacility { get; private set; }

    /// <summary>How many long stops (the driver's break among them) the run has had.</summary>
    public int LongStops { get; private set; }

    /// <summary>When the run started (left the depot or served its first stop), by event time.</summary>
    public DateTimeOffset? StartedAt { get; private set; }

    /// <summary>The furthest stop (index from 0) served so far, or -1.</summary>
    public int LastServed => _lastServed;

    /// <summary>Where along the path the truck was at a past time: the last fix at or before it still in the history window.</summary>
    public double? OffsetAt(DateTimeOffset time)
    {
        var index = InsertionIndex(time + TimeSpan.FromTicks(1));
        return index > 0 ? _history[index - 1].Offset : null;
    }

    /// <summary>The first stop (index from 0) neither served nor skipped, or the stop count when none is left.</summary>
    public int FirstPending => _firstPending;

    public StopStatus Status(int index) => _stops[index].Status;

    public DateTimeOffset? Arrival(int index) => _stops[index].Arrival;

    public DateTimeOffset? DepartedAt(int index) => _stops[index].DepartedAt;

    /// <summary>When the truck went past a stop it did not stand at, by the fixes either side of it, or null.</summary>
    public DateTimeOffset? PassedAt(int index) => _stops[index].PassedAt;

    /// <summary>Takes one fix; appends what it decided to <paramref name="events"/>. Returns whether it matched the path.</summary>
    public bool Observe(TrackedFix fix, List<TrackingEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        if (Finished)
        {
            return false;
        }

        Watermark = Watermark is { } w && w > fix.Time ? w : fix.Time;
        var index = InsertionIndex(fix.Time);
        if (index < _history.Count && _history[index].Time == fix.Time)
        {
            return false; // a duplicate
        }

        var inOrder = index == _history.Count;

        var atFacility = AtFacility(fix.Position);
        if (atFacility)
        {
            LastAtFacility = LastAtFacility > fix.Time ? LastAtFacility : fix.Time;
        }

        if ((atFacility ? null : Match(fix, index)) is not { } offset)
        {
            if (inOrder)
            {
                NoteOffRoute(fix, atFacility, events);
            }

            return false;
        }

        var still = IsStill(fix, offset, index);
        // Back from a while away (not one stray fix the path did not take): the stretch since says nothing of the stops.
        var rejoined = inOrder && _offRouteSince is { } away && (fix.Time - away).TotalSeconds > 1.5 * TypicalIntervalSeconds;
        var observation = new Observation(fix.Time, offset, still, rejoined);
        _history.Insert(index, observation);
        NoteRates(fix, index);
        if (!Started && !still
            && offset >= Math.Max(_options.StopRadiusMeters, Math.Min(_options.DepotRadiusMeters / 3, (_route.StopCount > 0 ? _route.StopOffsets[0] : _route.Path.Length) / 2)))
        {
            // Moving off along its path: the first stop may be right by the depot, so not "beyond the depot's radius".
            (Started, StartedAt) = (true, fix.Time);
            events.Add(new TrackingEvent(TrackingEventKind.Started, fix.Time));
        }

        if (inOrder)
        {
            NoteOnRoute(observation, events);
        }

        CollectStopEvidence(observation, events);
        InferAround(index, events);
        SettleStretches(all: false, events);
        if (inOrder)
        {
            NoteDepartures(observation, events);
            // Back at the depot after the last stop: past it, or done with it and moving (a last stop by the depot's
            // gate must not end the run as the truck arrives at it).
            var lastStop = _route.StopCount > 0 ? _route.StopOffsets[^1] : 0;
            if (Started && GeoPoint.DistanceMeters(fix.Position, _route.Path.End) <= _options.DepotRadiusMeters
                && (offset > lastStop + _options.StopRadiusMeters || (_route.StopCount > 0 && _stops[^1].Status != StopStatus.Pending && !still)))
            {
                Finish(observation.Time, events);
                return true;
            }
        }

        DecideSkips(events);
        Trim();
        return true;
    }

    /// <summary>Restores a stop decided before a restart, so that replaying the run's fixes neither repeats nor loses it.</summary>
    public void Restore(int sequence, StopStatus status, DateTimeOffset? arrival, bool departed)
    {
        ref var stop = ref _stops[sequence - 1];
        stop.Status = status;
        stop.Arrival ??= arrival;
        stop.Departed = departed;
        if (status == StopStatus.Served)
        {
            _lastServed = Math.Max(_lastServed, sequence - 1);
            if (!departed && !_servedNotDeparted.Contains(sequence - 1))
            {
                _servedNotDeparted.Add(sequence - 1);
            }
        }

        AdvanceFirstPending();
    }

    /// <summary>Restores the run's own state after a restart.</summary>
    public void Restore(DateTimeOffset? startedAt, bool finished) =>
        (Started, StartedAt, Finished) = (Started || startedAt is not null, StartedAt ?? startedAt, Finished || finished);

    private int InsertionIndex(DateTimeOffset time)
    {
        if (_history.Count == 0 || _history[^1].Time < time)
        {
            return _history.Count;
        }

        int lo = 0, hi = _history.Count;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (_history[mid].Time < time)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }

    private double? Match(TrackedFix fix, int index)
    {
        var path = _route.Path;
        double from, to;
        var previous = index > 0 ? _history[index - 1] : (Observation?)null;
        if (index < _history.Count)
        {
            // Late: between its neighbours in time or, when the fix after it was placed on the wrong pass of a path
            // that comes back near itself (which the gap this fix fills made possible), as far as it could have driven.
            var next = _history[index];
            from = (previous?.Offset ?? (next.Offset - (_options.MaxSpeedMps * (next.Time - fix.Time).TotalSeconds))) - _options.BackwardMeters;
            from = Math.Min(from, _route.StopOffsets.Count > 0 ? _route.StopOffsets[PendingAt(fix.Time)] - _options.StopRadiusMeters : from);
            to = next.Offset + _options.BackwardMeters;
            return Pick(fix, from, to)
                ?? (previous is { } p ? Pick(fix, from, p.Offset + (_options.MaxSpeedMps * (fix.Time - p.Time).TotalSeconds) + _options.StopRadiusMeters) : null);
        }

        if (previous is null && _history.Count == 0 && GeoPoint.DistanceMeters(fix.Position, path.Start) > _options.DepotRadiusMeters)
        {
            // The first fix, away from the start: the tracker came on (or the run was joined) along the way.
            return Pick(fix, 0, path.Length);
        }

        var last = previous ?? new Observation(fix.Time, 0, false);
        from = last.Offset - _options.BackwardMeters;
        if (_offRouteSince is not { } away || (fix.Time - away).TotalSeconds <= 1.5 * TypicalIntervalSeconds)
        {
            // Seen on route last (but for one stray fix): it can have driven on as far as its speed allows, through a
            // GPS gap too.
            to = last.Offset + (_options.MaxSpeedMps * Math.Max(0, (fix.Time - last.Time).TotalSeconds)) + _options.StopRadiusMeters;
            if (Pick(fix, from, to) is { } offset)
            {
                return offset;
            }
        }
        else
        {
            to = last.Offset + _options.StopRadiusMeters;
        }

        // Seen away from the path (a detour, the landfill) or not where it should be: the truck rejoins its route
        // between its first pending stop and a little after the next stop ahead of it, not wherever its way back
        // happens to cross the path.
        var pending = _firstPending < _route.StopCount ? _route.StopOffsets[_firstPending] : path.Length;
        var ahead = _route.StopsBetween(last.Offset + _options.StopRadiusMeters, path.Length).First;
        var nextStop = ahead < _route.StopCount ? _route.StopOffsets[ahead] : path.Length;
        return Pick(fix, Math.Min(from, pending - _options.StopRadiusMeters), Math.Max(to, Math.Max(pending, nextStop) + _options.RejoinAheadMeters));
    }

    /// <summary>
    /// The first stop that was still to be served at a past time (a late fix's): the truck may have been at it then,
    /// even when the fixes either side of the late one were placed past it (it came to the stop against the path's way).
    /// </summary>
    private int PendingAt(DateTimeOffset time)
    {
        var k = Math.Min(_firstPending, _stops.Length - 1);
        for (var n = 0; n < 10 && k > 0 && _stops[k - 1].Status == StopStatus.Served && _stops[k - 1].Arrival > time; n++)
        {
            k--;
        }

        return k;
    }

    /// <summary>The earliest pass of the path nearly as close as the closest: progress never jumps ahead to a later pass.</summary>
    private double? Pick(TrackedFix fix, double from, double to)
    {
        _route.Path.Matches(fix.Position, from, to, _options.MaxLateralMeters, _matches);
        if (fix is { HeadingDegrees: { } heading, SpeedMps: { } speed } && speed >= _options.HeadingCheckMps)
        {
            _matches.RemoveAll(m => Math.Abs(((_route.Path.BearingAt(m.Offset) - heading + 540) % 360) - 180) > 90);
        }

        if (_matches.Count == 0)
        {
            return null;
        }

        var best = _matches.Min(m => m.DistanceMeters);
        return _matches.First(m => m.DistanceMeters <= best + RoutePath.TieMeters).Offset;
    }

    private bool IsStill(TrackedFix fix, double offset, int index)
    {
        if (fix.SpeedMps is { } speed)
        {
            return speed <= _options.StationaryMps;
        }

        // No speed reported: the rate along the path since a fix at least 10 s earlier.
        for (var i = index - 1; i >= 0; i--)
        {
            var seconds = (fix.Time - _history[i].Time).TotalSeconds;
            if (seconds >= 10)
            {
                return Math.Abs(offset - _history[i].Offset) / seconds <= _options.StationaryMps * 1.5;
            }
        }

        return false;
    }

    private bool AtFacility(GeoPoint position)
    {
        foreach (var facility in _options.Facilities)
        {
            if (GeoPoint.DistanceMeters(position, facility) <= _options.FacilityRadiusMeters)
            {
                return true;
            }
        }

        return false;
    }

    private void NoteOffRoute(TrackedFix fix, bool atFacility, List<TrackingEvent> events)
    {
        _stillSince = null;
        if (atFacility && !_offRouteReported)
        {
            _offRouteSince = fix.Time; // unloading is not an anomaly: the clock starts again when it leaves
            return;
        }

        _offRouteSince ??= fix.Time;
        if (!_offRouteReported && fix.Time - _offRouteSince >= _options.OffRouteAfter)
        {
            _offRouteReported = true;
            events.Add(new TrackingEvent(TrackingEventKind.OffRoute, _offRouteSince.Value, Detail: $"off route since {_offRouteSince:HH:mm:ss}"));
        }
    }

    private void NoteOnRoute(Observation observation, List<TrackingEvent> events)
    {
        if (_offRouteReported)
        {
            events.Add(new TrackingEvent(TrackingEventKind.BackOnRoute, observation.Time));
        }

        (_offRouteSince, _offRouteReported) = (null, false);
        if (!observation.Still)
        {
            (_stillSince, _longStopReported) = (null, false);
            return;
        }

        _stillSince ??= observation.Time;
        if (!_longStopReported && observation.Time - _stillSince >= _options.LongStopAfter)
        {
            _longStopReported = true;
            LongStops++;
            events.Add(new TrackingEvent(TrackingEventKind.LongStop, _stillSince.Value, Detail: $"standing since {_stillSince:HH:mm:ss}"));
        }
    }
}
