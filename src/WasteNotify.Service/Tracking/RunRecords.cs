using Npgsql;
using NpgsqlTypes;
using WasteNotify.Core.Prediction;
using WasteNotify.Core.Streets;
using WasteNotify.Core.Tracking;
using WasteNotify.Service.City;

namespace WasteNotify.Service.Tracking;

/// <summary>A route run as the database holds it; an imported one (<see cref="Imported"/>) has its own stops and path.</summary>
public sealed record RunRow(long Id, string RouteId, string TruckId, DateOnly ServiceDate, DateTimeOffset PlannedStart, string Status,
    DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt, bool Imported = false);

/// <summary>A prediction as served, for the evaluation log.</summary>
public readonly record struct LoggedPrediction(long RunId, int Sequence, DateTimeOffset MadeAt, string Predictor, DateTimeOffset Eta, DateTimeOffset Early, DateTimeOffset Late);

/// <summary>The SQL of tracking: runs to follow, their recorded decisions and fixes, route histories, and what tracking writes.</summary>
public static class RunRecords
{
    private const string RunColumns = "id, route_id, truck_id, service_date, planned_start, status, started_at, finished_at, origin = 'imported'";

    /// <summary>Runs not yet finished or cancelled, with a truck, on these local dates.</summary>
    public static async Task<List<RunRow>> OpenRunsAsync(NpgsqlDataSource db, DateOnly from, DateOnly to, string? truckId, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand($"""
            SELECT {RunColumns} FROM route_runs
            WHERE service_date BETWEEN @from AND @to AND status IN ('planned', 'started') AND truck_id IS NOT NULL
              AND (@truck IS NULL OR truck_id = @truck)
            ORDER BY planned_start, id
            """);
        cmd.Parameters.AddWithValue("from", from);
        cmd.Parameters.AddWithValue("to", to);
        cmd.Parameters.Add(new NpgsqlParameter<string?>("truck", NpgsqlDbType.Text) { TypedValue = truckId });
        return await ReadRunsAsync(cmd, ct);
    }

    /// <summary>Finished runs, with a truck and a start, on these local dates.</summary>
    public static async Task<List<RunRow>> FinishedRunsAsync(NpgsqlDataSource db, DateOnly from, DateOnly to, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand($"""
            SELECT {RunColumns} FROM route_runs
            WHERE service_date BETWEEN @from AND @to AND status = 'finished' AND truck_id IS NOT NULL AND started_at IS NOT NULL
            ORDER BY planned_start, id
            """);
        cmd.Parameters.AddWithValue("from", from);
        cmd.Parameters.AddWithValue("to", to);
        return await ReadRunsAsync(cmd, ct);
    }

    public static async Task<RunRow?> RunAsync(NpgsqlDataSource db, long id, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand($"SELECT {RunColumns} FROM route_runs WHERE id = @id AND truck_id IS NOT NULL");
        cmd.Parameters.AddWithValue("id", id);
        return (await ReadRunsAsync(cmd, ct)).SingleOrDefault();
    }

    private static async Task<List<RunRow>> ReadRunsAsync(NpgsqlCommand cmd, CancellationToken ct)
    {
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var runs = new List<RunRow>();
        while (await reader.ReadAsync(ct))
        {
            runs.Add(new RunRow(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetFieldValue<DateOnly>(3),
                reader.GetFieldValue<DateTimeOffset>(4), reader.GetString(5),
                reader.IsDBNull(6) ? null : reader.GetFieldValue<DateTimeOffset>(6), reader.IsDBNull(7) ? null : reader.GetFieldValue<DateTimeOffset>(7),
                reader.GetBoolean(8)));
        }

        return runs;
    }

    /// <summary>
    /// The route as tracking sees it. Each stop is where the route's path serves it: the street node its building is
    /// served from, as the planner routed it (a building's own position can be 50 m from its street).
    /// </summary>
    /// <returns>Null when the route has no path or no stops.</returns>
    /// <exception cref="ArgumentException">A stop is not on the route's path (a building moved since the route was planned).</exception>
    public static async Task<TrackedRoute?> RouteAsync(NpgsqlDataSource db, string routeId, CityState city, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            SELECT r.path, s.building_id, b.lat, b.lon, b.bins
            FROM routes r JOIN route_stops s ON s.route_id = r.id JOIN buildings b ON b.id = s.building_id
            WHERE r.id = @id ORDER BY s.sequence
            """);
        cmd.Parameters.AddWithValue("id", routeId);
        return await ReadRouteAsync(cmd, routeId, building => city.Index.NearestNode(building, maxMeters: 2_000) is { } n ? city.Network.Position(n) : building, ct);
    }

    /// <summary>
    /// An imported run as tracking sees it: its own stops (where the recorded trace says each was), along its own path,
    /// under its route's id, so that the route's runs share their history.
    /// </summary>
    /// <returns>Null when the run has no path or no stops.</returns>
    public static async Task<TrackedRoute?> ImportedRouteAsync(NpgsqlDataSource db, RunRow run, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(run);
        await using var cmd = db.CreateCommand("""
            SELECT r.path, s.building_id, b.lat, b.lon, b.bins
            FROM route_runs r JOIN run_stops s ON s.run_id = r.id JOIN buildings b ON b.id = s.building_id
            WHERE r.id = @id AND r.path IS NOT NULL ORDER BY s.sequence
            """);
        cmd.Parameters.AddWithValue("id", run.Id);
        return await ReadRouteAsync(cmd, run.RouteId, building => building, ct);
    }

    /// <summary>
    /// Rows (path, building_id, lat, lon, bins) in stop order as a route under <paramref name="routeId"/>, each stop
    /// where <paramref name="stopAt"/> puts its building; null without a path or a stop.
    /// </summary>
    private static async Task<TrackedRoute?> ReadRouteAsync(NpgsqlCommand cmd, string routeId, Func<GeoPoint, GeoPoint> stopAt, CancellationToken ct)
    {
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        double[]? flat = null;
        var stops = new List<(string, GeoPoint)>();
        var bins = new List<int>();
        while (await reader.ReadAsync(ct))
        {
            flat ??= reader.GetFieldValue<double[]>(0);
            stops.Add((reader.GetString(1), stopAt(new GeoPoint(reader.GetDouble(2), reader.GetDouble(3)))));
            bins.Add(reader.GetInt32(4));
        }

        return flat is { Length: >= 4 } ? new TrackedRoute(routeId, RouteStore.Path(flat), stops, bins: bins) : null;
    }

    /// <summary>The decisions recorded for a run's stops (before a restart).</summary>
    public static async Task<List<StopDecision>> StopsAsync(NpgsqlDataSource db, long runId, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            SELECT sequence, building_id, status, arrived_at, departed_at FROM run_stops WHERE run_id = @run ORDER BY sequence
            """);
        cmd.Parameters.AddWithValue("run", runId);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var stops = new List<StopDecision>();
        while (await reader.ReadAsync(ct))
        {
            stops.Add(new StopDecision(reader.GetInt32(0), reader.GetString(1), reader.GetString(2),
                reader.IsDBNull(3) ? null : reader.GetFieldValue<DateTimeOffset>(3), reader.IsDBNull(4) ? null : reader.GetFieldValue<DateTimeOffset>(4)));
        }

        return stops;
    }

    /// <summary>
    /// A truck's stored fixes from a moment on (up to another, when given), by event time; only those received before
    /// a moment when one is given.
    /// </summary>
    public static async Task<List<TrackedFix>> FixesAsync(NpgsqlDataSource db, string truckId, DateTimeOffset from, DateTimeOffset? to, DateTimeOffset? receivedBefore,
        CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            SELECT ts, lat, lon, speed_mps, heading_deg FROM telemetry
            WHERE truck_id = @truck AND ts >= @from AND (@to IS NULL OR ts <= @to) AND (@before IS NULL OR received_at < @before) ORDER BY ts
            """);
        cmd.Parameters.AddWithValue("truck", truckId);
        cmd.Parameters.AddWithValue("from", from.ToUniversalTime());
        cmd.Parameters.Add(new NpgsqlParameter<DateTimeOffset?>("to", NpgsqlDbType.TimestampTz) { TypedValue = to?.ToUniversalTime() });
        cmd.Parameters.Add(new NpgsqlParameter<DateTimeOffset?>("before", NpgsqlDbType.TimestampTz) { TypedValue = receivedBefore?.ToUniversalTime() });
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var fixes = new List<TrackedFix>();
        while (await reader.ReadAsync(ct))
        {
            fixes.Add(new TrackedFix(reader.GetFieldValue<DateTimeOffset>(0), new GeoPoint(reader.GetDouble(1), reader.GetDouble(2)),
                reader.IsDBNull(3) ? null : reader.GetFloat(3), reader.IsDBNull(4) ? null : reader.GetFloat(4)));
        }

        return fixes;
    }

    /// <summary>
    /// Where a run's fixes begin: the start of its local service date, or the end of the same truck's previous run that
    /// day, whichever is later (the fixes of a morning round are not the afternoon's).
    /// </summary>
    public static async Task<DateTimeOffset> FixesFromAsync(NpgsqlDataSource db, RunRow run, TimeZoneInfo zone, CancellationToken ct)
    {
        var midnight = run.ServiceDate.ToDateTime(TimeOnly.MinValue);
        var from = new DateTimeOffset(midnight, zone.GetUtcOffset(midnight));
        await using var cmd = db.CreateCommand("""
            SELECT max(finished_at) FROM route_runs
            WHERE truck_id = @truck AND service_date = @date AND id <> @id AND finished_at IS NOT NULL AND planned_start <= @start
            """);
        cmd.Parameters.AddWithValue("truck", run.TruckId);
        cmd.Parameters.AddWithValue("date", run.ServiceDate);
        cmd.Parameters.AddWithValue("id", run.Id);
        cmd.Parameters.AddWithValue("start", run.PlannedStart.ToUniversalTime());
        return await cmd.ExecuteScalarAsync(ct) is DateTime previous && previous > from.UtcDateTime ? new DateTimeOffset(previous, TimeSpan.Zero) : from.ToUniversalTime();
    }

    /// <summary>
    /// The route's most recent runs finished before a moment (an afternoon run learns from the morning's), as their stop decisions recorded them, each with its own
    /// buildings (a run's stops can differ from today's: history is matched per building).
    /// </summary>
    public static async Task<List<PastRun>> HistoryAsync(NpgsqlDataSource db, string routeId, DateTimeOffset before, int maxRuns, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            SELECT r.id, r.started_at, s.building_id, s.arrived_at, s.departed_at
            FROM (SELECT id, started_at FROM route_runs
                  WHERE route_id = @route AND finished_at <= @before AND status = 'finished' AND started_at IS NOT NULL
                  ORDER BY started_at DESC LIMIT @max) r
            JOIN run_stops s ON s.run_id = r.id AND s.status = 'served'
            ORDER BY r.started_at, r.id, s.sequence
            """);
        cmd.Parameters.AddWithValue("route", routeId);
        cmd.Parameters.AddWithValue("before", before.ToUniversalTime());
        cmd.Parameters.AddWithValue("max", maxRuns);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var stops = new List<(long Run, DateTimeOffset Started, string Building, DateTimeOffset? Arrived, DateTimeOffset? Departed)>();
        while (await reader.ReadAsync(ct))
        {
            stops.Add((reader.GetInt64(0), reader.GetFieldValue<DateTimeOffset>(1), reader.GetString(2),
                reader.IsDBNull(3) ? null : reader.GetFieldValue<DateTimeOffset>(3), reader.IsDBNull(4) ? null : reader.GetFieldValue<DateTimeOffset>(4)));
        }

        return [.. stops.GroupBy(s => s.Run).Select(g => new PastRun(g.First().Started, [.. g.Select(s => s.Arrived)], [.. g.Select(s => s.Departed)], [.. g.Select(s => s.Building)]))];
    }

    /// <summary>A finished run as the arrival model learns from it: when it started, and each served stop's arrival and departure.</summary>
    public static PastRun PastRun(DateTimeOffset started, IEnumerable<StopDecision> decided, int stopCount)
    {
        var arrivals = new DateTimeOffset?[stopCount];
        var departures = new DateTimeOffset?[stopCount];
        foreach (var stop in decided.Where(s => s.Status == "served" && s.Sequence <= stopCount))
        {
            (arrivals[stop.Sequence - 1], departures[stop.Sequence - 1]) = (stop.ArrivedAt, stop.DepartedAt);
        }

        return new PastRun(started, arrivals, departures);
    }

    /// <summary>Adds to a batch the upsert of a stop's current decision.</summary>
    public static void AddStop(NpgsqlBatch batch, long runId, StopDecision stop)
    {
        var cmd = new NpgsqlBatchCommand("""
            INSERT INTO run_stops (run_id, sequence, building_id, status, arrived_at, departed_at) VALUES ($1, $2, $3, $4, $5, $6)
            ON CONFLICT (run_id, sequence) DO UPDATE SET status = excluded.status, arrived_at = excluded.arrived_at,
                departed_at = excluded.departed_at, decided_at_wall = now()
            WHERE (run_stops.status, run_stops.arrived_at, run_stops.departed_at) IS DISTINCT FROM (excluded.status, excluded.arrived_at, excluded.departed_at)
            """);
        cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = runId });
        cmd.Parameters.Add(new NpgsqlParameter<int> { TypedValue = stop.Sequence });
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = stop.BuildingId });
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = stop.Status });
        cmd.Parameters.Add(new NpgsqlParameter<DateTimeOffset?> { TypedValue = stop.ArrivedAt?.ToUniversalTime(), NpgsqlDbType = NpgsqlDbType.TimestampTz });
        cmd.Parameters.Add(new NpgsqlParameter<DateTimeOffset?> { TypedValue = stop.DepartedAt?.ToUniversalTime(), NpgsqlDbType = NpgsqlDbType.TimestampTz });
        batch.BatchCommands.Add(cmd);
    }

    /// <summary>Adds to a batch an event, stored once however often a replay decides it again.</summary>
    public static void AddEvent(NpgsqlBatch batch, long runId, string kind, int sequence, DateTimeOffset at, string? detail)
    {
        var cmd = new NpgsqlBatchCommand("""
            INSERT INTO run_events (run_id, kind, sequence, at, detail) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING
            """);
        cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = runId });
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = kind });
        cmd.Parameters.Add(new NpgsqlParameter<int> { TypedValue = sequence });
        cmd.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = at.ToUniversalTime() });
        cmd.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = detail, NpgsqlDbType = NpgsqlDbType.Text });
        batch.BatchCommands.Add(cmd);
    }

    /// <summary>Adds to a batch the run's own state.</summary>
    public static void AddRunState(NpgsqlBatch batch, long runId, string status, DateTimeOffset? startedAt, DateTimeOffset? finishedAt)
    {
        var cmd = new NpgsqlBatchCommand("""
            UPDATE route_runs SET status = $2, started_at = $3, finished_at = $4 WHERE id = $1 AND status <> 'cancelled'
            """);
        cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = runId });
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = status });
        cmd.Parameters.Add(new NpgsqlParameter<DateTimeOffset?> { TypedValue = startedAt?.ToUniversalTime(), NpgsqlDbType = NpgsqlDbType.TimestampTz });
        cmd.Parameters.Add(new NpgsqlParameter<DateTimeOffset?> { TypedValue = finishedAt?.ToUniversalTime(), NpgsqlDbType = NpgsqlDbType.TimestampTz });
        batch.BatchCommands.Add(cmd);
    }

    /// <summary>Adds to a batch the predictions to log (one statement for all of them).</summary>
    public static void AddPredictions(NpgsqlBatch batch, IReadOnlyList<LoggedPrediction> predictions)
    {
        var cmd = new NpgsqlBatchCommand("""
            INSERT INTO eta_predictions (run_id, sequence, made_at, predictor, eta, early, late)
            SELECT * FROM unnest($1::bigint[], $2::integer[], $3::timestamptz[], $4::text[], $5::timestamptz[], $6::timestamptz[], $7::timestamptz[])
            ON CONFLICT DO NOTHING
            """);
        cmd.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = [.. predictions.Select(p => p.RunId)] });
        cmd.Parameters.Add(new NpgsqlParameter<int[]> { TypedValue = [.. predictions.Select(p => p.Sequence)] });
        cmd.Parameters.Add(new NpgsqlParameter<DateTimeOffset[]> { TypedValue = [.. predictions.Select(p => p.MadeAt.ToUniversalTime())] });
        cmd.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. predictions.Select(p => p.Predictor)] });
        cmd.Parameters.Add(new NpgsqlParameter<DateTimeOffset[]> { TypedValue = [.. predictions.Select(p => p.Eta.ToUniversalTime())] });
        cmd.Parameters.Add(new NpgsqlParameter<DateTimeOffset[]> { TypedValue = [.. predictions.Select(p => p.Early.ToUniversalTime())] });
        cmd.Parameters.Add(new NpgsqlParameter<DateTimeOffset[]> { TypedValue = [.. predictions.Select(p => p.Late.ToUniversalTime())] });
        batch.BatchCommands.Add(cmd);
    }

    /// <summary>The serving model: the most recently promoted version; null while none is, or when it is <paramref name="unlessVersion"/>.</summary>
    public static async Task<(int Version, byte[] Model, string Bands)?> ServingModelAsync(NpgsqlDataSource db, int? unlessVersion, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            SELECT version, model, bands::text FROM eta_models WHERE promoted_at IS NOT NULL ORDER BY promoted_at DESC, version DESC LIMIT 1
            """);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct) || reader.GetInt32(0) == unlessVersion)
        {
            return null;
        }

        return (reader.GetInt32(0), reader.GetFieldValue<byte[]>(1), reader.GetString(2));
    }
}
