namespace WasteNotify.Core.Tracking;

/// <summary>
/// Stops decided from the path between fixes, for trackers that report every 15 to 120 s, where a short collection
/// falls between two fixes and a stop is often seen by one still fix or none.
/// </summary>
/// <remarks>
/// A stretch runs from one moving fix to the next one in time, with the still fixes between them. What the stretch
/// took beyond driving it at the truck's speed is time it stood somewhere: at the places its still fixes show (their
/// spell, plus an equal share of the rest) and at the stops on the stretch no fix was at (the same share each). A stop
/// with a still fix is served when its standing comes to <see cref="TrackerOptions.MinDwell"/>; a stop without one
/// when its share comes to <see cref="TrackerOptions.InferredMinDwell"/> (red lights and braking also take time, so
/// the bar is higher); otherwise it was passed, at the time interpolated at its offset, and is skipped by the usual
/// rule once a later stop is served. Stops decided so say so ("inferred ..."). At one fix a second every stop is
/// seen by the fixes standing at it and none of this decides anything; across a dropout, or while the truck was
/// away from its path, nothing is inferred until late fixes have had time to come.
/// </remarks>
public sealed partial class RunTracker
{
    private readonly RollingSamples _intervals = new(15);
    private readonly RollingSamples _speeds = new(31);
    private readonly RollingSamples _paces = new(31);
    private readonly List<(DateTimeOffset From, DateTimeOffset To)> _unsettled = [];
    private readonly List<Place> _places = [];

    /// <summary>The usual time between fixes, in seconds: the median of the latest gaps between consecutive ones.</summary>
    public double TypicalIntervalSeconds => _intervals.Count > 0 ? Math.Max(1, _intervals.Quantile(0.5)) : 1;

    /// <summary>
    /// The speed the truck drives at between stops, by its latest reported speeds while moving or, from trackers that
    /// report none, the pace between its moving fixes (which stops and lights only slow: a high quantile of it).
    /// </summary>
    public double DrivingMps => Math.Clamp(
        _speeds.Count >= 5 ? _speeds.Quantile(0.5) : _paces.Count >= 5 ? _paces.Quantile(0.5) : _options.DrivingMps,
        2 * _options.StationaryMps,
        _options.MaxSpeedMps);

    /// <summary>The longest gap between two still fixes that still counts as standing there.</summary>
    private TimeSpan DwellCredit => TimeSpan.FromSeconds(Math.Max(_options.MaxDwellCredit.TotalSeconds, _options.GapFactor * TypicalIntervalSeconds));

    private void NoteRates(TrackedFix fix, int index)
    {
        var observation = _history[index];
        if (index > 0 && index == _history.Count - 1 && !observation.Rejoined)
        {
            var previous = _history[index - 1];
            var gap = (observation.Time - previous.Time).TotalSeconds;
            _intervals.Add(gap);
            if (fix.SpeedMps is null && !observation.Still && !previous.Still && observation.Offset > previous.Offset)
            {
                _paces.Add((observation.Offset - previous.Offset) / gap);
            }
        }

        if (fix.SpeedMps is { } speed && speed >= 2 * _options.StationaryMps)
        {
            _speeds.Add(speed);
        }
    }

    /// <summary>Fixes closer together than this place an arrival well enough by the first one standing at the stop.</summary>
    private static readonly TimeSpan DenseFixes = TimeSpan.FromSeconds(10);

    /// <summary>
    /// When the truck reached stop <paramref name="k"/>, first seen standing there at <paramref name="firstStill"/>:
    /// with sparse fixes, from the fix before, driving on at its speed (or, when it stood elsewhere then, halfway).
    /// </summary>
    private DateTimeOffset ArrivalBefore(int k, DateTimeOffset firstStill)
    {
        var i = InsertionIndex(firstStill) - 1;
        var gap = i < 0 ? TimeSpan.Zero : firstStill - _history[i].Time;
        if (gap <= DenseFixes || gap.TotalSeconds > _options.GapFactor * TypicalIntervalSeconds)
        {
            return firstStill; // dense fixes, or a dropout whose late fixes are yet to come
        }

        var previous = _history[i];
        var offset = _route.StopOffsets[k];
        if (previous.Rejoined || (previous.Still && Math.Abs(previous.Offset - offset) <= _options.StopRadiusMeters))
        {
            return firstStill; // back from away, or already standing by the stop (waiting its turn): no better guess
        }

        var earliest = previous.Time + TimeSpan.FromSeconds(Math.Max(0, offset - previous.Offset) / DrivingMps);
        if (earliest >= firstStill)
        {
            return firstStill;
        }

        return previous.Still ? earliest + ((firstStill - earliest) / 2) : earliest;
    }

    /// <summary>Decides what the stretches through the observation at <paramref name="index"/> show, now or once late fixes have had their time.</summary>
    private void InferAround(int index, List<TrackingEvent> events)
    {
        if (_history[index].Still)
        {
            Consider(PreviousMoving(index), NextMoving(index), events);
        }
        else
        {
            Consider(PreviousMoving(index), index, events);
            Consider(index, NextMoving(index), events);
        }
    }

    /// <summary>Infers the stretches whose late fixes have had their time (all of them when the run finishes).</summary>
    private void SettleStretches(bool all, List<TrackingEvent> events)
    {
        for (var i = _unsettled.Count - 1; i >= 0; i--)
        {
            var (from, to) = _unsettled[i];
            if (!all && Watermark!.Value - to < _options.SkipDecisionDelay)
            {
                continue;
            }

            _unsettled.RemoveAt(i);
            var a = InsertionIndex(from);
            var b = InsertionIndex(to);
            if (a < _history.Count && b < _history.Count && _history[a].Time == from && _history[b].Time == to && NextMoving(a) == b)
            {
                Infer(a, b, events); // else late fixes split it, and its parts were considered as they came
            }
        }
    }

    private void Consider(int a, int b, List<TrackingEvent> events)
    {
        if (a < 0 || b < 0)
        {
            return;
        }

        var ordinary = _options.GapFactor * TypicalIntervalSeconds;
        var dropout = false;
        for (var i = a + 1; i <= b; i++)
        {
            if (_history[i].Rejoined)
            {
                return; // it was away from its path in between: where it stood says nothing about the stops
            }

            dropout |= (_history[i].Time - _history[i - 1].Time).TotalSeconds > ordinary;
        }

        if (dropout && Watermark!.Value - _history[b].Time < _options.SkipDecisionDelay)
        {
            // Late fixes from the dropout may yet come and show what happened: decide then.
            if (!_unsettled.Contains((_history[a].Time, _history[b].Time)))
            {
                _unsettled.Add((_history[a].Time, _history[b].Time));
            }

            return;
        }

        Infer(a, b, events);
    }

    private int PreviousMoving(int index)
    {
        for (var i = index - 1; i >= 0; i--)
        {
            if (!_history[i].Still)
            {
                return i;
            }
        }

        return -1;
    }

    private int NextMoving(int index)
    {
        for (var i = index + 1; i < _history.Count; i++)
        {
            if (!_history[i].Still)
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>The stretch from the moving fix at <paramref name="a"/> to the next one, at <paramref name="b"/>.</summary>
    private void Infer(int a, int b, List<TrackingEvent> events)
    {
        var (from, to) = (_history[a], _history[b]);
        if (to.Offset <= from.Offset || !Started)
        {
            return;
        }

        var radius = _options.StopRadiusMeters;
        var speed = DrivingMps;
        for (var i = a + 1; i <= b; i++)
        {
            // It drove each part of the stretch at least this fast: a slower estimate would make up standing time.
            var part = (_history[i].Time - _history[i - 1].Time).TotalSeconds;
            speed = part > 0 ? Math.Max(speed, Math.Min(_options.MaxSpeedMps, (_history[i].Offset - _history[i - 1].Offset) / part)) : speed;
        }

        _places.Clear();

        // Where its still fixes put it: at a stop (the nearest within the radius) or elsewhere (a light, traffic).
        var seen = 0.0;
        for (var i = a + 1; i < b; i++)
        {
            var still = _history[i];
            var stop = NearestStop(still.Offset, radius);
            var at = stop >= 0 ? _route.StopOffsets[stop] : still.Offset;
            var place = _places.FindIndex(p => p.Seen && (stop >= 0 ? p.Stop == stop : p.Stop < 0 && Math.Abs(p.Offset - at) <= radius));
            if (place < 0)
            {
                _places.Add(new Place(stop, at, true, still.Time, still.Time));
            }
            else
            {
                _places[place] = _places[place] with { Last = still.Time };
            }
        }

        foreach (var place in _places)
        {
            seen += (place.Last - place.First).TotalSeconds;
        }

        // The stops on the stretch no fix stood at (one place for stops a truck serves from one spot), with those
        // within the radius of either end: a fix that moves off slowly from a stop may have just left it.
        var (first, end) = _route.StopsBetween(from.Offset - radius, to.Offset + radius);
        for (var k = first; k < end; k++)
        {
            var offset = _route.StopOffsets[k];
            if (_stops[k].Status == StopStatus.Served || _places.Exists(p => p.Seen && p.Stop >= 0 && Math.Abs(p.Offset - offset) <= radius))
            {
                continue;
            }

            if (_places.Count > 0 && _places[^1] is { Seen: false } last && offset - last.Offset <= 2 * radius)
            {
                continue; // served with the previous one, or passed with it
            }

            _places.Add(new Place(k, offset, false, default, default));
        }

        if (_places.Count == 0)
        {
            return;
        }

        _places.Sort((x, y) => x.Offset.CompareTo(y.Offset));
        var took = (to.Time - from.Time).TotalSeconds;
        var share = Math.Max(0, took - ((to.Offset - from.Offset) / speed) - seen) / _places.Count;
        var clock = from.Time;
        var position = from.Offset;
        foreach (var place in _places)
        {
            var reached = clock + TimeSpan.FromSeconds(Math.Max(0, place.Offset - position) / speed);
            position = Math.Max(position, place.Offset);
            if (place.Seen)
            {
                // One still fix shows no dwell by itself (two or more are the usual rule's evidence): with its share.
                var standing = (place.Last - place.First).TotalSeconds + share;
                if (place.Stop >= 0 && place.First == place.Last && standing >= _options.MinDwell.TotalSeconds)
                {
                    var arrival = reached < place.First ? reached : place.First;
                    ServeInferred(place.Stop, arrival, place.Last + TimeSpan.FromSeconds(share / 2), to.Time,
                        $"inferred: seen standing there, about {standing:F0} s by the stretch's time", events);
                }

                clock = (reached > place.Last ? reached : place.Last) + TimeSpan.FromSeconds(share / 2);
                continue;
            }

            var served = share >= _options.InferredMinDwell.TotalSeconds;
            var (group, groupEnd) = _route.StopsBetween(place.Offset, place.Offset + (2 * radius));
            for (var k = Math.Max(group, place.Stop); k < groupEnd && k < end; k++)
            {
                if (_stops[k].Status == StopStatus.Served)
                {
                    continue;
                }

                if (served)
                {
                    ServeInferred(k, reached, reached + TimeSpan.FromSeconds(share), to.Time,
                        $"inferred: no fix there, the stretch took {share:F0} s more than driving it", events);
                }
                else
                {
                    // Driven through: at the time its offset is between the stretch's ends (the same, whatever order
                    // the fixes came in, once they all have).
                    var along = Math.Clamp((_route.StopOffsets[k] - from.Offset) / (to.Offset - from.Offset), 0, 1);
                    _stops[k].PassedAt = from.Time + ((to.Time - from.Time) * along);
                }
            }

            clock = reached + TimeSpan.FromSeconds(served ? share : 0);
        }
    }

    private int NearestStop(double offset, double radius)
    {
        var (first, end) = _route.StopsBetween(offset - radius, offset + radius);
        var best = -1;
        for (var k = first; k < end; k++)
        {
            if (best < 0 || Math.Abs(_route.StopOffsets[k] - offset) < Math.Abs(_route.StopOffsets[best] - offset))
            {
                best = k;
            }
        }

        return best;
    }

    private void ServeInferred(int k, DateTimeOffset arrival, DateTimeOffset departure, DateTimeOffset departureSeen, string detail, List<TrackingEvent> events)
    {
        ref var stop = ref _stops[k];
        if (stop.Status == StopStatus.Served)
        {
            return;
        }

        var reversed = stop.Status == StopStatus.Skipped;
        stop.Status = StopStatus.Served;
        stop.Arrival = arrival;
        stop.Departed = true;
        stop.DepartedAt = departure < arrival ? arrival : departure;
        stop.DepartureSeen = departureSeen;
        stop.Near = null;
        events.Add(new TrackingEvent(TrackingEventKind.Arrived, arrival, k + 1, detail));
        events.Add(new TrackingEvent(TrackingEventKind.Served, arrival, k + 1, reversed ? $"served after all ({detail}): it was reported skipped" : detail));
        events.Add(new TrackingEvent(TrackingEventKind.Departed, stop.DepartedAt.Value, k + 1));
        _lastServed = Math.Max(_lastServed, k);
        AdvanceFirstPending();
    }

    /// <summary>Where a truck stood (or may have) on a stretch: a stop, or elsewhere (<see cref="Stop"/> -1); seen there by still fixes or not.</summary>
    private readonly record struct Place(int Stop, double Offset, bool Seen, DateTimeOffset First, DateTimeOffset Last);
}
