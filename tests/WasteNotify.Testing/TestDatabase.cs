using Npgsql;

namespace WasteNotify.Testing;

/// <summary>A fresh database per test on the shared cluster (or a private one), dropped afterwards.</summary>
public sealed class TestDatabase : IAsyncDisposable
{
    private readonly string _server;
    private readonly string _checks;

    private TestDatabase(string server, string name)
    {
        _server = server;
        Name = name;
        // Connecting may take longer than Npgsql's 15 s when dozens of test hosts start at once on two shared cores (a
        // connect timeout at start-up was this suite's most frequent flake); a real server is not slower to judge by it.
        ConnectionString = new NpgsqlConnectionStringBuilder(server) { Database = name, Pooling = true, Timeout = ConnectTimeoutSeconds }.ConnectionString;
        // The checks' own sessions: memory enough that a DISTINCT over a million rows hashes in memory instead of
        // spilling to temporary files, which on a shared machine's slow disk took minutes.
        _checks = new NpgsqlConnectionStringBuilder(ConnectionString) { Options = "-c work_mem=256MB" }.ConnectionString;
    }

    /// <summary>
    /// A test's checking queries scan whole tables (a million rows in the crash test: about a second here); on a shared
    /// two-core machine that can take longer than Npgsql's 30 s default, which is a slow machine, not a wrong answer.
    /// Longer than this is a session blocking it, and the timeout says which (<see cref="ActivityAsync"/>).
    /// </summary>
    private const int CheckTimeoutSeconds = 180;

    /// <summary>Connecting, for the test's hosts and for creating the database (see the constructor).</summary>
    private const int ConnectTimeoutSeconds = 60;

    public string Name { get; }

    public string ConnectionString { get; }

    public static async Task<TestDatabase> CreateAsync(string? server = null)
    {
        var database = new TestDatabase(server ?? TestEnvironment.PostgresServer, TestEnvironment.UniqueName("wn_test"));
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(database._server) { Database = "postgres", Pooling = false, Timeout = ConnectTimeoutSeconds }.ConnectionString);
        await connection.OpenAsync();
        await using var cmd = new NpgsqlCommand($"CREATE DATABASE \"{database.Name}\"", connection);
        await cmd.ExecuteNonQueryAsync();
        return database;
    }

    public async Task<T> ScalarAsync<T>(string sql)
    {
        await using var connection = new NpgsqlConnection(_checks);
        await connection.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, connection) { CommandTimeout = CheckTimeoutSeconds };
        try
        {
            return (T)(await cmd.ExecuteScalarAsync())!;
        }
        catch (NpgsqlException ex) when (ex.InnerException is TimeoutException)
        {
            throw new TimeoutException($"'{sql}' took over {CheckTimeoutSeconds} s; the database's sessions then:\n{await ActivityAsync()}", ex);
        }
    }

    /// <summary>What every session of this database is doing and waiting for, and who blocks it: what a stuck check needs to be explained.</summary>
    public async Task<string> ActivityAsync()
    {
        try
        {
            await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(ConnectionString) { Pooling = false, Timeout = 10 }.ConnectionString);
            await connection.OpenAsync();
            await using var cmd = new NpgsqlCommand("""
                SELECT string_agg(format('pid %s %s %s/%s xact %s blocked by %s: %s', pid, state, wait_event_type, wait_event,
                                         now() - xact_start, pg_blocking_pids(pid), left(regexp_replace(query, '\s+', ' ', 'g'), 160)), E'\n' ORDER BY xact_start)
                FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()
                """, connection) { CommandTimeout = 10 };
            return await cmd.ExecuteScalarAsync() as string ?? "(no other session)";
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            return $"(could not be read: {e.Message})";
        }
    }

    public async Task<List<object[]>> RowsAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(_checks);
        await connection.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, connection) { CommandTimeout = CheckTimeoutSeconds };
        try
        {
            await using var reader = await cmd.ExecuteReaderAsync();
            var rows = new List<object[]>();
            while (await reader.ReadAsync())
            {
                var row = new object[reader.FieldCount];
                reader.GetValues(row);
                rows.Add(row);
            }

            return rows;
        }
        catch (NpgsqlException ex) when (ex.InnerException is TimeoutException)
        {
            throw new TimeoutException($"'{sql}' took over {CheckTimeoutSeconds} s; the database's sessions then:\n{await ActivityAsync()}", ex);
        }
    }

    /// <summary>Rows in telemetry, or -1 while the table does not exist yet.</summary>
    public async Task<long> TelemetryCountAsync()
    {
        try
        {
            return await ScalarAsync<long>("SELECT count(*) FROM telemetry");
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            return -1;
        }
        catch (NpgsqlException)
        {
            return -1;
        }
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        try
        {
            await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(_server) { Database = "postgres", Pooling = false }.ConnectionString);
            await connection.OpenAsync();
            await using var cmd = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{Name}\" WITH (FORCE)", connection);
            await cmd.ExecuteNonQueryAsync();
        }
        catch (NpgsqlException)
        {
            // A private cluster may already be gone.
        }
    }
}
