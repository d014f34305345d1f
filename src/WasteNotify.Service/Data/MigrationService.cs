namespace WasteNotify.Service.Data;

/// <summary>
/// Migrates the database once, before the other hosted services start (it is the first registered, and the host runs
/// every <see cref="IHostedLifecycleService.StartingAsync"/> before any start). A database that cannot be reached then
/// does not keep the service from starting: the migrations are retried in the background with back-off, and each stage
/// that needs the database waits for them (<see cref="DatabaseMigrator.EnsureAsync"/> returns at once when done).
/// </summary>
public sealed partial class MigrationService(DatabaseMigrator migrator, TimeProvider time, ILogger<MigrationService> logger)
    : BackgroundService, IHostedLifecycleService
{
    /// <summary>How long start-up waits for the database before leaving the migrations to the background.</summary>
    private static readonly TimeSpan AtStart = TimeSpan.FromSeconds(10);

    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bound.CancelAfter(AtStart);
        try
        {
            await migrator.EnsureAsync(bound.Token);
        }
        catch (Exception ex) when (ex is Npgsql.NpgsqlException or TimeoutException
            || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            Log.NotAtStart(logger, ex.Message);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!migrator.IsDone)
        {
            var retry = DatabaseRetry.Create(time, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30), (ex, delay) => Log.Retrying(logger, ex.Message, delay));
            await retry.ExecuteAsync(async ct => await migrator.EnsureAsync(ct), stoppingToken);
        }
    }

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "Database not reachable for migrations ({Reason}); retrying in {Delay}", EventName = "MigrationRetry")]
        public static partial void Retrying(ILogger logger, string reason, TimeSpan delay);

        [LoggerMessage(2, LogLevel.Warning, "Database not reachable at start-up ({Reason}): the service starts, and migrates once it is", EventName = "MigrationDeferred")]
        public static partial void NotAtStart(ILogger logger, string reason);
    }
}
