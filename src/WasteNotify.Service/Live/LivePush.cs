using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR;
using WasteNotify.Service.Notifications;
using WasteNotify.Service.Tracking;

namespace WasteNotify.Service.Live;

/// <summary>
/// Pushes what tracking and the notifier decide to the live pages: alerts and stop events at once, each run's position
/// and ETAs at most once a <c>PushEvery</c> (a truck reports every few seconds, a thousand trucks many times a second), and
/// a building's ETA only to the pages watching that building.
/// </summary>
public sealed partial class LivePush(
    IHubContext<FleetHub, IFleetClient> fleet,
    IHubContext<BuildingHub, IBuildingClient> buildings,
    [FromKeyedServices(PipelineLinks.RunUpdatesToLive)] StageChannel<RunUpdate> updates,
    [FromKeyedServices(PipelineLinks.DecidedAlerts)] StageChannel<DecidedAlert> alerts,
    TimeProvider time,
    ILogger<LivePush> logger) : BackgroundService
{
    private static readonly TimeSpan PushEvery = TimeSpan.FromSeconds(1);
    private readonly Dictionary<long, RunSnapshot> _changed = [];
    private readonly Queue<RunEventView> _events = new();
    private readonly ConcurrentDictionary<string, int> _watched = new(StringComparer.Ordinal);
    private readonly HashSet<(long Run, string Building, string Kind)> _toldBuildings = [];

    public void Watch(string buildingId) => _watched.AddOrUpdate(buildingId, 1, (_, n) => n + 1);

    /// <summary>How many pages of the building are connected and in its group (a page joins it after its handshake).</summary>
    internal int Watchers(string buildingId) => _watched.TryGetValue(buildingId, out var n) ? n : 0;

    public void Unwatch(string buildingId)
    {
        if (_watched.AddOrUpdate(buildingId, 0, (_, n) => n - 1) <= 0)
        {
            _watched.TryRemove(new KeyValuePair<string, int>(buildingId, 0));
        }
    }

    /// <summary>Takes in what the links hold: each run's latest state (pushed at most once a PushEvery) and its events (at once).</summary>
    private void Drain()
    {
        while (updates.Reader.TryRead(out var update))
        {
            _changed[update.Run.RunId] = update.Run;
            foreach (var e in update.Events)
            {
                _events.Enqueue(new RunEventView(update.Run.RunId, update.Run.TruckId, LiveRun.Kind(e.Kind), e.StopSequence, e.At, e.Detail));
            }
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var nextRuns = time.GetUtcNow();
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await Wakeup.WaitAnyAsync(time, nextRuns - time.GetUtcNow(), stoppingToken, updates.Reader.WaitToReadAsync, alerts.Reader.WaitToReadAsync);
                Drain();

                try
                {
                    await PushNewsAsync(stoppingToken);
                    if (time.GetUtcNow() >= nextRuns)
                    {
                        nextRuns = time.GetUtcNow() + PushEvery;
                        await PushRunsAsync(stoppingToken);
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // A page that cannot be reached must not stop the others being served.
                    Log.PushFailed(logger, ex);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task PushNewsAsync(CancellationToken ct)
    {
        if (_toldBuildings.Count > 1_000_000)
        {
            _toldBuildings.Clear(); // a day's worth at a large city's scale; at worst a page hears one piece of news twice
        }

        while (alerts.Reader.TryRead(out var item))
        {
            await fleet.Clients.All.AlertDecided(item.Alert);
            // A building's page shows the building's news once, however many of its concierges were told.
            if (item.Web && _toldBuildings.Add((item.Alert.RunId, item.Alert.BuildingId, item.Alert.Kind)))
            {
                await buildings.Clients.Group(BuildingHub.Group(item.Alert.BuildingId)).AlertDecided(item.Alert);
            }
        }

        while (_events.TryDequeue(out var e))
        {
            ct.ThrowIfCancellationRequested();
            await fleet.Clients.All.RunEvent(e);
        }
    }

    private async Task PushRunsAsync(CancellationToken ct)
    {
        var changed = _changed.Values.ToArray();
        _changed.Clear();
        foreach (var run in changed)
        {
            ct.ThrowIfCancellationRequested();
            var next = run.Upcoming.Count > 0 ? View(run.Upcoming[0]) : null;
            await fleet.Clients.All.RunUpdated(new RunPosition(run.RunId, run.RouteId, run.TruckId, run.Status, run.Latitude, run.Longitude,
                run.ProgressMeters, run.PathMeters, run.LastFixAt, run.Done.Count, run.Upcoming.Count, next, run.Anomalies,
                run.DelaySeconds, run.Predictor, run.ModelVersion));
            await fleet.Clients.Group(FleetHub.RunGroup(run.RunId)).EtasUpdated(run.RunId, [.. run.Upcoming.Select(View)]);
            // The run's buildings looked up among the watched ones, not the other way round: pages may be many.
            foreach (var building in run.Upcoming.Select(s => s.BuildingId).Concat(run.Done.Select(d => d.BuildingId)))
            {
                if (_watched.ContainsKey(building) && BuildingEta.Of(run, building) is { } eta)
                {
                    await buildings.Clients.Group(BuildingHub.Group(building)).EtaUpdated(eta);
                }
            }
        }
    }

    private static StopEtaView View(StopEta s) => new(s.Sequence, s.BuildingId, s.Eta, s.Early, s.Late);
}
