using WasteNotify.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
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

    [Fact]
    public async Task The_database_is_migrated_before_any_other_hosted_service_starts()
    {
        await using var db = await TestDatabase.CreateAsync();
        var (host, probe) = Host(db.ConnectionString);
        using (host)
        {
            await host.StartAsync(TestContext.Current.CancellationToken);
            Assert.True(probe.MigratedWhenStarted);
            await host.StopAsync(TestContext.Current.CancellationToken);
        }
    }

    [Fact]
    public async Task A_database_unreachable_at_start_up_does_not_keep_the_service_from_starting()
    {
        var (host, probe) = Host("Host=127.0.0.1;Port=1;Username=nobody;Timeout=3");
        using (host)
        {
            await host.StartAsync(TestContext.Current.CancellationToken);
            Assert.False(probe.MigratedWhenStarted);
            Assert.True(probe.Started);
            await host.StopAsync(TestContext.Current.CancellationToken);
        }
    }

    private static (IHost Host, StartProbe Probe) Host(string connectionString)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(_ => NpgsqlDataSource.Create(connectionString));
        builder.Services.AddSingleton<DatabaseMigrator>();
        builder.Services.AddHostedService<MigrationService>();
        builder.Services.AddSingleton<StartProbe>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<StartProbe>());
        var host = builder.Build();
        return (host, host.Services.GetRequiredService<StartProbe>());
    }

    /// <summary>A hosted service registered after the migrations, as every stage is: what it sees when it starts.</summary>
    private sealed class StartProbe(DatabaseMigrator migrator) : IHostedService
    {
        public bool Started { get; private set; }

        public bool MigratedWhenStarted { get; private set; }

        public Task StartAsync(CancellationToken cancellationToken)
        {
            (Started, MigratedWhenStarted) = (true, migrator.IsDone);
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
