using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Npgsql;
using WasteNotify.Core.City;
using WasteNotify.Core.Prediction;
using WasteNotify.Core.Telemetry;
using WasteNotify.Core.Tracking;
using WasteNotify.Service.City;
using WasteNotify.Service.Data;

namespace WasteNotify.Service.Tracking;

/// <summary>
/// Follows every truck along its run by event time and keeps the arrival predictions of its stops to come.
/// </summary>
/// <remarks>
/// Tracking takes fixes once they are stored, so that what it decided can always be decided again: after a crash the
/// run's recorded decisions are restored and its stored fixes replayed through a fresh tracker, which decides the
/// same things at the same event times; decisions are upserted per stop and events keyed by their event time, so a
/// replay stores nothing twice and loses nothing. One loop owns all run state; the API reads immutable snapshots.
/// Wall-clock anomalies (GPS silent, not started by the planned time) are checked every <c>CheckEvery</c>.
/// </remarks>
public sealed partial class TrackingService(
    NpgsqlDataSource db,
    DatabaseMigrator migrator,
    CityMap cityMap,
    RunScheduler scheduler,
    ArrivalModelLoader loadModel,
    LiveRuns live,
    FleetClock fleet,
    [FromKeyedServices(PipelineLinks.StoredFixes)] StageChannel<IReadOnlyList<TelemetryFix>> stored,
    IOptions<TrackingOptions> options,
    TimeProvider time,
    ILogger<TrackingService> logger) : BackgroundService
{
    private const int MaxUnstoredPredictions = 200_000;
    private static readonly TimeSpan MaxFlushRetry = TimeSpan.FromSeconds(10);

    private readonly TrackingOptions _options = options.Value;
    private readonly PhysicsOptions _physics = options.Value.Physics();
    private readonly Wakeup _wake = new(time);
    private readonly ConcurrentQueue<long> _cancelled = new();
    private readonly Dictionary<long, LiveRun> _runs = [];
    private readonly Dictionary<string, LiveRun> _runOfTruck = new(StringComparer.Ordinal);
    private readonly HashSet<long> _finished = [];
    private readonly Dictionary<string, DateTimeOffset> _noRunUntil = new(StringComparer.Ordinal);
    private readonly Dictionary<long, DateTimeOffset> _unusableUntil = [];
    private readonly List<LoggedPrediction> _predictions = [];
    private readonly EtaScratch _scratch = new();
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TrackerOptions _tracker = new();
    private ServingModel? _serving;
    private DateTimeOffset _flushAfter;
    private TimeSpan _flushBackoff = TimeSpan.FromMilliseconds(250);
    private long _untracked;
    private long _observed;

    /// <summary>Completes once the runs open at start-up are rebuilt from the database.</summary>
    public Task Ready => _ready.Task;

    /// <summary>Fixes observed so far, and those of trucks with no run to follow.</summary>
    public (long Observed, long Untracked) Counts => (Interlocked.Read(ref _observed), Interlocked.Read(ref _untracked));

    /// <summary>The version of the model serving predictions, or null while the physics baseline serves alone.</summary>
    public int? ModelVersion => _serving?.Version;

    /// <summary>Stops following a run the API has marked cancelled (never blocks; the loop drops it).</summary>
    public void Cancel(long runId)
    {
        _cancelled.Enqueue(runId);
        _wake.Set();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await StartUpAsync(stoppingToken);
            var reader = stored.Reader;
            var nextCheck = time.GetUtcNow();
            while (!stoppingToken.IsCancellationRequested)
            {
                if (!reader.TryPeek(out _) && _cancelled.IsEmpty)
                {
                    await _wake.WaitAsync(nextCheck - time.GetUtcNow(), stoppingToken, reader.WaitToReadAsync);
                }

                while (reader.TryRead(out var fixes))
                {
                    foreach (var fix in fixes)
                    {
                        await ObserveAsync(fix, stoppingToken);
                    }
                }

                while (_cancelled.TryDequeue(out var cancelled))
                {
                    Forget(cancelled);
                }

                if (time.GetUtcNow() >= nextCheck)
                {
                    await WatchAsync(stoppingToken);
                    nextCheck = time.GetUtcNow() + _options.CheckEvery;
                }

                await FlushAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }

        // What was decided but not stored yet: one last try (a crash loses it too, and the replay decides it again).
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(5), time);
        _flushAfter = default;
        try
        {
            await FlushAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task StartUpAsync(CancellationToken ct)
    {
        var retry = DatabaseRetry.Create(time, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30), (ex, delay) => Log.StartFailed(logger, ex.Message, delay));
        await retry.ExecuteAsync(async token =>
        {
            await migrator.EnsureAsync(token);
            var city = await cityMap.GetAsync(token);
            _tracker = _options.Tracker(city.Facilities);
            await LoadModelAsync(token);
            await ActivateOpenRunsAsync(token);
        }, ct);
        _ready.TrySetResult();
        Log.Started(logger, _runs.Count, _serving?.Version);
    }

    private DateOnly LocalDate(DateTimeOffset at) => scheduler.Zone.DateAt(at);

    /// <summary>
    /// Follows the open runs of the fleet's day (and the day before's still under way), so that they have ETAs before
    /// their truck moves and are reported when it does not.
    /// </summary>
    private async Task ActivateOpenRunsAsync(CancellationToken ct)
    {
        var today = LocalDate(EventNow());
        foreach (var run in await RunRecords.OpenRunsAsync(db, today.AddDays(-1), today, null, ct))
        {
            if ((run.ServiceDate == today || run.Status == "started") && !_runs.ContainsKey(run.Id) && Followable(run.Id)
                && !_runOfTruck.ContainsKey(run.TruckId))
            {
                await ActivateAsync(run, receivedBefore: null, ct);
            }
        }
    }

    private async Task ObserveAsync(TelemetryFix fix, CancellationToken ct)
    {
        Interlocked.Increment(ref _observed);
        LiveRun? run;
        try
        {
            run = await RunOfAsync(fix, ct);
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
        {
            // The fix is stored: the run's replay takes it once the database answers again.
            Log.ActivateFailed(logger, fix.TruckId, ex.Message);
            run = null;
        }

        if (run is null)
        {
            Interlocked.Increment(ref _untracked);
            return;
        }

        fleet.Observe(fix.Timestamp);

        Guarded(run, r =>
        {
            var events = r.Observe(LiveRun.Tracked(fix)).ToArray();
            live.Publish(Refresh(r, _predictions.Count < MaxUnstoredPredictions ? _predictions : null), events, EventNow(), fix.ReceivedAt);
        });
    }

    private RunSnapshot Refresh(LiveRun run, List<LoggedPrediction>? log) => run.Refresh(_scratch, _serving, _physics, _options, EventNow(), log);

    /// <summary>
    /// A bulkhead: a fault in one run must not stop every truck being followed. The run is dropped and rebuilt from the
    /// database later (what it had decided and not stored yet is decided again from the stored fixes).
    /// </summary>
    private void Guarded(LiveRun run, Action<LiveRun> work)
    {
        try
        {
            work(run);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Log.RunFailed(logger, run.Id, run.Row.TruckId, ex);
            Drop(run, TimeSpan.FromMinutes(1));
        }
    }

    /// <summary>The fleet's clock (<see cref="FleetClock"/>), which the anomalies that silence reveals are judged by.</summary>
    private DateTimeOffset EventNow() => fleet.Now;

    /// <summary>Not finished here, and not given up on for now.</summary>
    private bool Followable(long runId) =>
        !_finished.Contains(runId) && (!_unusableUntil.TryGetValue(runId, out var until) || time.GetUtcNow() >= until);

    private void Forget(long runId)
    {
        _finished.Add(runId);
        if (_runs.Remove(runId, out var run))
        {
            _runOfTruck.Remove(run.Row.TruckId);
        }

        live.End(runId, "cancelled", EventNow());
    }

    private void Drop(LiveRun run, TimeSpan retryAfter)
    {
        _runs.Remove(run.Id);
        _runOfTruck.Remove(run.Row.TruckId);
        _unusableUntil[run.Id] = time.GetUtcNow() + retryAfter;
    }

    /// <summary>The run a fix belongs to: its truck's first open run of the fix's local date (or one under way since the day before).</summary>
    private async Task<LiveRun?> RunOfAsync(TelemetryFix fix, CancellationToken ct)
    {
        var date = LocalDate(fix.Timestamp);
        if (_runOfTruck.TryGetValue(fix.TruckId, out var run)
            && (run.Row.ServiceDate == date || (run.Tracker.Started && fix.Timestamp - run.Row.PlannedStart < TimeSpan.FromHours(18))))
        {
            return run;
        }

        var now = time.GetUtcNow();
        if (_noRunUntil.TryGetValue(fix.TruckId, out var until) && now < until)
        {
            return null;
        }

        var next = (await RunRecords.OpenRunsAsync(db, date, date, fix.TruckId, ct)).FirstOrDefault(r => Followable(r.Id));
        if (next is null || await ActivateAsync(next, receivedBefore: fix.ReceivedAt, ct) is not { } activated)
        {
            _noRunUntil[fix.TruckId] = now + _options.CheckEvery;
            return null;
        }

        _noRunUntil.Remove(fix.TruckId);
        return activated;
    }

    /// <summary>
    /// Rebuilds a run from the database: its recorded decisions, then its stored fixes replayed by event time. When a
    /// live fix activates the run, only the fixes received before it are replayed: it and those after come in the order
    /// they were delivered, as they would have had the run been followed already (so the pace of delivery, which
    /// decides how many fixes one stored batch holds, cannot change what is decided).
    /// </summary>
    private async Task<LiveRun?> ActivateAsync(RunRow row, DateTimeOffset? receivedBefore, CancellationToken ct)
    {
        var city = await cityMap.GetAsync(ct);
        TrackedRoute? route;
        try
        {
            route = await RunRecords.RouteAsync(db, row.RouteId, city, ct);
        }
        catch (ArgumentException ex)
        {
            // One broken route must not stop the others being followed; the operator sees why in the log.
            Log.RouteUnusable(logger, row.Id, row.RouteId, ex.Message);
            _unusableUntil[row.Id] = time.GetUtcNow() + TimeSpan.FromMinutes(10);
            return null;
        }

        if (route is null)
        {
            Log.NoRoute(logger, row.Id, row.RouteId);
            _unusableUntil[row.Id] = time.GetUtcNow() + TimeSpan.FromMinutes(10);
            return null;
        }

        if (_runOfTruck.Remove(row.TruckId, out var previous))
        {
            // The truck moved on to its next run without the previous one finishing (it never came back to the depot).
            _runs.Remove(previous.Id);
            Log.Superseded(logger, previous.Id, row.Id, row.TruckId);
        }

        var history = RouteHistory.Build(route.BuildingIds,
            await RunRecords.HistoryAsync(db, row.RouteId, row.PlannedStart, maxRuns: 8, ct), _physics.DwellSeconds);
        var run = new LiveRun(row, new RunTracker(route, _tracker), new EtaFeatures(history, _physics, scheduler.Zone),
            await RunRecords.StopsAsync(db, row.Id, ct));
        var from = await RunRecords.FixesFromAsync(db, row, scheduler.Zone, ct);
        var replayed = await RunRecords.FixesAsync(db, row.TruckId, from, to: null, receivedBefore, ct);
        foreach (var fix in replayed)
        {
            run.Observe(fix);
        }

        _runs[row.Id] = run;
        _runOfTruck[row.TruckId] = run;
        live.Publish(Refresh(run, log: null), [], EventNow());
        Log.Activated(logger, row.Id, row.RouteId, row.TruckId, replayed.Count, history.Runs);
        return run;
    }

    /// <summary>The periodic part: silent GPS, runs not started (by the fleet's clock), newly created runs, a newly promoted model.</summary>
    private async Task WatchAsync(CancellationToken ct)
    {
        var now = EventNow();
        var serving = _serving;
        try
        {
            await ActivateOpenRunsAsync(ct);
            if (await RunRecords.ServingModelAsync(db, _serving?.Version, ct) is { } promoted)
            {
                Use(promoted.Version, promoted.Model, promoted.Bands);
            }
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
        {
            Log.WatchFailed(logger, ex.Message);
        }

        foreach (var run in _runs.Values.ToList())
        {
            if (run.Tracker.Finished)
            {
                continue;
            }

            if (run.Tracker.Started && run.LastFixAt is { } lastFix && now - lastFix >= _options.SilentAfter && run.SilentReportedFor != lastFix)
            {
                run.SilentReportedFor = lastFix;
                run.Report("gps_silent", lastFix, $"no fix for {(now - lastFix).TotalMinutes:0} min");
                Log.Anomaly(logger, run.Id, run.Row.TruckId, "GPS silent");
            }

            if (!run.Tracker.Started && !run.NotStartedReported && now - run.Row.PlannedStart >= _options.NotStartedAfter)
            {
                run.NotStartedReported = true;
                run.Report("not_started", run.Row.PlannedStart, $"not started {(now - run.Row.PlannedStart).TotalMinutes:0} min after its planned start");
                Log.Anomaly(logger, run.Id, run.Row.TruckId, "not started");
            }

            // The ETAs change with a fix, or with a newly served model; the open anomalies with the clock.
            Guarded(run, r => live.Publish(_serving != serving ? Refresh(r, log: null) : r.Reassess(now, _options), [], now));
        }

        // Runs no longer followed (finished, superseded) stay readable for the rest of their day.
        var today = LocalDate(time.GetUtcNow());
        foreach (var snapshot in live.All().Where(s => s.ServiceDate < today && !_runs.ContainsKey(s.RunId)))
        {
            live.Remove(snapshot.RunId);
        }
    }

    private async Task LoadModelAsync(CancellationToken ct)
    {
        if (await RunRecords.ServingModelAsync(db, null, ct) is { } serving)
        {
            Use(serving.Version, serving.Model, serving.Bands);
        }
    }

    private void Use(int version, byte[] model, string bands)
    {
        try
        {
            _serving = new ServingModel(loadModel(model, bands), version);
            Log.ModelLoaded(logger, version);
        }
        catch (Exception ex) when (ex is System.Text.Json.JsonException or ArgumentException)
        {
            Log.ModelRefused(logger, version, ex.Message);
        }
    }

    /// <summary>Stores what runs decided and the predictions to log, in one transaction; on failure keeps them and retries.</summary>
    private async Task FlushAsync(CancellationToken ct)
    {
        var dirty = _runs.Values.Where(r => r.HasUnstored).ToList();
        if ((dirty.Count == 0 && _predictions.Count == 0) || time.GetUtcNow() < _flushAfter)
        {
            return;
        }

        try
        {
            await using var connection = await db.OpenConnectionAsync(ct);
            await using var tx = await connection.BeginTransactionAsync(ct);
            await using var batch = new NpgsqlBatch(connection, tx);
            foreach (var run in dirty)
            {
                run.AddUnstored(batch);
            }

            if (_predictions.Count > 0)
            {
                RunRecords.AddPredictions(batch, _predictions);
            }

            await batch.ExecuteNonQueryAsync(ct);
            await tx.CommitAsync(ct);
            dirty.ForEach(r => r.Stored());
            _predictions.Clear();
            _flushBackoff = TimeSpan.FromMilliseconds(250);
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
        {
            Log.FlushFailed(logger, dirty.Count, ex.Message);
            _flushAfter = time.GetUtcNow() + _flushBackoff;
            _flushBackoff = TimeSpan.FromTicks(Math.Min(_flushBackoff.Ticks * 2, MaxFlushRetry.Ticks));
            return;
        }

        foreach (var run in dirty.Where(r => r.Tracker.Finished))
        {
            _runs.Remove(run.Id);
            _runOfTruck.Remove(run.Row.TruckId);
            _finished.Add(run.Id);
            Log.Finished(logger, run.Id, run.Row.TruckId);
        }
    }
}
