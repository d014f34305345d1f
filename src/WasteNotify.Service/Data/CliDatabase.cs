using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace WasteNotify.Service.Data;

/// <summary>The database for a command-line verb: configured, migrated; null (with the reason written) when not configured.</summary>
public static class CliDatabase
{
    public static async Task<NpgsqlDataSource?> OpenAsync(IConfiguration configuration, TextWriter error, CancellationToken ct)
    {
        var connectionString = configuration.GetConnectionString("WasteNotify");
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            await error.WriteLineAsync("ConnectionStrings:WasteNotify is not set (environment: ConnectionStrings__WasteNotify)");
            return null;
        }

        var dataSource = NpgsqlDataSource.Create(connectionString);
        try
        {
            await new DatabaseMigrator(dataSource, NullLogger<DatabaseMigrator>.Instance).EnsureAsync(ct);
            return dataSource;
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            await dataSource.DisposeAsync();
            await error.WriteLineAsync($"cannot open the database of ConnectionStrings:WasteNotify ({new NpgsqlConnectionStringBuilder(connectionString).Host}): {e.Message}");
            return null;
        }
    }
}
