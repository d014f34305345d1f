using Npgsql;

namespace WasteNotify.Service.Notifications;

/// <summary>
/// GDPR erasure of a concierge, in one transaction: the concierge (their subscriptions and consent log go with them),
/// the number's opt-out and consent rows, and the number and text of their SMS (those not sent yet are suppressed).
/// Their alerts stay, with no concierge, for the KPIs.
/// </summary>
public static class ConciergeErasure
{
    /// <summary>Erases the concierge; false when there is none with this id.</summary>
    public static async Task<bool> EraseAsync(NpgsqlDataSource db, long id, DateTimeOffset now, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await using var find = new NpgsqlCommand("SELECT phone FROM concierges WHERE id = $1 FOR UPDATE", connection, tx) { Parameters = { new() { Value = id } } };
        if (await find.ExecuteScalarAsync(ct) is not string phone)
        {
            return false;
        }

        // Their SMS are found by number and by alert, which also finds those sent to a number they had before. Twilio's
        // error texts repeat the number they were given, so the attempts' details lose every number they hold.
        // The alerts are read before the concierge is deleted, which unlinks them.
        await using var batch = new NpgsqlBatch(connection, tx);
        batch.BatchCommands.Add(OutboxRecords.Command("""
            WITH erased AS (SELECT id FROM outbox WHERE to_phone = $1 OR alert_id IN (SELECT a.id FROM alerts a WHERE a.concierge_id = $2)),
            attempts AS (
                UPDATE outbox_attempts SET detail = regexp_replace(detail, '\+[0-9]{7,15}', '[erased]', 'g')
                WHERE outbox_id IN (SELECT id FROM erased) AND detail ~ '\+[0-9]{7,15}'
            )
            UPDATE outbox SET to_phone = NULL, body = NULL, updated_at = $3,
                status = CASE WHEN status = 'pending' THEN 'suppressed' ELSE status END,
                reason = CASE WHEN status = 'pending' THEN 'concierge erased' ELSE reason END
            WHERE id IN (SELECT id FROM erased)
            """, phone, id, now.ToUniversalTime()));
        batch.BatchCommands.Add(OutboxRecords.Command("DELETE FROM concierges WHERE id = $1", id));
        batch.BatchCommands.Add(OutboxRecords.Command("DELETE FROM consent_events WHERE phone = $1", phone));
        batch.BatchCommands.Add(OutboxRecords.Command("DELETE FROM sms_opt_outs WHERE phone = $1", phone));
        await batch.ExecuteNonQueryAsync(ct);
        await tx.CommitAsync(ct);
        return true;
    }
}
