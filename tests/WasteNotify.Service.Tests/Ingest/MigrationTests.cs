using WasteNotify.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using WasteNotify.Service.Data;

namespace WasteNotify.Service.Tests.Ingest;

public sealed class MigrationTests
{
    [Fact]
    public async Task Instances_starting_together_apply_each_migration_exactly_once()
    {
        await using var db = await TestDatabase.CreateAsync();
        await using var dataSource = NpgsqlDataSource.Create(db.ConnectionString);

        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ =>
            new DatabaseMigrator(dataSource, NullLogger<DatabaseMigrator>.Instance).EnsureAsync(CancellationToken.None)));

        var applied = await db.RowsAsync("SELECT version FROM schema_migrations ORDER BY version");
        Assert.Equal(DatabaseMigrator.Migrations.Select(m => m.Version), applied.Select(r => (int)r[0]));
        Assert.Equal(0L, await db.TelemetryCountAsync());
    }
}
