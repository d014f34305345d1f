using Npgsql;
using NpgsqlTypes;
using WasteNotify.Core.Notifications;

namespace WasteNotify.Service.Notifications;

/// <summary>The SQL of alerts: storing decisions with their outbox rows in one transaction, and what is already decided.</summary>
public static class AlertStore
{
    /// <summary>
    /// Stores the alerts not stored yet (the unique key drops the others) and, in the same statement, their SMS in the
    /// outbox: pending, or suppressed when the number opted out or was refused. Returns the alerts stored by this call.
    /// </summary>
    public static async Task<List<(PendingAlert Alert, long Id)>> SaveAsync(NpgsqlDataSource db, IReadOnlyList<PendingAlert> alerts, DateTimeOffset now,
        CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            WITH d AS (
                SELECT * FROM unnest($1::bigint[], $2::text[], $3::bigint[], $4::text[], $5::timestamptz[], $6::timestamptz[], $7::timestamptz[],
                                     $8::text[], $9::timestamptz[], $10::timestamptz[], $11::text[])
                    WITH ORDINALITY AS d (run_id, building_id, concierge_id, kind, at, eta, early, body, expires_at, fix_received_at, channels, n)
            ), a AS (
                INSERT INTO alerts (run_id, building_id, concierge_id, kind, at, eta, early, channels)
                SELECT run_id, building_id, concierge_id, kind, at, eta, early, string_to_array(channels, ',') FROM d ORDER BY n
                ON CONFLICT ON CONSTRAINT alerts_once DO NOTHING
                RETURNING id, run_id, building_id, concierge_id, kind
            ), o AS (
                INSERT INTO outbox (alert_id, to_phone, body, status, reason, next_attempt_at, expires_at, fix_received_at)
                SELECT a.id, c.phone, d.body,
                       CASE WHEN x.phone IS NOT NULL OR c.phone_problem IS NOT NULL THEN 'suppressed' ELSE 'pending' END,
                       CASE WHEN x.phone IS NOT NULL THEN 'opted out' WHEN c.phone_problem IS NOT NULL THEN 'number ' || c.phone_problem END,
                       $12, d.expires_at, d.fix_received_at
                FROM a JOIN d USING (run_id, building_id, concierge_id, kind)
                JOIN concierges c ON c.id = a.concierge_id
                LEFT JOIN sms_opt_outs x ON x.phone = c.phone
                WHERE d.body IS NOT NULL
            )
            SELECT d.n, a.id FROM a JOIN d USING (run_id, building_id, concierge_id, kind)
            """);
        var p = cmd.Parameters;
        p.Add(new NpgsqlParameter<long[]> { TypedValue = [.. alerts.Select(a => a.RunId)] });
        p.Add(new NpgsqlParameter<string[]> { TypedValue = [.. alerts.Select(a => a.BuildingId)] });
        p.Add(new NpgsqlParameter<long[]> { TypedValue = [.. alerts.Select(a => a.Subscription.ConciergeId)] });
        p.Add(new NpgsqlParameter<string[]> { TypedValue = [.. alerts.Select(a => a.Decision.Kind)] });
        p.Add(new NpgsqlParameter<DateTimeOffset[]> { TypedValue = [.. alerts.Select(a => a.Decision.At.ToUniversalTime())] });
        p.Add(Nullable(alerts.Select(a => a.Decision.Eta)));
        p.Add(Nullable(alerts.Select(a => a.Decision.Early)));
        p.Add(new NpgsqlParameter<string?[]> { TypedValue = [.. alerts.Select(a => a.SmsBody)] });
        p.Add(Nullable(alerts.Select(a => a.ExpiresAt)));
        p.Add(Nullable(alerts.Select(a => a.FixReceivedAt)));
        p.Add(new NpgsqlParameter<string[]> { TypedValue = [.. alerts.Select(a => Channels(a.Subscription))] });
        p.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now.ToUniversalTime() });
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var stored = new List<(PendingAlert, long)>();
        while (await reader.ReadAsync(ct))
        {
            stored.Add((alerts[(int)reader.GetInt64(0) - 1], reader.GetInt64(1)));
        }

        return stored;
    }

    /// <summary>What each subscriber of these runs was already told: kind, and the ETA announced with "approaching".</summary>
    public static async Task<List<(long RunId, string BuildingId, long ConciergeId, string Kind, DateTimeOffset? Eta)>> DecidedAsync(
        NpgsqlDataSource db, IReadOnlyCollection<long> runIds, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            SELECT run_id, building_id, concierge_id, kind, eta FROM alerts WHERE run_id = ANY ($1) AND concierge_id IS NOT NULL
            """);
        cmd.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = [.. runIds] });
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var decided = new List<(long, string, long, string, DateTimeOffset?)>();
        while (await reader.ReadAsync(ct))
        {
            decided.Add((reader.GetInt64(0), reader.GetString(1), reader.GetInt64(2), reader.GetString(3),
                reader.IsDBNull(4) ? null : reader.GetFieldValue<DateTimeOffset>(4)));
        }

        return decided;
    }

    /// <summary>
    /// The subscribed buildings of runs that ended (finished or cancelled) on these dates whose subscriber was not told
    /// yet what the run did there: collected (served) or not today (not served).
    /// </summary>
    public static async Task<List<EndedStop>> EndedStopsAsync(NpgsqlDataSource db, DateOnly from, DateOnly to, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            SELECT r.id, rs.building_id, s.id, st.run_id IS NOT NULL, st.arrived_at
            FROM route_runs r
            JOIN route_stops rs ON rs.route_id = r.route_id
            JOIN subscriptions s ON s.building_id = rs.building_id
            LEFT JOIN run_stops st ON st.run_id = r.id AND st.sequence = rs.sequence AND st.status = 'served'
            WHERE r.service_date BETWEEN $1 AND $2 AND r.status IN ('finished', 'cancelled')
              AND (CASE WHEN st.run_id IS NULL THEN 'not_today' ELSE 'collected' END) = ANY (s.alerts)
              AND NOT EXISTS (SELECT 1 FROM alerts a WHERE a.run_id = r.id AND a.building_id = rs.building_id AND a.concierge_id = s.concierge_id
                                                       AND a.kind IN ('collected', 'not_today'))
            """);
        cmd.Parameters.Add(new NpgsqlParameter<DateOnly> { TypedValue = from });
        cmd.Parameters.Add(new NpgsqlParameter<DateOnly> { TypedValue = to });
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var stops = new List<EndedStop>();
        while (await reader.ReadAsync(ct))
        {
            stops.Add(new EndedStop(reader.GetInt64(0), reader.GetString(1), reader.GetInt64(2), reader.GetBoolean(3),
                reader.IsDBNull(4) ? null : reader.GetFieldValue<DateTimeOffset>(4)));
        }

        return stops;
    }

    private static string Channels(Subscription s) => (s.Sms, s.Web) switch
    {
        (true, true) => "sms,web",
        (true, false) => "sms",
        _ => "web",
    };

    private static NpgsqlParameter<DateTimeOffset?[]> Nullable(IEnumerable<DateTimeOffset?> values) =>
        new() { TypedValue = [.. values.Select(v => v?.ToUniversalTime())], NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz };
}
