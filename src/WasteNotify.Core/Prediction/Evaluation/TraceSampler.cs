using WasteNotify.Core.Streets;
using WasteNotify.Core.Tracking;

namespace WasteNotify.Core.Prediction.Evaluation;

/// <summary>What a recorded trace gave to score, and what in it could not be used.</summary>
/// <param name="Runs">Runs with both stops and fixes, the ones sampled.</param>
/// <param name="RunsWithoutFixes">Runs of the stops file with no fix in the fixes file.</param>
/// <param name="FixesWithoutStops">Runs of the fixes file with no stop in the stops file.</param>
/// <param name="StopsWithoutArrival">Stops of sampled runs with no arrival (skipped), never scored.</param>
public sealed record TraceSamples(
    List<EtaSample> Samples, int Runs, IReadOnlyList<string> RunsWithoutFixes, IReadOnlyList<string> FixesWithoutStops, int StopsWithoutArrival)
{
    /// <summary>The sampled runs in order of their first fix, each with its own samples (together, <see cref="Samples"/>).</summary>
    public IReadOnlyList<TracedRun> Traced { get; init; } = [];
}

/// <summary>A sampled run of a trace: its stops, its first fix and the samples made along it.</summary>
public sealed record TracedRun(RecordedRun Run, DateTimeOffset FirstFix, List<EtaSample> Samples);

/// <summary>
/// Prediction samples from a recorded trace nobody here wrote: stops with their actual arrivals
/// (<see cref="RecordedStopsCsv"/>) and the fixes the trucks sent (<see cref="RecordedFixesCsv"/>), matched by run id.
/// Each run's fixes go through a tracker as the service would have taken them live, and every <c>every</c> of event
/// time each stop still to come gets a sample labelled with the trace's own arrival, not the tracker's.
/// </summary>
/// <remarks>
/// A trace has no street path, so a run's route (<see cref="Route"/>) is straight lines from its earliest fix through
/// its stops in sequence to its latest fix: distances along it, which physics divides by a speed, are shorter than the
/// streets', and a truck going round a block between two stops is off this path meanwhile. History (the historical
/// average and the model's history features) comes from the trace's earlier runs (by first fix) of the same route,
/// matched per building: the route the file names (route_id), else the runs whose stops name the same buildings in
/// the same order; a run with a stop without a building id and no route_id is a route of its own.
/// </remarks>
public static class TraceSampler
{
    public static TraceSamples Sample(IReadOnlyList<RecordedRun> runs, IReadOnlyList<RunFixes> fixes, TrackerOptions tracker,
        PhysicsOptions physics, TimeZoneInfo zone, TimeSpan every, TimeSpan maxAhead)
    {
        ArgumentNullException.ThrowIfNull(runs);
        ArgumentNullException.ThrowIfNull(fixes);
        ArgumentNullException.ThrowIfNull(physics);
        var byRun = fixes.Where(f => f.Fixes.Count > 0).ToDictionary(f => f.RunId, f => f.Fixes, StringComparer.Ordinal);
        var sampled = runs.Where(r => byRun.ContainsKey(r.RunId)).OrderBy(r => byRun[r.RunId].Min(f => f.Time)).ToList();
        var past = new Dictionary<string, List<PastRun>>(StringComparer.Ordinal);
        var samples = new List<EtaSample>();
        var traced = new List<TracedRun>();
        foreach (var run in sampled)
        {
            var runFixes = byRun[run.RunId];
            var route = Route(run, runFixes);
            var firstFix = runFixes.Min(f => f.Time);
            var key = RouteKey(run);
            if (!past.TryGetValue(key, out var before))
            {
                past[key] = before = [];
            }

            // Replayed once more only for the tracker's start: the history's arrival times count from it, as live.
            var started = EtaSampler.Replay(route, tracker, runFixes, firstFix).Started;
            var actual = new PastRun(started, [.. run.Stops.Select(s => s.Arrival)], [.. run.Stops.Select(s => s.Departure)], route.BuildingIds);
            var history = RouteHistory.Build(route.BuildingIds, before, physics.DwellSeconds);
            var runSamples = EtaSampler.Sample(route, tracker, new EtaFeatures(history, physics, zone), runFixes, actual, firstFix, every, maxAhead);
            samples.AddRange(runSamples);
            traced.Add(new TracedRun(run, firstFix, runSamples));
            before.Add(actual);
        }

        var known = runs.Select(r => r.RunId).ToHashSet(StringComparer.Ordinal);
        return new TraceSamples(samples, sampled.Count,
            [.. runs.Select(r => r.RunId).Where(id => !byRun.ContainsKey(id))],
            [.. fixes.Select(f => f.RunId).Where(id => !known.Contains(id))],
            sampled.Sum(r => r.Stops.Count(s => s.Arrival is null))) { Traced = traced };
    }

    /// <summary>The runs that share their history: the file's route, else the same buildings in the same order.</summary>
    public static string RouteKey(RecordedRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        return run.RouteId is { } routeId ? "route\n" + routeId
            : run.Stops.All(s => s.BuildingId is not null) ? string.Join('\n', run.Stops.Select(s => s.BuildingId))
            : "\n" + run.RunId;
    }

    /// <summary>The run's route as tracking sees it: straight lines from the earliest fix through the stops to the latest fix.</summary>
    public static TrackedRoute Route(RecordedRun run, IReadOnlyList<TrackedFix> fixes)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(fixes);
        var stops = run.Stops.Select(s => (s.BuildingId ?? $"#{s.Sequence}", new GeoPoint(s.Latitude, s.Longitude))).ToList();
        return new TrackedRoute(run.RunId, Path(run, fixes), stops);
    }

    /// <summary>The straight-line path of <see cref="Route"/>: the earliest fix, the stops in sequence, the latest fix.</summary>
    public static IReadOnlyList<GeoPoint> Path(RecordedRun run, IReadOnlyList<TrackedFix> fixes)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(fixes);
        return [fixes.MinBy(f => f.Time).Position, .. run.Stops.Select(s => new GeoPoint(s.Latitude, s.Longitude)), fixes.MaxBy(f => f.Time).Position];
    }
}
