using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using WasteNotify.Service.City;
using WasteNotify.Service.Data;
using WasteNotify.Service.Tracking;

namespace WasteNotify.Service.Eta;

/// <summary>
/// <c>wastenotify train [--days N] [--today YYYY-MM-DD]</c>: trains the arrival model on the finished runs of the last N
/// days before today (<see cref="NightlyTrainingOptions.HistoryDays"/> by default), prints the held-out scores of the
/// new model, the serving one and both baselines, stores the new model and promotes it if it is better. The running
/// service picks a promoted model up within <see cref="TrackingOptions.CheckEvery"/>. Exit code 0 when a model was
/// stored (promoted or not), 1 when training could not run, 2 for a usage error.
/// </summary>
public static class TrainCommand
{
    public const string Usage = "usage: wastenotify train [--days N] [--today YYYY-MM-DD]";

    public static async Task<int> RunAsync(string[] args, IConfiguration configuration, TextWriter output, TextWriter error, TimeProvider time, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(configuration);
        var nightly = configuration.GetSection("Eta:Nightly").Get<NightlyTrainingOptions>() ?? new NightlyTrainingOptions();
        var city = configuration.GetSection("City").Get<CityOptions>() ?? new CityOptions();
        var zone = TimeZoneInfo.FindSystemTimeZoneById(city.TimeZone);
        var (days, today) = (nightly.HistoryDays, DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(time.GetUtcNow(), zone).DateTime));
        for (var i = 1; i < args.Length; i += 2)
        {
            var value = i + 1 < args.Length ? args[i + 1] : null;
            var ok = (args[i], value) switch
            {
                ("--days", { } v) => int.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out days) && days is >= 2 and <= 3_650,
                ("--today", { } v) => DateOnly.TryParseExact(v, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out today),
                _ => false,
            };
            if (!ok)
            {
                await error.WriteLineAsync($"bad option {args[i]} {value}: --days takes 2 to 3650, --today a date YYYY-MM-DD\n{Usage}");
                return 2;
            }
        }

        await using var db = await CliDatabase.OpenAsync(configuration, error, ct);
        if (db is null)
        {
            return 1;
        }

        var training = Create(db, configuration, city, zone);
        try
        {
            var result = await training.RunAsync(today, days, time, ct);
            await output.WriteAsync(result.Report.FormatTable());
            await output.WriteLineAsync(Describe(result));
            return 0;
        }
        catch (TrainingException ex)
        {
            await error.WriteLineAsync(ex.Message);
            return 1;
        }
    }

    public static string Describe(TrainingResult result) =>
        $"model version {result.Version} stored ({result.Runs} runs, {result.FirstDay:yyyy-MM-dd} to {result.LastDay:yyyy-MM-dd}, held out from {result.HoldoutFrom:yyyy-MM-dd}); "
        + (result.Promoted ? "promoted: " : "not promoted: ") + result.Reason;

    private static EtaTraining Create(NpgsqlDataSource db, IConfiguration configuration, CityOptions city, TimeZoneInfo zone)
    {
        var migrator = new DatabaseMigrator(db, NullLogger<DatabaseMigrator>.Instance);
        var map = new CityMap(db, migrator, Options.Create(city), NullLogger<CityMap>.Instance);
        return new EtaTraining(db, map, configuration.GetSection("Tracking").Get<TrackingOptions>() ?? new TrackingOptions(),
            configuration.GetSection("Eta:Training").Get<EtaTrainingOptions>() ?? new EtaTrainingOptions(), zone);
    }
}
