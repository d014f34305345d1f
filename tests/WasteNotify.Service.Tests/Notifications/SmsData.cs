using Npgsql;
using NpgsqlTypes;
using WasteNotify.Core.Notifications;
using WasteNotify.Testing;

namespace WasteNotify.Service.Tests.Notifications;

/// <summary>
/// Concierges and outbox messages inserted with SQL (with the least city rows their keys need: one building, one route,
/// a run per message for its alert), and the outbox, its attempts and the consent tables read back.
/// </summary>
internal sealed class SmsData(NpgsqlDataSource db)
{
    private bool _city;
    private int _runs;

    public async Task<long> ConciergeAsync(string phone, string language = Languages.French)
    {
        await using var cmd = db.CreateCommand("""
            INSERT INTO concierges (name, phone, language, consent_at, consent_source) VALUES ('Concierge', $1, $2, now(), 'test') RETURNING id
            """);
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = phone });
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = language });
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    /// <summary>A pending SMS to the concierge, due now, behind an 'approaching' alert of a run of its own.</summary>
    public Task<long> MessageAsync(long conciergeId, string body, DateTimeOffset? expiresAt = null) =>
        InsertAsync(conciergeId, body, expiresAt, sendingSince: null);

    /// <summary>An SMS a crash left 'sending' (first attempt claimed, never recorded) that long ago.</summary>
    public Task<long> LeftSendingAsync(long conciergeId, string body, TimeSpan ago) =>
        InsertAsync(conciergeId, body, expiresAt: null, sendingSince: DateTimeOffset.UtcNow - ago);

    /// <summary>An SMS a crashed dispatcher had claimed but not sent yet (no request had left).</summary>
    public Task<long> LeftClaimedAsync(long conciergeId, string body, TimeSpan? ago = null) =>
        InsertAsync(conciergeId, body, expiresAt: null, sendingSince: null, claimedOnly: true, claimedAt: ago is { } a ? DateTimeOffset.UtcNow - a : null);

    /// <summary>A pending SMS of a concierge erased since: the alert has no concierge, the message no number and no text.</summary>
    public async Task<long> ErasedMessageAsync()
    {
        await EnsureCityAsync();
        await using var cmd = db.CreateCommand("""
            WITH run AS (
                INSERT INTO route_runs (route_id, service_date, planned_start) VALUES ('r-sms', DATE '2026-01-05' + $1, now()) RETURNING id),
            alert AS (
                INSERT INTO alerts (run_id, building_id, concierge_id, kind, at, channels) SELECT id, 'b-sms', NULL, 'approaching', now(), '{sms}' FROM run RETURNING id)
            INSERT INTO outbox (alert_id, to_phone, body, status, next_attempt_at) SELECT id, NULL, NULL, 'pending', now() FROM alert RETURNING id
            """);
        cmd.Parameters.Add(new NpgsqlParameter<int> { TypedValue = _runs++ });
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    public async Task<OutboxRow> OutboxAsync(long id)
    {
        await using var cmd = db.CreateCommand("SELECT status, reason, attempts, provider_sid, error_code, sender FROM outbox WHERE id = $1");
        cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = id });
        await using var reader = await cmd.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync(), $"no outbox row {id}");
        return new OutboxRow(id, reader.GetString(0), Text(reader, 1), reader.GetInt32(2), Text(reader, 3), reader.IsDBNull(4) ? null : reader.GetInt32(4),
            Text(reader, 5));
    }

    /// <summary>Polls the row until it has this status; fails with the row and its attempts otherwise.</summary>
    public async Task<OutboxRow> WaitForStatusAsync(long id, string status)
    {
        OutboxRow? last = null;
        if (await TestEnvironment.EventuallyAsync(async () => (last = await OutboxAsync(id)).Status == status, SmsRig.Timeout))
        {
            return last!;
        }

        Assert.Fail($"Outbox {id} did not become {status} within {SmsRig.Timeout}: {last}; attempts: [{string.Join(", ", await AttemptsAsync(id))}]");
        return last!;
    }

    public async Task<List<AttemptRow>> AttemptsAsync(long id)
    {
        await using var cmd = db.CreateCommand("""
            SELECT attempt, started_at, finished_at, outcome, http_status, error_code, detail FROM outbox_attempts WHERE outbox_id = $1 ORDER BY attempt
            """);
        cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = id });
        await using var reader = await cmd.ExecuteReaderAsync();
        var attempts = new List<AttemptRow>();
        while (await reader.ReadAsync())
        {
            attempts.Add(new AttemptRow(reader.GetInt32(0), reader.GetFieldValue<DateTimeOffset>(1), reader.GetFieldValue<DateTimeOffset>(2), reader.GetString(3),
                reader.IsDBNull(4) ? null : reader.GetInt32(4), reader.IsDBNull(5) ? null : reader.GetInt32(5), Text(reader, 6)));
        }

        return attempts;
    }

    /// <summary>The source of the number's opt-out, or null when it is not opted out.</summary>
    public async Task<string?> OptOutAsync(string phone)
    {
        await using var cmd = db.CreateCommand("SELECT source FROM sms_opt_outs WHERE phone = $1");
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = phone });
        return await cmd.ExecuteScalarAsync() as string;
    }

    public async Task<List<ConsentRow>> ConsentEventsAsync(string phone)
    {
        await using var cmd = db.CreateCommand("SELECT kind, concierge_id, source FROM consent_events WHERE phone = $1 ORDER BY id");
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = phone });
        await using var reader = await cmd.ExecuteReaderAsync();
        var events = new List<ConsentRow>();
        while (await reader.ReadAsync())
        {
            events.Add(new ConsentRow(reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetInt64(1), reader.GetString(2)));
        }

        return events;
    }

    public async Task<string?> PhoneProblemAsync(long conciergeId)
    {
        await using var cmd = db.CreateCommand("SELECT phone_problem FROM concierges WHERE id = $1");
        cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = conciergeId });
        return await cmd.ExecuteScalarAsync() as string;
    }

    public async Task<long> CountAsync(string table)
    {
        await using var cmd = db.CreateCommand($"SELECT count(*) FROM {table}");
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    private async Task<long> InsertAsync(long conciergeId, string body, DateTimeOffset? expiresAt, DateTimeOffset? sendingSince, bool claimedOnly = false,
        DateTimeOffset? claimedAt = null)
    {
        await EnsureCityAsync();
        await using var cmd = db.CreateCommand("""
            WITH run AS (
                INSERT INTO route_runs (route_id, service_date, planned_start) VALUES ('r-sms', DATE '2026-01-05' + $1, now()) RETURNING id),
            alert AS (
                INSERT INTO alerts (run_id, building_id, concierge_id, kind, at, channels) SELECT id, 'b-sms', $2, 'approaching', now(), '{sms}' FROM run RETURNING id)
            INSERT INTO outbox (alert_id, to_phone, body, status, attempts, next_attempt_at, expires_at, updated_at, sending_since)
            SELECT id, (SELECT phone FROM concierges WHERE id = $2), $3, CASE WHEN $5::timestamptz IS NULL AND NOT $6 THEN 'pending' ELSE 'sending' END,
                   CASE WHEN $5::timestamptz IS NULL AND NOT $6 THEN 0 ELSE 1 END, now(), $4, COALESCE($5, $7, now()), $5
            FROM alert RETURNING id
            """);
        cmd.Parameters.Add(new NpgsqlParameter<int> { TypedValue = _runs++ });
        cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = conciergeId });
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = body });
        cmd.Parameters.Add(new NpgsqlParameter<DateTimeOffset?> { TypedValue = expiresAt?.ToUniversalTime(), NpgsqlDbType = NpgsqlDbType.TimestampTz });
        cmd.Parameters.Add(new NpgsqlParameter<DateTimeOffset?> { TypedValue = sendingSince?.ToUniversalTime(), NpgsqlDbType = NpgsqlDbType.TimestampTz });
        cmd.Parameters.Add(new NpgsqlParameter<bool> { TypedValue = claimedOnly });
        cmd.Parameters.Add(new NpgsqlParameter<DateTimeOffset?> { TypedValue = claimedAt?.ToUniversalTime(), NpgsqlDbType = NpgsqlDbType.TimestampTz });
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    private async Task EnsureCityAsync()
    {
        if (_city)
        {
            return;
        }

        await using var cmd = db.CreateCommand("""
            INSERT INTO buildings (id, address, lat, lon, bins) VALUES ('b-sms', '12 rue de la Paix', 48.8690, 2.3310, 4) ON CONFLICT DO NOTHING;
            INSERT INTO routes (id, path) VALUES ('r-sms', '{48.8600, 2.3300, 48.8690, 2.3310, 48.8600, 2.3300}') ON CONFLICT DO NOTHING;
            """);
        await cmd.ExecuteNonQueryAsync();
        _city = true;
    }

    private static string? Text(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);
}

internal sealed record OutboxRow(long Id, string Status, string? Reason, int Attempts, string? ProviderSid, int? ErrorCode, string? Sender);

internal sealed record AttemptRow(int Attempt, DateTimeOffset StartedAt, DateTimeOffset FinishedAt, string Outcome, int? HttpStatus, int? ErrorCode, string? Detail);

internal sealed record ConsentRow(string Kind, long? ConciergeId, string Source);
