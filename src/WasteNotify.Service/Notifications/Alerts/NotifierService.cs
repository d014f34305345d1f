using Microsoft.Extensions.Options;
using Npgsql;
using WasteNotify.Core.City;
using WasteNotify.Core.Notifications;
using WasteNotify.Service.City;
using WasteNotify.Service.Data;
using WasteNotify.Service.Tracking;

namespace WasteNotify.Service.Notifications;

/// <summary>
/// Decides the alerts: every run update tracking publishes is judged, building by building and subscriber by
/// subscriber, by the <see cref="AlertPolicy"/>; what it decides is stored with its SMS in one statement (the outbox),
/// then pushed live and handed to the dispatcher.
/// </summary>
/// <remarks>
/// Exactly once: the policy decides from the run's state, and the alerts' unique key refuses a second alert of a kind.
/// After a crash tracking rebuilds each run and publishes it again, so what was decided and not stored is decided
/// again; runs that ended meanwhile are swept from the database (collected, not today).
/// </remarks>
public sealed partial class NotifierService(
    NpgsqlDataSource db,
    DatabaseMigrator migrator,
    LiveRuns live,
    FleetClock fleet,
    [FromKeyedServices(PipelineLinks.RunUpdatesToNotifier)] StageChannel<RunUpdate> updates,
    [FromKeyedServices(PipelineLinks.DecidedAlerts)] StageChannel<DecidedAlert> decided,
    SubscriberDirectory subscribers,
    AlertTemplates templates,
    AlertPolicy policy,
    OutboxDispatcher dispatcher,
    RunScheduler scheduler,
    IOptions<NotificationOptions> options,
    TimeProvider time,
    ILogger<NotifierService> logger) : BackgroundService
{
    private const int BatchSize = 2_000;
    private readonly NotificationOptions _options = options.Value;
    private readonly Dictionary<long, Dictionary<(string Building, long Concierge), SentAlerts>> _sent = [];
    private readonly List<RunUpdate> _batch = [];
    private DateTimeOffset _nextSweep;
    private long _evaluated;
    private long _decided;

    /// <summary>Subscriber judgements made, alerts stored, and run updates dropped because the notifier fell behind.</summary>
    public (long Evaluated, long Decided, long Dropped) Counts => (Interlocked.Read(ref _evaluated), Interlocked.Read(ref _decided), updates.Counts.Dropped);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var retry = DatabaseRetry.Create(time, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(10),
            (ex, delay) => Log.DecideFailed(logger, _batch.Count, ex.Message, delay), DatabaseRetry.IsUnreachable);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                if (_batch.Count == 0)
                {
                    await WaitAsync(stoppingToken);
                    while (_batch.Count < BatchSize && updates.Reader.TryRead(out var update))
                    {
                        _batch.Add(update);
                    }
                }

                try
                {
                    // Nothing of a batch is stored until it all is: while the database does not answer, it is judged again.
                    await retry.ExecuteAsync(async ct =>
                    {
                        await migrator.EnsureAsync(ct);
                        await DecideAsync(ct);
                    }, stoppingToken);
                    _batch.Clear();
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // A bug, or a batch the database refuses for good (a run deleted under it), must not silence every
                    // building: the batch is given up, and the runs' next updates judge again.
                    Log.BatchFailed(logger, _batch.Count, ex);
                    _batch.Clear();
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Until an update (a cancelled or finished run asks for a sweep through one), or the next periodic sweep.</summary>
    private async Task WaitAsync(CancellationToken ct) =>
        await Wakeup.WaitAnyAsync(time, _nextSweep - time.GetUtcNow(), ct, updates.Reader.WaitToReadAsync);

    private async Task DecideAsync(CancellationToken ct)
    {
        await subscribers.RefreshAsync(ct);
        await templates.RefreshAsync(ct);
        var overlay = new Dictionary<(long Run, string Building, long Concierge), SentAlerts>();
        var pending = new List<PendingAlert>();
        await LoadSentAsync(_batch.Select(u => u.Run.RunId), ct);
        foreach (var update in _batch)
        {
            if (update.Run.Status == "cancelled")
            {
                _nextSweep = DateTimeOffset.MinValue; // the sweep tells its buildings not served "not today"
                continue;
            }

            Judge(update, overlay, pending);
            if (update.Run.Status == "finished")
            {
                _nextSweep = DateTimeOffset.MinValue;
            }
        }

        if (time.GetUtcNow() >= _nextSweep)
        {
            await SweepAsync(overlay, pending, ct);
            _nextSweep = time.GetUtcNow() + _options.SweepEvery;
        }

        if (pending.Count == 0)
        {
            return;
        }

        var stored = await AlertStore.SaveAsync(db, pending, time.GetUtcNow(), ct);
        foreach (var ((run, building, concierge), sent) in overlay)
        {
            _sent[run][(building, concierge)] = sent;
        }

        ForgetEndedRuns(overlay.Keys.Select(k => k.Run).ToHashSet());

        Interlocked.Add(ref _decided, stored.Count);
        if (stored.Any(s => s.Alert.SmsBody is not null))
        {
            dispatcher.Wake();
        }

        foreach (var (alert, id) in stored)
        {
            var d = alert.Decision;
            decided.TryWrite(new DecidedAlert(new AlertView(id, alert.RunId, alert.BuildingId, d.Kind, d.At, d.Minutes, d.Eta, d.Early), alert.Subscription.Web));
        }

        Log.Decided(logger, stored.Count, pending.Count - stored.Count);
    }

    private void Judge(RunUpdate update, Dictionary<(long, string, long), SentAlerts> overlay, List<PendingAlert> pending)
    {
        var run = update.Run;
        DateTimeOffset? anchor = run.LastFixAt is null ? null : run.MadeAt;
        var over = run.Status == "finished";
        foreach (var stop in run.Upcoming)
        {
            Judge(update, stop.BuildingId, new StopAlertState(anchor, update.Now, over, false, stop.Eta, stop.Early), overlay, pending);
        }

        foreach (var stop in run.Done)
        {
            Judge(update, stop.BuildingId, new StopAlertState(anchor, update.Now, over, stop.Status == "served", null, null), overlay, pending);
        }
    }

    private void Judge(RunUpdate update, string building, StopAlertState state, Dictionary<(long, string, long), SentAlerts> overlay,
        List<PendingAlert> pending)
    {
        var subscriptions = subscribers.Of(building);
        foreach (var subscription in subscriptions)
        {
            Judge(update.Run.RunId, subscription, state, update.Now, update.ReceivedAt, overlay, pending);
        }
    }

    private void Judge(long runId, Subscription subscription, StopAlertState state, DateTimeOffset fleetNow, DateTimeOffset? receivedAt,
        Dictionary<(long, string, long), SentAlerts> overlay, List<PendingAlert> pending)
    {
        Interlocked.Increment(ref _evaluated);
        var key = (runId, subscription.BuildingId, subscription.ConciergeId);
        if (!overlay.TryGetValue(key, out var sent))
        {
            sent = _sent[runId].GetValueOrDefault((subscription.BuildingId, subscription.ConciergeId));
        }

        if (policy.Decide(state, subscription, sent) is not { } decision)
        {
            return;
        }

        overlay[key] = sent.With(decision.Kind, decision.Eta);
        var body = subscription.Sms ? templates.Render(decision, subscription.Language, subscribers.AddressOf(subscription.BuildingId)) : null;
        pending.Add(new PendingAlert(runId, subscription.BuildingId, subscription, decision, body, ExpiresAt(decision, fleetNow), receivedAt));
    }

    /// <summary>
    /// When an SMS stops being worth sending, by the wall clock: "approaching" and "delayed" at the predicted arrival
    /// (as far ahead of now as it is ahead of the fleet's clock), the news of a collection a few hours later.
    /// </summary>
    private DateTimeOffset ExpiresAt(AlertDecision decision, DateTimeOffset fleetNow) =>
        decision.Kind is AlertKinds.Approaching or AlertKinds.Delayed && decision.Eta is { } eta
            ? time.GetUtcNow() + TimeSpan.FromTicks(Math.Max((eta - fleetNow).Ticks, TimeSpan.FromMinutes(1).Ticks))
            : time.GetUtcNow() + _options.NewsValidFor;

    /// <summary>The runs that ended: the subscribers not told yet what the run did at their building.</summary>
    private async Task SweepAsync(Dictionary<(long, string, long), SentAlerts> overlay, List<PendingAlert> pending, CancellationToken ct)
    {
        var now = fleet.Now;
        var today = scheduler.Zone.DateAt(now);
        var ended = await AlertStore.EndedStopsAsync(db, today.AddDays(-1), today, ct);
        await LoadSentAsync(ended.Select(e => e.RunId), ct);
        foreach (var stop in ended)
        {
            if (subscribers.Of(stop.BuildingId).FirstOrDefault(s => s.Id == stop.SubscriptionId) is { } subscription)
            {
                var state = new StopAlertState(stop.ServedAt, now, RunOver: true, stop.Served, null, null);
                Judge(stop.RunId, subscription, state, now, receivedAt: null, overlay, pending);
            }
        }
    }

    /// <summary>Reads what was already decided for runs seen for the first time (after a restart, that is everything stored).</summary>
    private async Task LoadSentAsync(IEnumerable<long> runIds, CancellationToken ct)
    {
        var missing = runIds.Where(id => !_sent.ContainsKey(id)).ToHashSet();
        if (missing.Count == 0)
        {
            return;
        }

        var loaded = missing.ToDictionary(id => id, _ => new Dictionary<(string, long), SentAlerts>());
        foreach (var (run, building, concierge, kind, eta) in await AlertStore.DecidedAsync(db, missing, ct))
        {
            var runSent = loaded[run];
            runSent[(building, concierge)] = runSent.GetValueOrDefault((building, concierge)).With(kind, eta);
        }

        foreach (var (id, sent) in loaded)
        {
            _sent[id] = sent;
        }
    }

    /// <summary>Forgets what was decided for runs no longer followed (a run lasts a day), but for those just decided on.</summary>
    private void ForgetEndedRuns(HashSet<long> touched)
    {
        if (_sent.Count <= 4 * live.All().Count + 100)
        {
            return;
        }

        var tracked = live.All().Select(r => r.RunId).ToHashSet();
        foreach (var id in _sent.Keys.Where(id => !tracked.Contains(id) && !touched.Contains(id)).ToList())
        {
            _sent.Remove(id);
        }
    }
}
