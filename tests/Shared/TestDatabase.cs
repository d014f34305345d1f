using Npgsql;

namespace WasteNotify.Testing;

/// <summary>A fresh database per test on the shared cluster (or a private one), dropped afterwards.</summary>
public sealed class TestDatabase : IAsyncDisposable
{
    private readonly string _server;

    private TestDatabase(string server, string name)
    {
        _server = server;
        Name = name;
        ConnectionString = new NpgsqlConnectionStringBuilder(server) { Database = name, Pooling = true }.ConnectionString;
    }

    /// <summary>
    /// A test's checking queries scan whole tables (a million rows in the crash test); on a shared two-core machine
    /// that can take longer than Npgsql's 30 s default, which is a slow machine, not a wrong answer.
    /// </summary>
    private const int CheckTimeoutSeconds = 600;

    public string Name { get; }

    public string ConnectionString { get; }

    public static async Task<TestDatabase> CreateAsync(string? server = null)
    {
        var database = new TestDatabase(server ?? TestEnvironment.PostgresServer, TestEnvironment.UniqueName("wn_test"));
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(database._server) { Database = "postgres", Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        await using var cmd = new NpgsqlCommand($"CREATE DATABASE \"{database.Name}\"", connection);
        await cmd.ExecuteNonQueryAsync();
        return database;
    }

    public async Task<T> ScalarAsync<T>(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, connection) { CommandTimeout = CheckTimeoutSeconds };
        return (T)(await cmd.ExecuteScalarAsync())!;
    }

    public async Task<List<object[]>> RowsAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, connection) { CommandTimeout = CheckTimeoutSeconds };
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
