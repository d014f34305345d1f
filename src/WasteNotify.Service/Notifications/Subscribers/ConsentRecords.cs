using Npgsql;
using WasteNotify.Core.Notifications;

namespace WasteNotify.Service.Notifications;

/// <summary>The SQL of consent: a number's STOP, START and HELP replies.</summary>
public static class ConsentRecords
{
    /// <summary>Records a reply (STOP opts the number out, START back in) and returns the language to answer in.</summary>
    public static async Task<string> ReplyAsync(NpgsqlDataSource db, string phone, SmsKeywordKind keyword, DateTimeOffset at, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await using var batch = new NpgsqlBatch(connection, tx);
        switch (keyword)
        {
            case SmsKeywordKind.Stop:
                OutboxRecords.AddOptOut(batch, phone, at, "STOP reply");
                break;
            case SmsKeywordKind.Start:
                batch.BatchCommands.Add(OutboxRecords.Command("DELETE FROM sms_opt_outs WHERE phone = $1", phone));
                AddEvent(batch, phone, "start", at, "START reply");
                break;
            case SmsKeywordKind.Help:
                AddEvent(batch, phone, "help", at, "HELP reply");
                break;
        }

        if (batch.BatchCommands.Count > 0)
        {
            await batch.ExecuteNonQueryAsync(ct);
        }

        await using var cmd = new NpgsqlCommand("SELECT language FROM concierges WHERE phone = $1", connection, tx) { Parameters = { new() { Value = phone } } };
        var language = await cmd.ExecuteScalarAsync(ct) as string;
        await tx.CommitAsync(ct);
        return language ?? Languages.French;
    }

    /// <summary>A number's consent event (stop, start, help), linked to its concierge when it has one.</summary>
    internal static void AddEvent(NpgsqlBatch batch, string phone, string kind, DateTimeOffset at, string source) =>
        batch.BatchCommands.Add(OutboxRecords.Command("""
            INSERT INTO consent_events (concierge_id, phone, kind, at, source) SELECT (SELECT id FROM concierges WHERE phone = $1), $1, $2, $3, $4
            """, phone, kind, at.ToUniversalTime(), source));
}
