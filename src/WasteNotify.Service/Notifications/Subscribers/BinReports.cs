using Npgsql;

namespace WasteNotify.Service.Notifications;

/// <summary>
/// The SQL of what concierges report of their bins (<c>bin_reports</c>, per run and building), from the building
/// page or an SMS reply: the first report of each kind stands, for the pilot's figures.
/// </summary>
public static class BinReports
{
    /// <summary>
    /// Records "out" or "in" at <paramref name="at"/> from <paramref name="source"/> (<c>page</c> or <c>sms</c>) and
    /// returns both times as they stand. Throws a foreign-key <see cref="PostgresException"/> if the run or building is gone.
    /// </summary>
    public static async Task<(DateTimeOffset? Out, DateTimeOffset? In)> RecordAsync(NpgsqlDataSource db, long runId, string buildingId, bool binsOut,
        string source, DateTimeOffset at, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        var (column, sourceColumn) = binsOut ? ("bins_out_at", "out_source") : ("bins_in_at", "in_source");
        // One statement: the row made or the first report of that kind kept; then both read back.
        await using var cmd = db.CreateCommand($"""
            INSERT INTO bin_reports (run_id, building_id, {column}, {sourceColumn}) VALUES ($1, $2, $3, $4)
            ON CONFLICT (run_id, building_id) DO UPDATE
                SET {column} = COALESCE(bin_reports.{column}, excluded.{column}), {sourceColumn} = COALESCE(bin_reports.{sourceColumn}, excluded.{sourceColumn})
            RETURNING bins_out_at, bins_in_at
            """);
        cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = runId });
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = buildingId });
        cmd.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = at.ToUniversalTime() });
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = source });
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return (Read(reader, 0), Read(reader, 1));
    }

    /// <summary>How far back an SMS reply looks for the alert it answers.</summary>
    public static readonly TimeSpan ReplyWindow = TimeSpan.FromHours(12);

    /// <summary>
    /// The collection an SMS reply from <paramref name="phone"/> is about: the run and building of the latest alert
    /// SMS to that number created within <see cref="ReplyWindow"/> of <paramref name="now"/> (a run not cancelled); null when there is none.
    /// </summary>
    public static async Task<(long RunId, string BuildingId)?> RepliedCollectionAsync(NpgsqlDataSource db, string phone, DateTimeOffset now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        await using var cmd = db.CreateCommand("""
            SELECT a.run_id, a.building_id FROM outbox o JOIN alerts a ON a.id = o.alert_id JOIN route_runs r ON r.id = a.run_id
            WHERE o.to_phone = $1 AND o.created_at BETWEEN $2 AND $3 AND r.status <> 'cancelled'
            ORDER BY o.created_at DESC, o.id DESC LIMIT 1
            """);
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = phone });
        cmd.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = (now - ReplyWindow).ToUniversalTime() });
        cmd.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now.ToUniversalTime() });
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? (reader.GetInt64(0), reader.GetString(1)) : null;
    }

    private static DateTimeOffset? Read(NpgsqlDataReader reader, int column) => reader.IsDBNull(column) ? null : reader.GetFieldValue<DateTimeOffset>(column);
}
