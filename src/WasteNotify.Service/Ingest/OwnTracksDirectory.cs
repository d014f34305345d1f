using System.Collections.Frozen;
using Npgsql;
using WasteNotify.Service.Data;

namespace WasteNotify.Service.Ingest;

/// <summary>
/// OwnTracks <c>user/device</c> to truck id, from the trucks table: reloaded after every change made through the
/// API and every 30 seconds (for changes made by another instance), read lock-free by ingest.
/// </summary>
public sealed partial class OwnTracksDirectory(NpgsqlDataSource db, DatabaseMigrator migrator, TimeProvider time, ILogger<OwnTracksDirectory> logger) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(30);
    private FrozenDictionary<string, string> _devices = FrozenDictionary<string, string>.Empty;

    public string? TruckOf(string device) => _devices.GetValueOrDefault(device);

    public async Task ReloadAsync(CancellationToken ct)
    {
        await migrator.EnsureAsync(ct);
        await using var cmd = db.CreateCommand("SELECT owntracks_device, id FROM trucks WHERE owntracks_device IS NOT NULL");
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var devices = new Dictionary<string, string>(StringComparer.Ordinal);
        while (await reader.ReadAsync(ct))
        {
            devices[reader.GetString(0)] = reader.GetString(1);
        }

        _devices = devices.ToFrozenDictionary(StringComparer.Ordinal);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        do
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
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "Could not reload the OwnTracks devices of the trucks ({Reason}); keeping the last ones", EventName = "OwnTracksReloadFailed")]
        public static partial void ReloadFailed(ILogger logger, string reason);
    }
}
