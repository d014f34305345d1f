using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using WasteNotify.Core.City;
using WasteNotify.Core.Prediction;
using WasteNotify.Core.Prediction.Evaluation;
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
    public const string Usage = """
        usage: wastenotify train [--days N] [--today YYYY-MM-DD]
               wastenotify train --stops STOPS.csv --fixes FIXES.csv --out MODEL.zip [--tz ZONE]
        """;

    public static async Task<int> RunAsync(string[] args, IConfiguration configuration, TextWriter output, TextWriter error, TimeProvider time, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        return await ValidatedOptions.RefusingBadConfigurationAsync(() => TrainAsync(args, configuration, output, error, time, ct), error);
    }

    private static async Task<int> TrainAsync(string[] args, IConfiguration configuration, TextWriter output, TextWriter error, TimeProvider time, CancellationToken ct)
    {
        if (args.Contains("--stops") || args.Contains("--fixes") || args.Contains("--out"))
        {
            return await FromFilesAsync(args, configuration, output, error, ct);
        }

        var nightly = configuration.GetValidated<NightlyTrainingOptions>("Eta:Nightly");
        var city = configuration.GetValidated<CityOptions>("City");
        var (tracking, trainingOptions) = (configuration.GetValidated<TrackingOptions>("Tracking"), configuration.GetValidated<EtaTrainingOptions>("Eta:Training"));
        var zone = TimeZoneInfo.FindSystemTimeZoneById(city.TimeZone);
        var (days, today) = (nightly.HistoryDays, zone.DateAt(time.GetUtcNow()));
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

        var training = Create(db, city, tracking, trainingOptions, zone);
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

    /// <summary>
    /// The files form: a model trained on a recorded trace alone (no database), its last
    /// <see cref="EtaTrainingOptions.HoldoutDays"/> days held out to choose per horizon and calibrate; written as ML.NET's
    /// zip with its bands beside it (<see cref="TraceFiles.BandsPath"/>), for <c>evaluate --model</c>.
    /// </summary>
    private static async Task<int> FromFilesAsync(string[] args, IConfiguration configuration, TextWriter output, TextWriter error, CancellationToken ct)
    {
        var tracking = configuration.GetValidated<TrackingOptions>("Tracking");
        var training = configuration.GetValidated<EtaTrainingOptions>("Eta:Training");
        var given = new Dictionary<string, string>(StringComparer.Ordinal);
        string? problem = null;
        for (var i = args is ["train", ..] ? 1 : 0; i < args.Length && problem is null; i += 2)
        {
            problem = args[i] is not ("--stops" or "--fixes" or "--out" or "--tz") ? $"unknown option '{args[i]}' with --stops"
                : i + 1 == args.Length ? $"{args[i]} needs a value"
                : !given.TryAdd(args[i], args[i + 1]) ? $"{args[i]} is given twice"
                : null;
        }

        problem ??= new[] { "--stops", "--fixes", "--out" }.FirstOrDefault(o => !given.ContainsKey(o)) is { } missing ? $"{missing} is missing"
            : new[] { given["--stops"], given["--fixes"] }.FirstOrDefault(f => !File.Exists(f)) is { } absent ? $"no such file: {absent}"
            : !Directory.Exists(Path.GetDirectoryName(Path.GetFullPath(given["--out"]))) ? $"--out {given["--out"]}: no such directory"
            : null;
        if (problem is not null)
        {
            await error.WriteLineAsync($"{problem}\n{Usage}");
            return 2;
        }

        TraceFiles files;
        try
        {
            files = await TraceFiles.ReadAsync(given["--stops"], given["--fixes"], given.GetValueOrDefault("--tz"), configuration, ct);
        }
        catch (ImportException e)
        {
            await error.WriteLineAsync(e.Message);
            return 1;
        }

        var physics = tracking.Physics();
        var traced = TraceSampler.Sample(files.Runs, files.Fixes, tracking.Tracker([]), physics, files.Zone, training.SampleEvery, training.MaxAhead);
        (EtaModel Model, string HeldOut, List<EtaSample> Samples) trained;
        try
        {
            trained = EtaTrainer.TrainOnTrace(traced.Traced, files.Zone, training);
        }
        catch (ArgumentException e)
        {
            await error.WriteLineAsync($"no model trained from {given["--stops"]}: {e.Message}");
            return 1;
        }

        var (zip, bands) = (given["--out"], TraceFiles.BandsPath(given["--out"]));
        await File.WriteAllBytesAsync(zip, trained.Model.Save(), ct);
        await File.WriteAllTextAsync(bands, trained.Model.BandsJson(), ct);
        await output.WriteAsync(EvaluationReport.Score(EtaTrainer.Score(trained.Samples, trained.Model, physics)).FormatTable());
        await output.WriteLineAsync($"model written to {zip} with its bands in {bands}: {traced.Traced.Count} runs; held out {trained.HeldOut} "
            + "(scored above: they chose and calibrated what is served, so evaluate --test-from gives the unbiased score); "
            + $"local time in {files.ZoneSource}; serving {trained.Model.DescribeChoices()}");
        return 0;
    }

    public static string Describe(TrainingResult result) =>
        $"model version {result.Version} stored ({result.Runs} runs, {result.FirstDay:yyyy-MM-dd} to {result.LastDay:yyyy-MM-dd}, held out from {result.HoldoutFrom:yyyy-MM-dd}); "
        + (result.Promoted ? "promoted: " : "not promoted: ") + result.Reason;

    private static EtaTraining Create(NpgsqlDataSource db, CityOptions city, TrackingOptions tracking, EtaTrainingOptions training, TimeZoneInfo zone)
    {
        var migrator = new DatabaseMigrator(db, NullLogger<DatabaseMigrator>.Instance);
        var map = new CityMap(db, migrator, Options.Create(city), NullLogger<CityMap>.Instance);
        return new EtaTraining(db, map, tracking, training, zone);
    }
}
