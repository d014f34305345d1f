using System.Collections.Concurrent;
using Npgsql;
using WasteNotify.Core.Telemetry;
using WasteNotify.Service.Data;

namespace WasteNotify.Service.Ingest;

/// <summary>
/// Keeps <see cref="KnownTrucks"/> (the registered trucks and their OwnTracks devices) in step with the trucks table:
/// loaded at start before ingest judges any fix, reloaded after every change made through the API and every 30
/// seconds (for changes made by another instance or by hand). A fix of a truck it does not know is looked up once in
/// the table before being refused, so a truck registered a moment ago is not refused while the next reload is due.
/// </summary>
public sealed partial class TruckDirectory(NpgsqlDataSource db, DatabaseMigrator migrator, KnownTrucks trucks, TimeProvider time, ILogger<TruckDirectory> logger)
    : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan FirstRetry = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan MaxRetry = TimeSpan.FromSeconds(5);

    /// <summary>How long an id found missing is not looked up again: a flood of fixes of one unknown truck costs one query.</summary>
    private static readonly TimeSpan MissRemembered = TimeSpan.FromSeconds(10);
    private const int MaxRememberedMisses = 10_000;

    private readonly TaskCompletionSource _loaded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ConcurrentDictionary<string, long> _misses = new(StringComparer.Ordinal);

    /// <summary>Completes once the registry has been read the first time.</summary>
    public Task Loaded => _loaded.Task;

    public async Task ReloadAsync(CancellationToken ct)
    {
        await migrator.EnsureAsync(ct);
        await using var cmd = db.CreateCommand("SELECT id, owntracks_device FROM trucks");
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var rows = new List<(string, string?)>();
        while (await reader.ReadAsync(ct))
        {
            rows.Add((reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1)));
        }

        trucks.Replace(rows);
        _misses.Clear();
        _loaded.TrySetResult();
    }

    /// <summary>
    /// Looks up one truck id or OwnTracks <c>user/device</c> that the registry does not hold; true when the table has
    /// it (it is then added). Waits for the database while it is down: nothing can be stored meanwhile anyway.
    /// </summary>
    public async Task<bool> LookUpAsync(string? truckId, string? device, CancellationToken ct)
    {
        var key = truckId ?? "device:" + device;
        var now = time.GetTimestamp();
        if (_misses.TryGetValue(key, out var since) && time.GetElapsedTime(since, now) < MissRemembered)
        {
            return false;
        }

        await using var cmd = db.CreateCommand("""
            SELECT id, owntracks_device FROM trucks WHERE id = @id OR owntracks_device = @device OR (@user <> '' AND id = @user) LIMIT 1
            """);
        cmd.Parameters.AddWithValue("id", (object?)truckId ?? DBNull.Value);
        cmd.Parameters.AddWithValue("device", (object?)device ?? DBNull.Value);
        // OwnTracks' user is the truck's broker username: the topic form of its id.
        cmd.Parameters.AddWithValue("user", device is null ? "" : TruckIds.FromTopicForm(device.Split('/')[0]) ?? "");
        var found = await WithRetryAsync(async () =>
        {
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            return await reader.ReadAsync(ct) ? (reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1)) : ((string, string?)?)null;
        }, ct);
        if (found is { } truck)
        {
            trucks.Add(truck.Item1, truck.Item2);
            _misses.TryRemove(key, out _);
            return true;
        }

        if (_misses.Count >= MaxRememberedMisses)
        {
            _misses.Clear();
        }

        _misses[key] = now;
        return false;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await WithRetryAsync(async () =>
        {
            await ReloadAsync(stoppingToken);
            return true;
        }, stoppingToken);
        Log.Loaded(logger, trucks.Count);
        using var timer = new PeriodicTimer(Interval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await ReloadAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
            {
                Log.ReloadFailed(logger, ex.Message);
            }
        }
    }

    private async Task<T> WithRetryAsync<T>(Func<Task<T>> read, CancellationToken ct) =>
        await DatabaseRetry.Create(time, FirstRetry, MaxRetry, (ex, delay) => Log.WaitingForDatabase(logger, ex.Message, delay))
            .ExecuteAsync(async _ => await read(), ct);

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "Could not reload the truck registry ({Reason}); keeping the last one", EventName = "TruckRegistryReloadFailed")]
        public static partial void ReloadFailed(ILogger logger, string reason);

        [LoggerMessage(2, LogLevel.Warning, "The truck registry cannot be read ({Reason}); ingest waits for it, retrying in {Delay}", EventName = "TruckRegistryWaiting")]
        public static partial void WaitingForDatabase(ILogger logger, string reason, TimeSpan delay);

        [LoggerMessage(3, LogLevel.Information, "Truck registry loaded: {Count} trucks", EventName = "TruckRegistryLoaded")]
        public static partial void Loaded(ILogger logger, int count);
    }
}
