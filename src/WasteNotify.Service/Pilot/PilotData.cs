using Npgsql;
using WasteNotify.Core.Notifications;
using WasteNotify.Core.Pilot;
using WasteNotify.Core.Prediction;

namespace WasteNotify.Service.Pilot;

/// <summary>Where a collection's building is, for the open data's streets (never published per building).</summary>
public sealed record CollectionPlace(string BuildingId, double Latitude, double Longitude);

/// <summary>What the SMS of the alerts of some runs did, and what they cost.</summary>
/// <param name="LoggedSegments">The segments of the messages logged instead of sent (no SMS provider): what they would have cost is <c>LoggedSegments × price</c>.</param>
public sealed record SmsFigures(int Messages, int Sent, int Delivered, int Failed, int Suppressed, int Expired, int Logged, int Segments, decimal Cost, string Currency,
    int LoggedSegments = 0, decimal LoggedCost = 0);

/// <summary>
/// The recorded collections of the runs of a range of service dates (run × building of a building with an alert for
/// the run, or an approaching subscriber since before it started), read from what tracking, the notifier and the
/// building pages stored.
/// Every time is on the fleet's event-time clock: an SMS's delivery is its alert's event time plus how long the
/// SMS took by the wall clock, so replayed and live runs read the same.
/// </summary>
public static class PilotData
{
    /// <summary>Runs over: finished or cancelled, or of a day before <paramref name="today"/> (a run that never finished).</summary>
    public static async Task<(List<Collection> Collections, Dictionary<string, CollectionPlace> Places)> ReadAsync(
        NpgsqlDataSource db, DateOnly from, DateOnly to, string? route, DateOnly today, TimeSpan reactionMargin, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        var alerts = await AlertsAsync(db, from, to, route, ct);
        var naive = await NaiveAsync(db, from, to, route, ct);
        await using var cmd = db.CreateCommand("""
            SELECT r.id, r.route_id, r.service_date, r.planned_start, r.status, rs.sequence, rs.building_id, b.address, b.lat, b.lon,
                   s.status, s.arrived_at,
                   (SELECT min(e.at) FROM run_events e WHERE e.run_id = r.id AND e.sequence = rs.sequence AND e.kind = 'skipped'),
                   (SELECT max(sub.lead_minutes) FROM subscriptions sub WHERE sub.building_id = rs.building_id AND 'approaching' = ANY (sub.alerts)),
                   EXISTS (SELECT 1 FROM subscriptions sub
                           WHERE sub.building_id = rs.building_id AND 'approaching' = ANY (sub.alerts) AND sub.created_at <= r.planned_start),
                   br.bins_out_at, br.out_source, br.bins_in_at, br.in_source
            FROM route_runs r
            JOIN route_stops rs ON rs.route_id = r.route_id
            JOIN buildings b ON b.id = rs.building_id
            LEFT JOIN run_stops s ON s.run_id = r.id AND s.sequence = rs.sequence
            LEFT JOIN bin_reports br ON br.run_id = r.id AND br.building_id = rs.building_id
            WHERE r.service_date BETWEEN $1 AND $2 AND ($3::text IS NULL OR r.route_id = $3)
              AND (r.status IN ('finished', 'cancelled') OR r.service_date < $4)
            ORDER BY r.service_date, r.id, rs.sequence
            """);
        cmd.Parameters.Add(new NpgsqlParameter<DateOnly> { TypedValue = from });
        cmd.Parameters.Add(new NpgsqlParameter<DateOnly> { TypedValue = to });
        cmd.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = route, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        cmd.Parameters.Add(new NpgsqlParameter<DateOnly> { TypedValue = today });
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var collections = new List<Collection>();
        var places = new Dictionary<string, CollectionPlace>(StringComparer.Ordinal);
        while (await reader.ReadAsync(ct))
        {
            var (runId, building) = (reader.GetInt64(0), reader.GetString(6));
            var facts = alerts.GetValueOrDefault((runId, building)) ?? [];
            int? lead = reader.IsDBNull(13) ? null : reader.GetInt32(13);
            if (facts.Count == 0 && !reader.GetBoolean(14))
            {
                continue; // no alert, and nobody had asked for them yet: not the pilot's (a replayed past run has its alerts)
            }

            var leadMinutes = lead ?? (facts.Count > 0 ? facts.Max(f => f.LeadMinutes) : 10);
            var (stopStatus, arrived, skipped) = (reader.IsDBNull(10) ? null : reader.GetString(10), Time(reader, 11), Time(reader, 12));
            var end = reader.GetString(4) == "cancelled" && stopStatus is null ? CollectionEnd.Cancelled
                : stopStatus == "served" ? CollectionEnd.Served
                : stopStatus == "skipped" ? CollectionEnd.Skipped
                : CollectionEnd.NotReached;
            var truckAt = end == CollectionEnd.Served ? arrived : end == CollectionEnd.Skipped ? skipped : null;
            var bins = new BinReport(Time(reader, 15), reader.IsDBNull(16) ? null : reader.GetString(16), Time(reader, 17), reader.IsDBNull(18) ? null : reader.GetString(18));
            // The naive alert: the first logged naive prediction whose early bound is within the lead plus the margin, as the notifier decides.
            DateTimeOffset? naiveAt = null;
            foreach (var (madeAt, early) in naive.GetValueOrDefault((runId, reader.GetInt32(5))) ?? [])
            {
                if (early - madeAt <= TimeSpan.FromMinutes(leadMinutes) + reactionMargin && (truckAt is null || madeAt <= truckAt))
                {
                    naiveAt = madeAt;
                    break;
                }
            }

            collections.Add(new Collection(runId, reader.GetString(1), reader.GetFieldValue<DateOnly>(2), building, StreetNames.FromAddress(reader.GetString(7)),
                reader.GetFieldValue<DateTimeOffset>(3), end, truckAt, facts, bins, leadMinutes, naiveAt));
            places.TryAdd(building, new CollectionPlace(building, reader.GetDouble(8), reader.GetDouble(9)));
        }

        return (collections, places);
    }

    /// <summary>The SMS of the alerts of those runs: how many reached each state, their segments and cost (a message is billed once sent).</summary>
    public static async Task<SmsFigures> SmsAsync(NpgsqlDataSource db, DateOnly from, DateOnly to, string? route, decimal pricePerSegment, string currency, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        await using var cmd = db.CreateCommand("""
            SELECT o.status, o.body FROM outbox o JOIN alerts a ON a.id = o.alert_id JOIN route_runs r ON r.id = a.run_id
            WHERE r.service_date BETWEEN $1 AND $2 AND ($3::text IS NULL OR r.route_id = $3)
            """);
        cmd.Parameters.Add(new NpgsqlParameter<DateOnly> { TypedValue = from });
        cmd.Parameters.Add(new NpgsqlParameter<DateOnly> { TypedValue = to });
        cmd.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = route, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        int messages = 0, sent = 0, delivered = 0, failed = 0, suppressed = 0, expired = 0, logged = 0, segments = 0, loggedSegments = 0;
        while (await reader.ReadAsync(ct))
        {
            messages++;
            var status = reader.GetString(0);
            var billed = status is "accepted" or "queued" or "sent" or "delivered" or "undelivered";
            sent += billed ? 1 : 0;
            delivered += status == "delivered" ? 1 : 0;
            failed += status is "failed" or "undelivered" ? 1 : 0;
            suppressed += status == "suppressed" ? 1 : 0;
            expired += status == "expired" ? 1 : 0;
            logged += status == "logged" ? 1 : 0;
            // An erased concierge's texts are gone: one segment each, the least they cost.
            var parts = Math.Max(1, reader.IsDBNull(1) ? 1 : SmsText.Segments(reader.GetString(1)).Segments);
            segments += billed ? parts : 0;
            loggedSegments += status == "logged" ? parts : 0;
        }

        return new SmsFigures(messages, sent, delivered, failed, suppressed, expired, logged, segments, segments * pricePerSegment, currency,
            loggedSegments, loggedSegments * pricePerSegment);
    }

    /// <summary>
    /// Each alert of the runs, by run and building: its delivery on the event-time clock (SMS: accepted, sent, delivered
    /// or logged, at the alert's time plus the wall-clock time its last attempt took to finish; web only: the decision).
    /// </summary>
    private static async Task<Dictionary<(long, string), List<AlertFact>>> AlertsAsync(NpgsqlDataSource db, DateOnly from, DateOnly to, string? route, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            SELECT a.run_id, a.building_id, a.concierge_id, a.kind, a.at, 'sms' = ANY (a.channels),
                   (SELECT count(*) FROM outbox o WHERE o.alert_id = a.id)::int,
                   (SELECT max(x.finished_at) - a.decided_at_wall FROM outbox o JOIN outbox_attempts x ON x.outbox_id = o.id
                     WHERE o.alert_id = a.id AND o.status IN ('accepted', 'queued', 'sent', 'delivered', 'logged')),
                   coalesce((SELECT sub.lead_minutes FROM subscriptions sub WHERE sub.concierge_id = a.concierge_id AND sub.building_id = a.building_id), 10)
            FROM alerts a JOIN route_runs r ON r.id = a.run_id
            WHERE r.service_date BETWEEN $1 AND $2 AND ($3::text IS NULL OR r.route_id = $3)
            ORDER BY a.run_id, a.building_id, a.at
            """);
        cmd.Parameters.Add(new NpgsqlParameter<DateOnly> { TypedValue = from });
        cmd.Parameters.Add(new NpgsqlParameter<DateOnly> { TypedValue = to });
        cmd.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = route, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var alerts = new Dictionary<(long, string), List<AlertFact>>();
        while (await reader.ReadAsync(ct))
        {
            var at = reader.GetFieldValue<DateTimeOffset>(4);
            var smsTook = reader.IsDBNull(7) ? (TimeSpan?)null : reader.GetFieldValue<TimeSpan>(7);
            var delivered = reader.GetBoolean(5) ? at + (smsTook is { } took ? (took < TimeSpan.Zero ? TimeSpan.Zero : took) : (TimeSpan?)null) : at;
            var key = (reader.GetInt64(0), reader.GetString(1));
            if (!alerts.TryGetValue(key, out var list))
            {
                alerts[key] = list = [];
            }

            list.Add(new AlertFact(reader.IsDBNull(2) ? null : reader.GetInt64(2), reader.GetString(3), at, delivered, reader.GetInt32(8), reader.GetInt32(6)));
        }

        return alerts;
    }

    /// <summary>The naive baseline's logged predictions, by run and stop, in the order they were made.</summary>
    private static async Task<Dictionary<(long, int), List<(DateTimeOffset MadeAt, DateTimeOffset Early)>>> NaiveAsync(
        NpgsqlDataSource db, DateOnly from, DateOnly to, string? route, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            SELECT p.run_id, p.sequence, p.made_at, p.early FROM eta_predictions p JOIN route_runs r ON r.id = p.run_id
            WHERE r.service_date BETWEEN $1 AND $2 AND ($3::text IS NULL OR r.route_id = $3) AND p.predictor = $4
            ORDER BY p.run_id, p.sequence, p.made_at
            """);
        cmd.Parameters.Add(new NpgsqlParameter<DateOnly> { TypedValue = from });
        cmd.Parameters.Add(new NpgsqlParameter<DateOnly> { TypedValue = to });
        cmd.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = route, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = Predictors.Naive });
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var naive = new Dictionary<(long, int), List<(DateTimeOffset, DateTimeOffset)>>();
        while (await reader.ReadAsync(ct))
        {
            var key = (reader.GetInt64(0), reader.GetInt32(1));
            if (!naive.TryGetValue(key, out var list))
            {
                naive[key] = list = [];
            }

            list.Add((reader.GetFieldValue<DateTimeOffset>(2), reader.GetFieldValue<DateTimeOffset>(3)));
        }

        return naive;
    }

    private static DateTimeOffset? Time(NpgsqlDataReader reader, int column) => reader.IsDBNull(column) ? null : reader.GetFieldValue<DateTimeOffset>(column);
}
