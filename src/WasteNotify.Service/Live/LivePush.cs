using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR;
using WasteNotify.Service.Notifications;
using WasteNotify.Service.Tracking;
using WasteNotify.Service.Web;

namespace WasteNotify.Service.Live;

/// <summary>
/// Pushes what tracking and the notifier decide to the live pages: alerts and stop events at once, each run's position
/// and ETAs at most once a <c>PushEvery</c> (a truck reports every few seconds, a thousand trucks many times a second), and
/// a building's ETA only to the pages watching that building.
/// </summary>
public sealed partial class LivePush(
    IHubContext<FleetHub, IFleetClient> fleet,
    IHubContext<BuildingHub, IBuildingClient> buildings,
    LiveRuns live,
    TimeProvider time,
    ILogger<LivePush> logger) : BackgroundService
{
    private static readonly TimeSpan PushEvery = TimeSpan.FromSeconds(1);
    private readonly ConcurrentDictionary<long, RunSnapshot> _changed = new();
    private readonly ConcurrentQueue<RunEventView> _events = new();
    private readonly ConcurrentQueue<(AlertView Alert, bool Web)> _alerts = new();
    private readonly ConcurrentDictionary<string, int> _watched = new(StringComparer.Ordinal);
    private readonly HashSet<(long Run, string Building, string Kind)> _toldBuildings = [];
    private readonly Wakeup _wake = new(time);

    /// <summary>An alert just stored: to the operators, and to its building's pages if the subscriber wants web alerts.</summary>
    public void Alert(AlertView alert, bool web)
    {
        _alerts.Enqueue((alert, web));
        _wake.Set();
    }

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

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        live.Updated += OnUpdated;
        return base.StartAsync(cancellationToken);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        live.Updated -= OnUpdated;
        await base.StopAsync(cancellationToken);
    }

    private void OnUpdated(RunUpdate update)
    {
        _changed[update.Run.RunId] = update.Run;
        foreach (var e in update.Events)
        {
            _events.Enqueue(new RunEventView(update.Run.RunId, update.Run.TruckId, LiveRun.Kind(e.Kind), e.StopSequence, e.At, e.Detail));
        }

        if (update.Events.Count > 0)
        {
            _wake.Set();
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var nextRuns = time.GetUtcNow();
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await _wake.WaitAsync(PushEvery, stoppingToken);

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

        while (_alerts.TryDequeue(out var item))
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
        foreach (var runId in _changed.Keys)
        {
            ct.ThrowIfCancellationRequested();
            if (!_changed.TryRemove(runId, out var run))
            {
                continue;
            }

            var next = run.Upcoming.Count > 0 ? View(run.Upcoming[0]) : null;
            await fleet.Clients.All.RunUpdated(new RunPosition(run.RunId, run.RouteId, run.TruckId, run.Status, run.Latitude, run.Longitude,
                run.ProgressMeters, run.PathMeters, run.LastFixAt, run.Done.Count, run.Upcoming.Count, next, run.Anomalies));
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
