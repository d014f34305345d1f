using Microsoft.Extensions.Options;
using Npgsql;
using WasteNotify.Core.City;
using WasteNotify.Service.Data;

namespace WasteNotify.Service.City;

/// <summary>Creates each day's route runs from the routes' weekly schedules: today's and tomorrow's, every hour.</summary>
public sealed partial class RunScheduler(NpgsqlDataSource db, DatabaseMigrator migrator, IOptions<CityOptions> options, TimeProvider time, ILogger<RunScheduler> logger) : BackgroundService
{
    public TimeZoneInfo Zone { get; } = TimeZoneInfo.FindSystemTimeZoneById(options.Value.TimeZone);

    /// <summary>Creates the runs of one local date that do not exist yet; returns how many were created.</summary>
    public async Task<int> CreateRunsAsync(DateOnly date, CancellationToken ct)
    {
        // planned_start is the route's local start time on that date, in the city's zone. A route's scheduled run exists
        // once a day (route_runs_scheduled); one added at the same start is the same run.
        await using var cmd = db.CreateCommand("""
            INSERT INTO route_runs (route_id, service_date, truck_id, planned_start)
            SELECT id, @date, truck_id, (@date + planned_start) AT TIME ZONE @zone
            FROM routes
            WHERE planned_start IS NOT NULL AND @weekday = ANY (weekdays)
            ON CONFLICT DO NOTHING
            """);
        cmd.Parameters.AddWithValue("date", date);
        cmd.Parameters.AddWithValue("zone", Zone.Id);
        cmd.Parameters.AddWithValue("weekday", (short)date.DayOfWeek);
        return await cmd.ExecuteNonQueryAsync(ct);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromHours(1), time);
        do
        {
            try
            {
                await migrator.EnsureAsync(stoppingToken);
                var today = Zone.DateAt(time.GetUtcNow());
                var created = await CreateRunsAsync(today, stoppingToken) + await CreateRunsAsync(today.AddDays(1), stoppingToken);
                if (created > 0)
                {
                    Log.Created(logger, created, today);
                }
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
            {
                Log.Failed(logger, ex.Message);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Created {Count} route runs for {Today} and the day after", EventName = "RunsCreated")]
        public static partial void Created(ILogger logger, int count, DateOnly today);

        [LoggerMessage(2, LogLevel.Warning, "Could not create route runs ({Reason}); retrying within the hour", EventName = "RunsFailed")]
        public static partial void Failed(ILogger logger, string reason);
    }
}
