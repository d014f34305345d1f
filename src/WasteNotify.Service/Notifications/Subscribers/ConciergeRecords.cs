using Npgsql;
using NpgsqlTypes;

namespace WasteNotify.Service.Notifications;

/// <summary>The SQL the concierge and sign-up endpoints share: reading concierges, adding one with its consent, subscribing.</summary>
public static class ConciergeRecords
{
    /// <summary>The concierges with their subscriptions: one by id, those subscribed to a building, or all.</summary>
    public static async Task<List<ConciergeView>> ReadAsync(NpgsqlDataSource db, long? id, string? building, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            SELECT c.id, c.name, c.phone, c.language, c.consent_at, c.consent_source, c.phone_problem,
                   EXISTS (SELECT 1 FROM sms_opt_outs x WHERE x.phone = c.phone), c.created_at,
                   s.building_id, s.lead_minutes, s.alerts, s.channels, s.quiet_from, s.quiet_to, s.collected_in_quiet
            FROM concierges c LEFT JOIN subscriptions s ON s.concierge_id = c.id
            WHERE ($1::bigint IS NULL OR c.id = $1)
              AND ($2::text IS NULL OR EXISTS (SELECT 1 FROM subscriptions f WHERE f.concierge_id = c.id AND f.building_id = $2))
            ORDER BY c.id, s.building_id
            """);
        cmd.Parameters.Add(new NpgsqlParameter<long?> { TypedValue = id, NpgsqlDbType = NpgsqlDbType.Bigint });
        cmd.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = building, NpgsqlDbType = NpgsqlDbType.Text });
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var list = new List<ConciergeView>();
        while (await reader.ReadAsync(ct))
        {
            var conciergeId = reader.GetInt64(0);
            if (list.Count == 0 || list[^1].Id != conciergeId)
            {
                list.Add(new ConciergeView(conciergeId, reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetFieldValue<DateTimeOffset>(4),
                    reader.GetString(5), reader.IsDBNull(6) ? null : reader.GetString(6), reader.GetBoolean(7), reader.GetFieldValue<DateTimeOffset>(8), []));
            }

            if (!reader.IsDBNull(9))
            {
                list[^1].Subscriptions.Add(new SubscriptionView(reader.GetString(9), reader.GetInt32(10), reader.GetFieldValue<string[]>(11),
                    reader.GetFieldValue<string[]>(12), SubscriptionSettings.Quiet(
                        reader.IsDBNull(13) ? null : reader.GetFieldValue<TimeOnly>(13), reader.IsDBNull(14) ? null : reader.GetFieldValue<TimeOnly>(14)),
                    reader.GetBoolean(15)));
            }
        }

        return list;
    }

    /// <summary>Adds a concierge and the consent they gave; null, and nothing written, when a concierge already has the number.</summary>
    public static async Task<long?> InsertAsync(NpgsqlConnection connection, NpgsqlTransaction tx, string name, string phone, string language,
        DateTimeOffset consentAt, string consentSource, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("""
            WITH c AS (
                INSERT INTO concierges (name, phone, language, consent_at, consent_source) VALUES ($1, $2, $3, $4, $5)
                ON CONFLICT (phone) DO NOTHING
                RETURNING id, phone, consent_at, consent_source
            ), e AS (
                INSERT INTO consent_events (concierge_id, phone, kind, at, source) SELECT id, phone, 'consent', consent_at, consent_source FROM c
            )
            SELECT id FROM c
            """, connection, tx);
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = name });
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = phone });
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = language });
        cmd.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = consentAt.ToUniversalTime() });
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = consentSource });
        return await cmd.ExecuteScalarAsync(ct) as long?;
    }

    /// <summary>Records consent given again by a concierge already known (a second building's sign-up).</summary>
    public static async Task AddConsentAsync(NpgsqlConnection connection, NpgsqlTransaction tx, long conciergeId, DateTimeOffset at, string source,
        CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("""
            INSERT INTO consent_events (concierge_id, phone, kind, at, source) SELECT id, phone, 'consent', $2, $3 FROM concierges WHERE id = $1
            """, connection, tx);
        cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = conciergeId });
        cmd.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = at.ToUniversalTime() });
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = source });
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>The concierge who has this number, other than <paramref name="except"/>.</summary>
    public static async Task<long?> IdOfPhoneAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, string phone, long? except, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("SELECT id FROM concierges WHERE phone = $1 AND id IS DISTINCT FROM $2", connection, tx);
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = phone });
        cmd.Parameters.Add(new NpgsqlParameter<long?> { TypedValue = except, NpgsqlDbType = NpgsqlDbType.Bigint });
        return await cmd.ExecuteScalarAsync(ct) as long?;
    }

    /// <summary>The building ids of <paramref name="ids"/> that are not buildings.</summary>
    public static async Task<HashSet<string>> UnknownBuildingsAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, IEnumerable<string> ids,
        CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("SELECT id FROM unnest($1::text[]) AS asked (id) WHERE NOT EXISTS (SELECT 1 FROM buildings b WHERE b.id = asked.id)",
            connection, tx);
        cmd.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. ids] });
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var unknown = new HashSet<string>(StringComparer.Ordinal);
        while (await reader.ReadAsync(ct))
        {
            unknown.Add(reader.GetString(0));
        }

        return unknown;
    }

    /// <summary>Subscribes a concierge to a building, or replaces the settings of that subscription; true when it is new.</summary>
    /// <param name="replace">False: an existing subscription is kept as it is (a sign-up link is anyone's, not its owner's).</param>
    public static async Task<bool> UpsertSubscriptionAsync(NpgsqlConnection connection, NpgsqlTransaction tx, long conciergeId, string buildingId,
        SubscriptionSettings settings, bool replace, CancellationToken ct)
    {
        // xmax is 0 on a row this statement inserted, and the updating transaction's id on a row it updated.
        await using var cmd = new NpgsqlCommand($"""
            INSERT INTO subscriptions (concierge_id, building_id, lead_minutes, alerts, channels, quiet_from, quiet_to, collected_in_quiet)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
            ON CONFLICT (concierge_id, building_id) DO {(replace ? """
                UPDATE SET lead_minutes = excluded.lead_minutes, alerts = excluded.alerts,
                channels = excluded.channels, quiet_from = excluded.quiet_from, quiet_to = excluded.quiet_to,
                collected_in_quiet = excluded.collected_in_quiet
                """ : "NOTHING")}
            RETURNING xmax = 0
            """, connection, tx);
        cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = conciergeId });
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = buildingId });
        cmd.Parameters.Add(new NpgsqlParameter<int> { TypedValue = settings.LeadMinutes });
        cmd.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = settings.Alerts });
        cmd.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = settings.Channels });
        cmd.Parameters.Add(new NpgsqlParameter<TimeOnly?> { TypedValue = settings.QuietFrom, NpgsqlDbType = NpgsqlDbType.Time });
        cmd.Parameters.Add(new NpgsqlParameter<TimeOnly?> { TypedValue = settings.QuietTo, NpgsqlDbType = NpgsqlDbType.Time });
        cmd.Parameters.Add(new NpgsqlParameter<bool> { TypedValue = settings.CollectedInQuiet });
        return await cmd.ExecuteScalarAsync(ct) is true;
    }
}
