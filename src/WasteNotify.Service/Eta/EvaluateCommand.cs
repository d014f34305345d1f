using System.Text.Json;
using WasteNotify.Core.City;
using WasteNotify.Core.Prediction;
using WasteNotify.Core.Prediction.Evaluation;
using WasteNotify.Core.Tracking;
using WasteNotify.Service.City;
using WasteNotify.Service.Data;

namespace WasteNotify.Service.Eta;

/// <summary>
/// <c>wastenotify evaluate</c>: arrival predictions scored against actual arrivals by horizon bucket, the model and
/// both baselines side by side, either as the service logged them for runs of a date range, or replayed here from a
/// recorded trace (<see cref="TraceSampler"/>; the model only when given). Exit code 0, 1 for a refused file or an
/// unusable configuration, 2 for a usage error.
/// </summary>
public static class EvaluateCommand
{
    public const string Usage = """
        usage: wastenotify evaluate --from YYYY-MM-DD --to YYYY-MM-DD [--csv OUT.csv]
               wastenotify evaluate --stops STOPS.csv --fixes FIXES.csv [--model MODEL.zip --bands BANDS.json] [--csv OUT.csv]
        """;

    public static async Task<int> RunAsync(string[] args, IConfiguration configuration, TextWriter output, TextWriter error, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        if (EvaluateArguments.Parse(args, out var problem) is not { } given)
        {
            await error.WriteLineAsync($"{problem}\n{Usage}");
            return 2;
        }

        var result = given is { From: { } from, To: { } to }
            ? await LoggedAsync(configuration, from, to, error, ct)
            : await TraceAsync(given, configuration, error, ct);
        if (result is not { } scored)
        {
            return 1;
        }

        var (report, summary) = scored;
        await output.WriteAsync(report.FormatTable());
        await output.WriteLineAsync(summary);
        if (given.Csv is { } csv)
        {
            await File.WriteAllTextAsync(csv, report.ToCsv(), ct);
        }

        return 0;
    }

    /// <summary>The logged predictions scored, with a line on what was left out; null when there is no database (and said so).</summary>
    private static async Task<(EvaluationReport Report, string Summary)?> LoggedAsync(
        IConfiguration configuration, DateOnly from, DateOnly to, TextWriter error, CancellationToken ct)
    {
        await using var dataSource = await CliDatabase.OpenAsync(configuration, error, ct);
        if (dataSource is null)
        {
            return null;
        }

        var logged = await LoggedPredictions.ReadAsync(dataSource, from, to, ct);
        return (EvaluationReport.Score(logged.Scored), logged.Summary(from, to));
    }

    /// <summary>The trace's samples scored, with a line on what was left out; null when a file or the configuration was refused (and said so).</summary>
    private static async Task<(EvaluationReport Report, string Summary)?> TraceAsync(
        EvaluateArguments given, IConfiguration configuration, TextWriter error, CancellationToken ct)
    {
        // The model's time-of-day and weekday features are local to the city.
        var zoneId = configuration.GetSection("City").Get<CityOptions>()?.TimeZone ?? new CityOptions().TimeZone;
        if (!TimeZoneInfo.TryFindSystemTimeZoneById(zoneId, out var zone))
        {
            await error.WriteLineAsync($"City:TimeZone '{zoneId}' is not a known time zone");
            return null;
        }

        var (stopsFile, fixesFile) = (given.Stops!, given.Fixes!);
        IReadOnlyList<RecordedRun> runs;
        IReadOnlyList<RunFixes> fixes;
        EtaModel? model = null;
        try
        {
            runs = await ReadAsync(stopsFile, RecordedStopsCsv.Read, ct);
            fixes = await ReadAsync(fixesFile, RecordedFixesCsv.Read, ct);
            if (given is { Model: { } modelFile, Bands: { } bandsFile })
            {
                model = await LoadAsync(modelFile, bandsFile, ct);
            }
        }
        catch (ImportException e)
        {
            await error.WriteLineAsync(e.Message);
            return null;
        }

        var physics = new PhysicsOptions();
        // Up to the last bucket's end, which it excludes: nothing further ahead is scored.
        var maxAhead = HorizonBucket.All[^1].To - TimeSpan.FromTicks(1);
        var traced = TraceSampler.Sample(runs, fixes, new TrackerOptions(), physics, zone, TimeSpan.FromMinutes(1), maxAhead);
        var report = EvaluationReport.Score(EtaTrainer.Score(traced.Samples, model, physics));
        var summary = $"{traced.Samples.Count} predictions (a stop to come, each minute) from {traced.Runs} runs of {stopsFile} with fixes in {fixesFile}; "
            + $"{traced.StopsWithoutArrival} stops without arrival not scored"
            + (model is null ? "; no model (give --model and --bands to score one)" : "")
            + Listed("runs with no fixes", traced.RunsWithoutFixes) + Listed("fixes of runs with no stops", traced.FixesWithoutStops);
        return (report, summary);
    }

    private static async Task<T> ReadAsync<T>(string file, Func<TextReader, T> read, CancellationToken ct)
    {
        var text = await File.ReadAllTextAsync(file, ct);
        try
        {
            return read(new StringReader(text));
        }
        catch (ImportException e)
        {
            throw new ImportException($"{file}: {e.Location}", e.Field, e.Problem);
        }
    }

    private static async Task<EtaModel> LoadAsync(string modelFile, string bandsFile, CancellationToken ct)
    {
        var (bytes, bands) = (await File.ReadAllBytesAsync(modelFile, ct), await File.ReadAllTextAsync(bandsFile, ct));
        EtaModel model;
        try
        {
            model = EtaModel.Load(bytes, bands);
        }
        catch (ArgumentException e) when (e.ParamName is "model" or "zip")
        {
            throw new ImportException(modelFile, "model", e.Message[..e.Message.IndexOf(" (Parameter", StringComparison.Ordinal)]);
        }
        catch (Exception e) when (e is JsonException or ArgumentException)
        {
            throw new ImportException(bandsFile, "bands", e.Message);
        }

        if (model.Bands.Count == 0)
        {
            throw new ImportException(bandsFile, "bands", "holds no residual band");
        }

        return model;
    }

    private static string Listed(string what, IReadOnlyList<string> runs) =>
        runs.Count == 0 ? "" : $"; {what}: {string.Join(", ", runs.Take(5))}{(runs.Count > 5 ? $" and {runs.Count - 5} more" : "")}";
}
