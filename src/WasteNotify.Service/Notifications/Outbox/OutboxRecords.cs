using System.Text.RegularExpressions;
using Npgsql;
using NpgsqlTypes;
using WasteNotify.Core.Notifications;

namespace WasteNotify.Service.Notifications;

/// <summary>The SQL of the outbox: claiming, recording attempts and Twilio's word on numbers and deliveries.</summary>
public static partial class OutboxRecords
{
    /// <summary>A text from Twilio with the phone numbers in it masked ("The 'To' number +33•••••••78 is not valid"): it is stored and shown.</summary>
    public static string? Redact(string? text) => text is null ? null : Number().Replace(text, m => PhoneNumber.Mask(m.Value));

    [GeneratedRegex(@"\+[1-9][0-9]{6,14}")]
    private static partial Regex Number();

    /// <summary>Outbox statuses in the order a message moves through them; a later report never moves one back.</summary>
    private static readonly string[] Progress = ["pending", "sending", "accepted", "queued", "sent", "delivered", "undelivered", "failed"];

    public static string Normalize(string? providerStatus) => providerStatus switch
    {
        "accepted" or "scheduled" => "accepted",
        "queued" or "sending" => "queued",
        "sent" or "delivered" or "undelivered" or "failed" => providerStatus,
        "read" => "delivered",
        "canceled" => "failed",
        _ => "accepted",
    };

    public static async Task<List<DueMessage>> ClaimAsync(NpgsqlDataSource db, int limit, DateTimeOffset now, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            UPDATE outbox o SET status = 'sending', sending_since = NULL, attempts = o.attempts + 1, updated_at = $2
            FROM (SELECT id FROM outbox WHERE status = 'pending' AND next_attempt_at <= $2 ORDER BY next_attempt_at, id LIMIT $1 FOR UPDATE SKIP LOCKED) due
            WHERE o.id = due.id
            RETURNING o.id, o.to_phone, o.body, o.attempts, o.expires_at,
                      EXISTS (SELECT 1 FROM sms_opt_outs x WHERE x.phone = o.to_phone),
                      (SELECT c.phone_problem FROM concierges c WHERE c.phone = o.to_phone)
            """);
        cmd.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit });
        cmd.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now.ToUniversalTime() });
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var due = new List<DueMessage>();
        while (await reader.ReadAsync(ct))
        {
            due.Add(new DueMessage(reader.GetInt64(0), reader.IsDBNull(1) ? null : reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2),
                reader.GetInt32(3), reader.IsDBNull(4) ? null : reader.GetFieldValue<DateTimeOffset>(4), reader.GetBoolean(5),
                reader.IsDBNull(6) ? null : reader.GetString(6)));
        }

        return due;
    }

    /// <summary>
    /// Messages left "sending" by an interruption: due again. Those whose request had left (it may have gone through)
    /// only after <paramref name="before"/>, when Twilio's callback would have settled them; those claimed but never
    /// sent at once when <paramref name="orphans"/> (at start-up: the process that claimed them is gone), and after
    /// <paramref name="before"/> otherwise (a database error between claiming and sending left them).
    /// </summary>
    public static async Task<int> RecoverAsync(NpgsqlDataSource db, DateTimeOffset before, bool orphans, DateTimeOffset now, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            UPDATE outbox SET status = 'pending', next_attempt_at = $3, updated_at = $3, reason = 'interrupted while sending; sent again'
            WHERE status = 'sending' AND (sending_since < $1 OR (sending_since IS NULL AND ($2 OR updated_at < $1)))
            """);
        cmd.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = before.ToUniversalTime() });
        cmd.Parameters.Add(new NpgsqlParameter<bool> { TypedValue = orphans });
        cmd.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now.ToUniversalTime() });
        return await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// Marks the moment the request leaves (from now on, nobody can say it was not sent), unless the concierge was
    /// erased or the number opted out while the message waited for its sender's turn: then false, and it must not go.
    /// </summary>
    public static async Task<bool> SendingAsync(NpgsqlDataSource db, long id, DateTimeOffset now, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            UPDATE outbox o SET sending_since = $2
            WHERE id = $1 AND status = 'sending' AND to_phone IS NOT NULL AND NOT EXISTS (SELECT 1 FROM sms_opt_outs x WHERE x.phone = o.to_phone)
            """);
        cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = id });
        cmd.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now.ToUniversalTime() });
        return await cmd.ExecuteNonQueryAsync(ct) == 1;
    }

    public static async Task SkipAsync(NpgsqlDataSource db, DueMessage message, string status, string reason, DateTimeOffset now, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("UPDATE outbox SET status = $2, reason = $3, updated_at = $4 WHERE id = $1 AND status = 'sending'");
        cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = message.Id });
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = status });
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = reason });
        cmd.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now.ToUniversalTime() });
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Records an attempt and its consequences in one transaction: the message's status, the attempt, and the number's.</summary>
    public static async Task RecordAsync(NpgsqlDataSource db, DueMessage message, SmsResult result, (string Status, string? Reason, DateTimeOffset NextAttempt) next,
        string? from, DateTimeOffset started, DateTimeOffset finished, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await using var batch = new NpgsqlBatch(connection, tx);
        // A status callback may have come before Twilio's answer was recorded: it is the later news, and wins.
        batch.BatchCommands.Add(Command("""
            UPDATE outbox SET status = CASE WHEN status = 'sending' THEN $2 ELSE status END, reason = $3, next_attempt_at = $4,
                              provider_sid = COALESCE(provider_sid, $5), sender = COALESCE($6, sender), error_code = CASE WHEN status = 'sending' THEN $7 ELSE COALESCE($7, error_code) END, updated_at = $8
            WHERE id = $1
            """, message.Id, next.Status, next.Reason, next.NextAttempt.ToUniversalTime(), result.Sid, from, result.ErrorCode, finished.ToUniversalTime()));
        batch.BatchCommands.Add(Command("""
            INSERT INTO outbox_attempts (outbox_id, attempt, started_at, finished_at, outcome, http_status, error_code, detail)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING
            """, message.Id, message.Attempt, started.ToUniversalTime(), finished.ToUniversalTime(), result.Outcome.ToString(), result.HttpStatus, result.ErrorCode, Redact(result.Detail)));
        if (result.Outcome == SmsOutcome.Unsubscribed)
        {
            AddOptOut(batch, message.To!, finished, "twilio 21610");
        }
        else if (result.Outcome is SmsOutcome.InvalidNumber or SmsOutcome.NotMobile)
        {
            batch.BatchCommands.Add(Command("UPDATE concierges SET phone_problem = $2, phone_problem_at = $3 WHERE phone = $1",
                message.To, result.Outcome == SmsOutcome.InvalidNumber ? "invalid" : "not_mobile", finished.ToUniversalTime()));
        }

        await batch.ExecuteNonQueryAsync(ct);
        await tx.CommitAsync(ct);
    }

    /// <summary>
    /// Twilio's status callback: moves the message forward (never back), found by its SID, or by its outbox id while its
    /// SID is not recorded yet (a callback that beats the send's answer, or settles a send a crash left unrecorded).
    /// </summary>
    public static async Task<bool> DeliveryAsync(NpgsqlDataSource db, long? outboxId, string sid, string status, int? errorCode, DateTimeOffset now,
        CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            UPDATE outbox SET status = CASE WHEN array_position($5, $3) > array_position($5, status) THEN $3 ELSE status END,
                              provider_sid = COALESCE(provider_sid, $2), error_code = COALESCE($4, error_code), updated_at = $6
            WHERE ($1::bigint IS NOT NULL AND id = $1 AND (provider_sid IS NULL OR provider_sid = $2)) OR ($1::bigint IS NULL AND provider_sid = $2)
            """);
        cmd.Parameters.Add(new NpgsqlParameter<long?> { TypedValue = outboxId, NpgsqlDbType = NpgsqlDbType.Bigint });
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = sid });
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = Normalize(status) });
        cmd.Parameters.Add(new NpgsqlParameter<int?> { TypedValue = errorCode, NpgsqlDbType = NpgsqlDbType.Integer });
        cmd.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = Progress });
        cmd.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now.ToUniversalTime() });
        return await cmd.ExecuteNonQueryAsync(ct) > 0;
    }

    internal static void AddOptOut(NpgsqlBatch batch, string phone, DateTimeOffset at, string source)
    {
        batch.BatchCommands.Add(Command("INSERT INTO sms_opt_outs (phone, opted_out_at, source) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
            phone, at.ToUniversalTime(), source));
        ConsentRecords.AddEvent(batch, phone, "stop", at, source);
    }

    internal static NpgsqlBatchCommand Command(string sql, params object?[] values)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var value in values)
        {
            command.Parameters.Add(value is null ? new NpgsqlParameter { Value = DBNull.Value } : new NpgsqlParameter { Value = value });
        }

        return command;
    }
}
