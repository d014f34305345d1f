using Microsoft.Extensions.Options;
using Npgsql;
using WasteNotify.Service.City;

namespace WasteNotify.Service.Eta;

/// <summary>
/// Trains the arrival model every night at <see cref="NightlyTrainingOptions.At"/> (local time), as <c>wastenotify
/// train</c> does; tracking picks a promoted model up at its next check. Too little history is logged, not an error.
/// </summary>
public sealed partial class NightlyTrainingService(
    EtaTraining training, RunScheduler scheduler, IOptions<NightlyTrainingOptions> options, TimeProvider time, ILogger<NightlyTrainingService> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.Value.At is not { } at)
        {
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            var now = TimeZoneInfo.ConvertTime(time.GetUtcNow(), scheduler.Zone);
            var next = now.Date + at.ToTimeSpan();
            next = next <= now.DateTime ? next.AddDays(1) : next;
            await Task.Delay(new DateTimeOffset(next, scheduler.Zone.GetUtcOffset(next)) - time.GetUtcNow(), time, stoppingToken);
            var today = DateOnly.FromDateTime(next);
            try
            {
                var result = await Task.Run(() => training.RunAsync(today, options.Value.HistoryDays, time, stoppingToken), stoppingToken);
                Log.Trained(logger, TrainCommand.Describe(result));
            }
            catch (TrainingException ex)
            {
                Log.Skipped(logger, ex.Message);
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException or InvalidOperationException)
            {
                // The database away, or ML.NET refusing the rows: tomorrow night is another try.
                Log.Failed(logger, ex.Message, ex);
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Nightly training: {Outcome}", EventName = "ModelTrained")]
        public static partial void Trained(ILogger logger, string outcome);

        [LoggerMessage(2, LogLevel.Information, "Nightly training skipped: {Reason}", EventName = "TrainingSkipped")]
        public static partial void Skipped(ILogger logger, string reason);

        [LoggerMessage(3, LogLevel.Error, "Nightly training failed ({Reason}); the serving model stays", EventName = "TrainingFailed")]
        public static partial void Failed(ILogger logger, string reason, Exception exception);
    }
}
