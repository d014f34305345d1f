using System.Collections.Concurrent;
using WasteNotify.Core.Tracking;

namespace WasteNotify.Service.Tracking;

/// <summary>A predicted arrival at a stop still to come, with its early and late bounds.</summary>
public sealed record StopEta(int Sequence, string BuildingId, DateTimeOffset Eta, DateTimeOffset Early, DateTimeOffset Late);

/// <summary>A stop the tracker has decided: served (with arrival and departure) or skipped.</summary>
public sealed record StopDecision(int Sequence, string BuildingId, string Status, DateTimeOffset? ArrivedAt, DateTimeOffset? DepartedAt);

/// <summary>
/// A tracked run as of its latest fix: where the truck is, what it did, and the arrival predicted at every stop still
/// to come. <c>MadeAt</c> is the event time the predictions were made at; <c>Predictor</c> says which one made them
/// ("model", or "physics" until the route has enough history or while no model is trained). <c>DelaySeconds</c> is how
/// far the next stop's ETA is behind the plan: the timetable the physics baseline gives from the planned start at the
/// route's first point (its typical speed along the path and its dwell at each stop before); negative is ahead, null
/// when no stop is to come.
/// </summary>
public sealed record RunSnapshot(
    long RunId,
    string RouteId,
    string TruckId,
    DateOnly ServiceDate,
    DateTimeOffset PlannedStart,
    string Status,
    DateTimeOffset? StartedAt,
    DateTimeOffset? LastFixAt,
    double? Latitude,
    double? Longitude,
    double? ProgressMeters,
    double PathMeters,
    DateTimeOffset MadeAt,
    string Predictor,
    int? ModelVersion,
    IReadOnlyList<StopEta> Upcoming,
    IReadOnlyList<StopDecision> Done,
    IReadOnlyList<string> Anomalies,
    double? DelaySeconds);

/// <summary>
/// What tracking decided on one fix: the run's new state and the events (stop decisions, anomalies) that came with it.
/// <c>Now</c> is the fleet's clock at the time (how stale the run's latest fix is); <c>ReceivedAt</c> is when the fix
/// that caused the update was received (null when the clock or a restart caused it).
/// </summary>
public sealed record RunUpdate(RunSnapshot Run, IReadOnlyList<TrackingEvent> Events, DateTimeOffset Now, DateTimeOffset? ReceivedAt);

/// <summary>
/// The runs being tracked, as of their latest fix, for the API and the notifier. Written by the tracking loop only;
/// readers get immutable snapshots. Each update is also written to every link of <paramref name="updates"/> (the
/// notifier's and the live pushes', given by the wiring), which never blocks the tracking loop.
/// </summary>
public sealed class LiveRuns(IReadOnlyList<StageChannel<RunUpdate>> updates)
{
    private readonly ConcurrentDictionary<long, RunSnapshot> _runs = new();
    private readonly ConcurrentDictionary<string, long> _runOfBuilding = new(StringComparer.Ordinal);

    /// <summary>The links the updates fan out to, as the wiring gave them.</summary>
    public IReadOnlyList<StageChannel<RunUpdate>> Links => updates;

    public RunSnapshot? Get(long runId) => _runs.GetValueOrDefault(runId);

    public IReadOnlyList<RunSnapshot> All() => [.. _runs.Values.OrderBy(r => r.PlannedStart).ThenBy(r => r.RunId)];

    /// <summary>The tracked run that collects a building today, if any.</summary>
    public RunSnapshot? OfBuilding(string buildingId) =>
        _runOfBuilding.TryGetValue(buildingId, out var runId) ? Get(runId) : null;

    internal void Publish(RunSnapshot snapshot, IReadOnlyList<TrackingEvent> events, DateTimeOffset now, DateTimeOffset? receivedAt = null)
    {
        var isNew = !_runs.ContainsKey(snapshot.RunId);
        _runs[snapshot.RunId] = snapshot;
        if (isNew)
        {
            foreach (var building in Buildings(snapshot))
            {
                _runOfBuilding[building] = snapshot.RunId;
            }
        }

        Fan(new RunUpdate(snapshot, events, now, receivedAt));
    }

    private void Fan(RunUpdate update)
    {
        foreach (var link in updates)
        {
            link.TryWrite(update); // DropOldest links: a consumer behind loses the oldest, counted by the link
        }
    }

    /// <summary>A run that ended outside tracking (cancelled): no longer followed, and its last state, with that status, told downstream.</summary>
    internal void End(long runId, string status, DateTimeOffset now)
    {
        if (Remove(runId) is { } last)
        {
            Fan(new RunUpdate(last with { Status = status }, [], now, null));
        }
    }

    internal RunSnapshot? Remove(long runId)
    {
        if (_runs.TryRemove(runId, out var snapshot))
        {
            foreach (var building in Buildings(snapshot))
            {
                _runOfBuilding.TryRemove(new KeyValuePair<string, long>(building, runId));
            }
        }

        return snapshot;
    }

    /// <summary>Every building of the run: those still to come and those decided.</summary>
    private static IEnumerable<string> Buildings(RunSnapshot snapshot) =>
        snapshot.Upcoming.Select(s => s.BuildingId).Concat(snapshot.Done.Select(d => d.BuildingId));
}
