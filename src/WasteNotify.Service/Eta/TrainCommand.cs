using System.CommandLine;
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
    public static Task<int> RunAsync(string[] args, IConfiguration configuration, TextWriter output, TextWriter error, TimeProvider time, CancellationToken ct) =>
        Verbs.RunAsync(Create(configuration, output, error, time), args, output, error, ct);

    /// <summary>The <c>train</c> verb: from the database's finished runs, or (<c>--stops --fixes --out</c>) from a recorded trace alone.</summary>
    public static Command Create(IConfiguration configuration, TextWriter output, TextWriter error, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        var days = Verbs.Whole("--days", 2, 3_650, "learn from the finished runs of the last N days before today, 2 to 3650 (default Eta:Nightly:HistoryDays)");
        var today = Verbs.Date("--today", "the day the history ends before (default: today in the city)");
        var (stops, fixes, tz) = (Verbs.StopsFile(required: false), Verbs.FixesFile(required: false), Verbs.TimeZone());
        var model = Verbs.NewFile("--out", "MODEL.zip", "from a trace: where to write the model (its bands beside it, for evaluate --model)");
        var command = new Command("train", "Trains the arrival model on the finished runs of the last days, prints its held-out scores beside the serving "
            + "model's and the baselines', stores it and promotes it if it is better (the service picks it up). With --stops, --fixes and --out: "
            + "on a recorded trace alone, no database.") { days, today, stops, fixes, model, tz };
        command.SetAction(
            parsed => !parsed.AnyGiven(stops, fixes, model, tz) ? null
                : parsed.AnyGiven(days, today) ? "--days and --today are for training from the database, not with --stops/--fixes/--out"
                : new[] { stops, fixes, model }.FirstOrDefault(o => !parsed.AnyGiven(o)) is { } missing ? $"{missing.Name} is missing"
                : null,
            (parsed, ct) => ValidatedOptions.RefusingBadConfigurationAsync(() => parsed.GetValue(stops) is { } stopsFile
                ? FromFilesAsync(stopsFile, parsed.GetRequiredValue(fixes), parsed.GetRequiredValue(model), parsed.GetValue(tz), configuration, output, error, ct)
                : FromDatabaseAsync(parsed.GetValue(days), parsed.GetValue(today), configuration, output, error, time, ct), error));
        return command;
    }

    private static async Task<int> FromDatabaseAsync(int? givenDays, DateOnly? givenToday, IConfiguration configuration, TextWriter output, TextWriter error, TimeProvider time, CancellationToken ct)
    {
        var nightly = configuration.GetValidated<NightlyTrainingOptions>("Eta:Nightly");
        var city = configuration.GetValidated<CityOptions>("City");
        var (tracking, trainingOptions) = (configuration.GetValidated<TrackingOptions>("Tracking"), configuration.GetValidated<EtaTrainingOptions>("Eta:Training"));
        var zone = TimeZoneInfo.FindSystemTimeZoneById(city.TimeZone);
        var (days, today) = (givenDays ?? nightly.HistoryDays, givenToday ?? zone.DateAt(time.GetUtcNow()));
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
    private static async Task<int> FromFilesAsync(string stops, string fixes, string zip, string? tz, IConfiguration configuration, TextWriter output, TextWriter error, CancellationToken ct)
    {
        var tracking = configuration.GetValidated<TrackingOptions>("Tracking");
        var training = configuration.GetValidated<EtaTrainingOptions>("Eta:Training");
        TraceFiles files;
        try
        {
            files = await TraceFiles.ReadAsync(stops, fixes, tz, configuration, ct);
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
            await error.WriteLineAsync($"no model trained from {stops}: {e.Message}");
            return 1;
        }

        var bands = TraceFiles.BandsPath(zip);
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
