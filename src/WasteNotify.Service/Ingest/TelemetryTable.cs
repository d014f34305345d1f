using Npgsql;
using NpgsqlTypes;
using WasteNotify.Core.Telemetry;

namespace WasteNotify.Service.Ingest;

/// <summary>
/// Writes fixes with binary COPY into the partitioned telemetry table, where the primary key makes a repeated
/// (truck, timestamp) a duplicate that is stored once.
/// </summary>
public sealed class TelemetryTable(NpgsqlDataSource dataSource)
{
    private readonly HashSet<DateOnly> _knownPartitions = [];

    /// <summary>Returns how many fixes were new; the rest were duplicates.</summary>
    public async Task<int> InsertAsync(IReadOnlyList<TelemetryFix> fixes, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await EnsurePartitionsAsync(connection, fixes, cancellationToken);
        await using var tx = await connection.BeginTransactionAsync(cancellationToken);

        // Repeats are rare (a tracker resending after a lost PUBACK), so COPY straight into the table first; a
        // repeat aborts that COPY with a unique violation, and only then does the batch go through staging.
        await tx.SaveAsync("direct", cancellationToken);
        try
        {
            await CopyAsync(connection, "telemetry", fixes, cancellationToken);
            await tx.CommitAsync(cancellationToken);
            return fixes.Count;
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            await tx.RollbackAsync("direct", cancellationToken);
        }

        await using (var create = new NpgsqlCommand("""
            CREATE TEMP TABLE telemetry_staging (LIKE telemetry) ON COMMIT DROP
            """, connection, tx))
        {
            await create.ExecuteNonQueryAsync(cancellationToken);
        }

        await CopyAsync(connection, "telemetry_staging", fixes, cancellationToken);
        int inserted;
        await using (var move = new NpgsqlCommand("""
            INSERT INTO telemetry
            SELECT DISTINCT ON (truck_id, ts) * FROM telemetry_staging ORDER BY truck_id, ts, received_at
            ON CONFLICT (truck_id, ts) DO NOTHING
            """, connection, tx))
        {
            inserted = await move.ExecuteNonQueryAsync(cancellationToken);
        }

        await tx.CommitAsync(cancellationToken);
        return inserted;
    }

    private static async Task CopyAsync(NpgsqlConnection connection, string table, IReadOnlyList<TelemetryFix> fixes, CancellationToken cancellationToken)
    {
        await using var copy = await connection.BeginBinaryImportAsync($"""
            COPY {table} (truck_id, ts, lat, lon, speed_mps, heading_deg, accuracy_m, seq, source, received_at)
            FROM STDIN (FORMAT BINARY)
            """, cancellationToken);

        // Synchronous writes fill Npgsql's buffer without a state machine per field; it flushes to the socket
        // when full, so the only blocking is the network write the async form would have awaited anyway.
        foreach (var fix in fixes)
        {
            copy.StartRow();
            copy.Write(fix.TruckId, NpgsqlDbType.Text);
            copy.Write(fix.Timestamp, NpgsqlDbType.TimestampTz);
            copy.Write(fix.Latitude, NpgsqlDbType.Double);
            copy.Write(fix.Longitude, NpgsqlDbType.Double);
            WriteNullable(copy, fix.SpeedMetersPerSecond, NpgsqlDbType.Real);
            WriteNullable(copy, fix.HeadingDegrees, NpgsqlDbType.Real);
            WriteNullable(copy, fix.AccuracyMeters, NpgsqlDbType.Real);
            WriteNullable(copy, fix.Sequence, NpgsqlDbType.Bigint);
            copy.Write((short)fix.Source, NpgsqlDbType.Smallint);
            copy.Write(fix.ReceivedAt, NpgsqlDbType.TimestampTz);
        }

        await copy.CompleteAsync(cancellationToken);
    }

    /// <summary>Forgets which partitions exist, after one went missing under us.</summary>
    public void ForgetPartitions()
    {
        lock (_knownPartitions)
        {
            _knownPartitions.Clear();
        }
    }

    private async Task EnsurePartitionsAsync(NpgsqlConnection connection, IReadOnlyList<TelemetryFix> fixes, CancellationToken cancellationToken)
    {
        List<DateOnly> missing;
        lock (_knownPartitions)
        {
            missing = [.. fixes.Select(f => DateOnly.FromDateTime(f.Timestamp.UtcDateTime)).Distinct().Where(d => !_knownPartitions.Contains(d))];
        }

        if (missing.Count == 0)
        {
            return;
        }

        // Outside the COPY's transaction: a partition, once made, stays even if the batch must be retried.
        await using (var cmd = new NpgsqlCommand("SELECT telemetry_ensure_partition(d) FROM unnest(@days) AS d", connection))
        {
            cmd.Parameters.AddWithValue("days", missing.ToArray());
            await cmd.ExecuteNonQueryAsync(cancellationToken);
        }

        lock (_knownPartitions)
        {
            _knownPartitions.UnionWith(missing);
        }
    }

    private static void WriteNullable<T>(NpgsqlBinaryImporter copy, T? value, NpgsqlDbType type)
        where T : struct
    {
        if (value is { } v)
        {
            copy.Write(v, type);
        }
        else
        {
            copy.WriteNull();
        }
    }
}
