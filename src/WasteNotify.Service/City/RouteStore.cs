using Npgsql;
using WasteNotify.Core.City;
using WasteNotify.Core.Streets;

namespace WasteNotify.Service.City;

/// <summary>Reads and writes routes with their ordered stops and street path.</summary>
public static class RouteStore
{
    /// <summary>
    /// Creates or replaces the route of the same id and its stops. The route row is updated in place, not deleted: its
    /// runs, with their recorded stop decisions (the arrival model's history), stay.
    /// </summary>
    public static async Task SaveAsync(NpgsqlConnection connection, NpgsqlTransaction tx, CollectionRoute route, CancellationToken ct)
    {
        await using (var upsert = new NpgsqlCommand("""
            INSERT INTO routes (id, truck_id, weekdays, planned_start, path) VALUES (@id, @truck, @weekdays, @start, @path)
            ON CONFLICT (id) DO UPDATE SET truck_id = excluded.truck_id, weekdays = excluded.weekdays, planned_start = excluded.planned_start,
                path = excluded.path
            """, connection, tx))
        {
            upsert.Parameters.AddWithValue("id", route.Id);
            upsert.Parameters.AddWithValue("truck", (object?)route.TruckId ?? DBNull.Value);
            upsert.Parameters.AddWithValue("weekdays", (route.Schedule?.Weekdays ?? []).Select(d => (short)d).ToArray());
            upsert.Parameters.AddWithValue("start", route.Schedule is { } s ? s.PlannedStart : DBNull.Value);
            upsert.Parameters.AddWithValue("path", route.Path.SelectMany(p => new[] { p.Latitude, p.Longitude }).ToArray());
            await upsert.ExecuteNonQueryAsync(ct);
        }

        await using (var delete = new NpgsqlCommand("DELETE FROM route_stops WHERE route_id = @id", connection, tx))
        {
            delete.Parameters.AddWithValue("id", route.Id);
            await delete.ExecuteNonQueryAsync(ct);
        }

        await using var batch = new NpgsqlBatch(connection, tx);
        for (var i = 0; i < route.Stops.Count; i++)
        {
            var cmd = new NpgsqlBatchCommand("INSERT INTO route_stops (route_id, sequence, building_id) VALUES ($1, $2, $3)");
            cmd.Parameters.Add(new NpgsqlParameter { Value = route.Id });
            cmd.Parameters.Add(new NpgsqlParameter { Value = i + 1 });
            cmd.Parameters.Add(new NpgsqlParameter { Value = route.Stops[i] });
            batch.BatchCommands.Add(cmd);
        }

        if (batch.BatchCommands.Count > 0)
        {
            await batch.ExecuteNonQueryAsync(ct);
        }
    }

    public static async Task<List<CollectionRoute>> ReadAsync(NpgsqlDataSource db, string? id, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            SELECT r.id, r.truck_id, r.weekdays, r.planned_start, r.path,
                   coalesce(array_agg(s.building_id ORDER BY s.sequence) FILTER (WHERE s.building_id IS NOT NULL), '{}')
            FROM routes r LEFT JOIN route_stops s ON s.route_id = r.id
            WHERE @id IS NULL OR r.id = @id
            GROUP BY r.id ORDER BY r.id
            """);
        cmd.Parameters.Add(new NpgsqlParameter<string?>("id", NpgsqlTypes.NpgsqlDbType.Text) { TypedValue = id });
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var routes = new List<CollectionRoute>();
        while (await reader.ReadAsync(ct))
        {
            var weekdays = reader.GetFieldValue<short[]>(2).Select(d => (DayOfWeek)d).ToList();
            var schedule = reader.IsDBNull(3) ? null : new RouteSchedule(weekdays, reader.GetFieldValue<TimeOnly>(3));
            var flat = reader.GetFieldValue<double[]>(4);
            var path = Path(flat);
            routes.Add(new CollectionRoute(reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1),
                reader.GetFieldValue<string[]>(5), path, schedule));
        }

        return routes;
    }

    /// <summary>A path as the routes table stores it, [lat0, lon0, lat1, lon1, ...], back to points.</summary>
    public static List<GeoPoint> Path(double[] flat)
    {
        ArgumentNullException.ThrowIfNull(flat);
        return [.. Enumerable.Range(0, flat.Length / 2).Select(i => new GeoPoint(flat[2 * i], flat[(2 * i) + 1]))];
    }
}
