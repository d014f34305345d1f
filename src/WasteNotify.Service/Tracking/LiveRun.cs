using WasteNotify.Core.Prediction;
using WasteNotify.Core.Streets;
using WasteNotify.Core.Telemetry;
using WasteNotify.Core.Tracking;

namespace WasteNotify.Service.Tracking;

/// <summary>Buffers the ETA refresh of every run shares (tracking is one loop): sized to the longest route seen.</summary>
internal sealed class EtaScratch
{
    public float[] Rows { get; private set; } = [];

    public UpcomingStop[] Stops { get; private set; } = [];

    public EtaSeconds[] Etas { get; private set; } = [];

    public void Ensure(int stops)
    {
        if (Stops.Length < stops)
        {
            (Rows, Stops, Etas) = (new float[stops * EtaFeatures.Count], new UpcomingStop[stops], new EtaSeconds[stops]);
        }
    }
}

/// <summary>The serving model with its version; null while none is promoted.</summary>
internal sealed record ServingModel(IArrivalModel Model, int Version);

/// <summary>
/// One run being followed: its tracker, what it decided that is not stored yet, and its latest predictions. Only the
/// tracking loop touches it.
/// </summary>
internal sealed class LiveRun
{
    private readonly StopDecision?[] _decided;
    private readonly HashSet<int> _dirtyStops = [];
    private readonly List<TrackingEvent> _pending = [];
    private readonly List<(string Kind, int Sequence, DateTimeOffset At, string? Detail)> _stored = [];

    /// <summary>The latest ETAs of the stops still to come, in stop order.</summary>
    private StopEta[] _upcoming = [];

    public LiveRun(RunRow row, RunTracker tracker, EtaFeatures features, IEnumerable<StopDecision> decided)
    {
        (Row, Tracker, Features) = (row, tracker, features);
        _decided = new StopDecision?[tracker.Route.StopCount];
        foreach (var stop in decided.Where(s => s.Sequence <= _decided.Length))
        {
            _decided[stop.Sequence - 1] = stop;
            tracker.Restore(stop.Sequence, stop.Status == "served" ? StopStatus.Served : StopStatus.Skipped, stop.ArrivedAt, stop.DepartedAt is not null);
        }

        tracker.Restore(row.StartedAt, row.Status == "finished");
        FinishedAt = row.FinishedAt;
    }

    public RunRow Row { get; }

    public RunTracker Tracker { get; }

    public EtaFeatures Features { get; }

    public long Id => Row.Id;

    public DateTimeOffset? FinishedAt { get; private set; }

    public GeoPoint? Position { get; private set; }

    public DateTimeOffset? LastFixAt { get; private set; }

    /// <summary>The latest fix time a GPS-silent anomaly was raised for (one per silence).</summary>
    public DateTimeOffset? SilentReportedFor { get; set; }

    public bool NotStartedReported { get; set; }

    public DateTimeOffset? LastLogged { get; set; }

    /// <summary>When every stop still to come was last predicted (the nearer ones are on every fix).</summary>
    private DateTimeOffset? RefreshedAll { get; set; }

    public RunSnapshot? Snapshot { get; private set; }

    /// <summary>How many stops the latest refresh predicted (the others kept their ETAs).</summary>
    public int Predicted { get; private set; }

    public bool HasUnstored => _dirtyStops.Count > 0 || _stored.Count > 0 || RunStateDirty;

    private bool RunStateDirty { get; set; }

    /// <summary>Takes a fix; returns the events it decided (also kept until stored).</summary>
    public ReadOnlySpan<TrackingEvent> Observe(TrackedFix fix)
    {
        _pending.Clear();
        Tracker.Observe(fix, _pending);
        if (LastFixAt is null || fix.Time > LastFixAt)
        {
            (LastFixAt, Position) = (fix.Time, fix.Position);
        }

        foreach (var e in _pending)
        {
            Apply(e);
        }

        return System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_pending);
    }

    public static TrackedFix Tracked(TelemetryFix fix) =>
        new(fix.Timestamp, new GeoPoint(fix.Latitude, fix.Longitude), fix.SpeedMetersPerSecond, fix.HeadingDegrees);

    /// <summary>An anomaly the wall clock found (the tracker's clock cannot see silence).</summary>
    public void Report(string kind, DateTimeOffset at, string detail) => _stored.Add((kind, 0, at, detail));

    private void Apply(TrackingEvent e)
    {
        _stored.Add((Kind(e.Kind), e.StopSequence, e.At, e.Detail));
        if (e.IsStopEvent)
        {
            var k = e.StopSequence - 1;
            var building = Tracker.Route.BuildingIds[k];
            var current = _decided[k] ?? new StopDecision(e.StopSequence, building, "served", null, null);
            _decided[k] = e.Kind switch
            {
                TrackingEventKind.Arrived => current with { ArrivedAt = e.At },
                TrackingEventKind.Served => current with { Status = "served" },
                TrackingEventKind.Departed => current with { DepartedAt = e.At },
                TrackingEventKind.Skipped => current with { Status = "skipped", ArrivedAt = null, DepartedAt = null },
                _ => current,
            };
            _dirtyStops.Add(k);
        }
        else if (e.Kind is TrackingEventKind.Started or TrackingEventKind.Finished)
        {
            FinishedAt = e.Kind == TrackingEventKind.Finished ? e.At : FinishedAt;
            RunStateDirty = true;
        }
    }

    /// <summary>Adds what is not stored yet to a batch; <see cref="Stored"/> once the batch committed.</summary>
    public void AddUnstored(Npgsql.NpgsqlBatch batch)
    {
        foreach (var k in _dirtyStops)
        {
            if (_decided[k] is { } stop)
            {
                RunRecords.AddStop(batch, Id, stop);
            }
        }

        foreach (var (kind, sequence, at, detail) in _stored)
        {
            RunRecords.AddEvent(batch, Id, kind, sequence, at, detail);
        }

        if (RunStateDirty)
        {
            RunRecords.AddRunState(batch, Id, Status, Tracker.StartedAt, FinishedAt);
        }
    }

    public void Stored()
    {
        _dirtyStops.Clear();
        _stored.Clear();
        RunStateDirty = false;
    }

    public string Status => Tracker.Finished ? "finished" : Tracker.Started ? "started" : "planned";

    /// <summary>
    /// Predicts the arrival at the stops still to come as of the latest fix (or the planned start before any), with
    /// the model once the route has <see cref="TrackingOptions.ModelAfterRuns"/> recorded runs, else the physics baseline; logs
    /// them for evaluation when <paramref name="log"/> is given and a logging interval has passed. <paramref name="now"/>
    /// is the fleet's clock, which the open anomalies (silent, not started) are judged by. Only the stops the latest
    /// prediction put within <see cref="TrackingOptions.RefreshNearWithin"/> are predicted again, unless
    /// <see cref="TrackingOptions.RefreshAllEvery"/> has passed, the predictor changed or predictions are to be logged:
    /// the farther ones keep their ETAs meanwhile, which a minute changes little and costs most of the work.
    /// </summary>
    public RunSnapshot Refresh(EtaScratch scratch, ServingModel? serving, PhysicsOptions physics, TrackingOptions options,
        DateTimeOffset now, List<LoggedPrediction>? log)
    {
        var route = Tracker.Route;
        scratch.Ensure(route.StopCount);
        var madeAt = Tracker.Watermark ?? Row.PlannedStart;
        var useModel = serving is not null && Features.History.Runs >= options.ModelAfterRuns;
        var predictor = useModel ? Predictors.Model : Predictors.Physics;
        var logging = log is not null && Tracker.Started && (LastLogged is not { } last || madeAt - last >= options.LogPredictionsEvery);
        var previous = _upcoming;
        var near = previous.Length;
        if (!logging && Snapshot?.Predictor == predictor && RefreshedAll is { } all && madeAt - all < options.RefreshAllEvery)
        {
            near = 0;
            while (near < previous.Length && previous[near].Eta - madeAt <= options.RefreshNearWithin)
            {
                near++;
            }

            near++; // and the first beyond, which may have come within since
        }
        else
        {
            (near, RefreshedAll) = (scratch.Stops.Length, madeAt);
        }

        var room = Math.Min(near, scratch.Stops.Length);
        var count = Tracker.Finished ? 0 : Features.Build(Tracker, madeAt, Row.PlannedStart, scratch.Rows.AsSpan(0, room * EtaFeatures.Count), scratch.Stops.AsSpan(0, room));
        if (useModel)
        {
            serving!.Model.Predict(scratch.Rows, count, scratch.Etas);
        }
        else
        {
            for (var i = 0; i < count; i++)
            {
                scratch.Etas[i] = Predictors.Fixed(scratch.Stops[i].PhysicsSeconds, physics);
            }
        }

        Predicted = count;

        // The stops predicted now, then the farther ones as last predicted (those still to come).
        var lastPredicted = count > 0 ? scratch.Stops[count - 1].Stop + 1 : int.MaxValue;
        var from = count < room || Tracker.Finished ? previous.Length : LowerBound(previous, lastPredicted + 1);
        var kept = 0;
        for (var i = from; i < previous.Length; i++)
        {
            kept += Tracker.Status(previous[i].Sequence - 1) == StopStatus.Pending ? 1 : 0;
        }

        var upcoming = new StopEta[count + kept];
        for (var i = 0; i < count; i++)
        {
            var (stop, eta) = (scratch.Stops[i].Stop, scratch.Etas[i]);
            upcoming[i] = new StopEta(stop + 1, route.BuildingIds[stop], madeAt.AddSeconds(eta.Eta), madeAt.AddSeconds(eta.Early), madeAt.AddSeconds(eta.Late));
        }

        for (int i = from, j = count; i < previous.Length; i++)
        {
            if (Tracker.Status(previous[i].Sequence - 1) == StopStatus.Pending)
            {
                upcoming[j++] = previous[i];
            }
        }

        _upcoming = upcoming;
        if (logging)
        {
            LastLogged = madeAt;
            Log(log!, madeAt, _upcoming, scratch, count, predictor, physics, options.LogPredictionsAhead);
        }

        Snapshot = new RunSnapshot(Id, Row.RouteId, Row.TruckId, Row.ServiceDate, Row.PlannedStart, Status, Tracker.StartedAt, LastFixAt,
            Position?.Latitude, Position?.Longitude, Tracker.Latest?.Offset, route.Path.Length, madeAt, predictor, useModel ? serving!.Version : null,
            _upcoming, [.. _decided.OfType<StopDecision>()], Anomalies(now, options),
            _upcoming.Length > 0 ? Math.Round((_upcoming[0].Eta - Planned(_upcoming[0].Sequence, physics)).TotalSeconds) : null);
        return Snapshot;
    }

    /// <summary>When the plan has the truck at stop <paramref name="sequence"/>: physics from the planned start at the path's start.</summary>
    private DateTimeOffset Planned(int sequence, PhysicsOptions physics) =>
        Row.PlannedStart.AddSeconds((Tracker.Route.StopOffsets[sequence - 1] / physics.TypicalSpeedMps) + (physics.DwellSeconds * (sequence - 1)));

    /// <summary>The index of the first ETA of a stop at or after <paramref name="sequence"/> (they are in stop order).</summary>
    private static int LowerBound(StopEta[] etas, int sequence)
    {
        int lo = 0, hi = etas.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            (lo, hi) = etas[mid].Sequence < sequence ? (mid + 1, hi) : (lo, mid);
        }

        return lo;
    }

    /// <summary>The latest snapshot with its open anomalies judged again at <paramref name="now"/>; its ETAs have not changed since its fix.</summary>
    public RunSnapshot Reassess(DateTimeOffset now, TrackingOptions options) => Snapshot = Snapshot! with { Anomalies = Anomalies(now, options) };

    private void Log(List<LoggedPrediction> log, DateTimeOffset madeAt, StopEta[] upcoming, EtaScratch scratch, int count, string predictor,
        PhysicsOptions physics, TimeSpan ahead)
    {
        for (var i = 0; i < count; i++)
        {
            var physicsSeconds = scratch.Stops[i].PhysicsSeconds;
            if (physicsSeconds > ahead.TotalSeconds && upcoming[i].Eta - madeAt > ahead)
            {
                continue;
            }

            var u = upcoming[i];
            log.Add(new LoggedPrediction(Id, u.Sequence, madeAt, predictor, u.Eta, u.Early, u.Late));
            if (predictor != Predictors.Physics)
            {
                log.Add(Logged(u.Sequence, madeAt, Predictors.Physics, Predictors.Fixed(physicsSeconds, physics)));
            }

            log.Add(Logged(u.Sequence, madeAt, Predictors.Naive, Predictors.Fixed(scratch.Stops[i].NaiveSeconds, physics)));
            if (!float.IsNaN(scratch.Stops[i].HistoricalSeconds))
            {
                log.Add(Logged(u.Sequence, madeAt, Predictors.Historical, Predictors.Fixed(scratch.Stops[i].HistoricalSeconds, physics)));
            }
        }
    }

    private LoggedPrediction Logged(int sequence, DateTimeOffset madeAt, string predictor, EtaSeconds eta) =>
        new(Id, sequence, madeAt, predictor, madeAt.AddSeconds(eta.Eta), madeAt.AddSeconds(eta.Early), madeAt.AddSeconds(eta.Late));

    private List<string> Anomalies(DateTimeOffset now, TrackingOptions options)
    {
        var anomalies = new List<string>();
        if (Tracker.Finished)
        {
            return anomalies;
        }

        if (Tracker.OffRouteSince is { } off && Tracker.Watermark - off >= options.OffRouteAfter)
        {
            anomalies.Add($"off route since {off:O}");
        }

        if (Tracker.StillSince is { } still && Tracker.Watermark - still >= options.LongStopAfter)
        {
            anomalies.Add($"standing since {still:O}");
        }

        if (Tracker.Started && LastFixAt is { } lastFix && now - lastFix >= options.SilentAfter)
        {
            anomalies.Add($"no GPS fix since {lastFix:O}");
        }

        if (!Tracker.Started && now - Row.PlannedStart >= options.NotStartedAfter)
        {
            anomalies.Add($"not started (planned {Row.PlannedStart:O})");
        }

        return anomalies;
    }

    /// <summary>An event kind as stored: off_route, long_stop, ...</summary>
    public static string Kind(TrackingEventKind kind) => kind switch
    {
        TrackingEventKind.OffRoute => "off_route",
        TrackingEventKind.BackOnRoute => "back_on_route",
        TrackingEventKind.LongStop => "long_stop",
        _ => kind.ToString().ToLowerInvariant(),
    };
}
