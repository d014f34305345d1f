namespace WasteNotify.Service.Data;

/// <summary>Migrates the database at start-up, retrying in the background while PostgreSQL is unreachable.</summary>
public sealed partial class MigrationService(DatabaseMigrator migrator, TimeProvider time, ILogger<MigrationService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var delay = TimeSpan.FromSeconds(1);
        while (!migrator.IsDone)
        {
            try
            {
                await migrator.EnsureAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is Npgsql.NpgsqlException or TimeoutException)
            {
                Log.Retrying(logger, ex.Message, delay);
                await Task.Delay(delay, time, stoppingToken);
                delay = TimeSpan.FromSeconds(Math.Min(delay.TotalSeconds * 2, 30));
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "Database not reachable for migrations ({Reason}); retrying in {Delay}", EventName = "MigrationRetry")]
        public static partial void Retrying(ILogger logger, string reason, TimeSpan delay);
    }
}
