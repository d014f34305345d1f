using Npgsql;
using NpgsqlTypes;
using WasteNotify.Core.Telemetry;

namespace WasteNotify.Service.Ingest;

/// <summary>
/// Writes fixes with binary COPY into a per-transaction staging table, then moves them into the partitioned
/// telemetry table, where the primary key turns a repeated (truck, timestamp) into a no-op.
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

        await using (var create = new NpgsqlCommand("""
            CREATE TEMP TABLE telemetry_staging (LIKE telemetry) ON COMMIT DROP
            """, connection, tx))
        {
            await create.ExecuteNonQueryAsync(cancellationToken);
        }

        await using (var copy = await connection.BeginBinaryImportAsync("""
            COPY telemetry_staging (truck_id, ts, lat, lon, speed_mps, heading_deg, accuracy_m, seq, source, received_at)
            FROM STDIN (FORMAT BINARY)
            """, cancellationToken))
        {
            foreach (var fix in fixes)
            {
                await copy.StartRowAsync(cancellationToken);
                await copy.WriteAsync(fix.TruckId, NpgsqlDbType.Text, cancellationToken);
                await copy.WriteAsync(fix.Timestamp, NpgsqlDbType.TimestampTz, cancellationToken);
                await copy.WriteAsync(fix.Latitude, NpgsqlDbType.Double, cancellationToken);
                await copy.WriteAsync(fix.Longitude, NpgsqlDbType.Double, cancellationToken);
                await WriteNullableAsync(copy, fix.SpeedMetersPerSecond, cancellationToken);
                await WriteNullableAsync(copy, fix.HeadingDegrees, cancellationToken);
                await WriteNullableAsync(copy, fix.AccuracyMeters, cancellationToken);
                if (fix.Sequence is { } seq)
                {
                    await copy.WriteAsync(seq, NpgsqlDbType.Bigint, cancellationToken);
                }
                else
                {
                    await copy.WriteNullAsync(cancellationToken);
                }

                await copy.WriteAsync((short)fix.Source, NpgsqlDbType.Smallint, cancellationToken);
                await copy.WriteAsync(fix.ReceivedAt, NpgsqlDbType.TimestampTz, cancellationToken);
            }

            await copy.CompleteAsync(cancellationToken);
        }

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

    private static async Task WriteNullableAsync(NpgsqlBinaryImporter copy, float? value, CancellationToken cancellationToken)
    {
        if (value is { } v)
        {
            await copy.WriteAsync(v, NpgsqlDbType.Real, cancellationToken);
        }
        else
        {
            await copy.WriteNullAsync(cancellationToken);
        }
    }
}
