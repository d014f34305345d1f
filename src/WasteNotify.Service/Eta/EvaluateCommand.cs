using System.Globalization;
using System.Text.Json;
using WasteNotify.Core.City;
using WasteNotify.Core.Prediction;
using WasteNotify.Core.Prediction.Evaluation;
using WasteNotify.Core.Tracking;
using WasteNotify.Service.City;
using WasteNotify.Service.Data;
using WasteNotify.XGBoost;

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
               wastenotify evaluate --stops STOPS.csv --fixes FIXES.csv [--model MODEL.ubj --bands BANDS.json] [--csv OUT.csv]
        """;

    private static readonly string[] Options = ["--from", "--to", "--stops", "--fixes", "--model", "--bands", "--csv"];

    public static async Task<int> RunAsync(string[] args, IConfiguration configuration, TextWriter output, TextWriter error, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        if ((Parse(args, out var given) ?? Check(given)) is { } problem)
        {
            await error.WriteLineAsync($"{problem}\n{Usage}");
            return 2;
        }

        EvaluationReport report;
        if (given.ContainsKey("--from"))
        {
            var (from, to) = (Date(given["--from"])!.Value, Date(given["--to"])!.Value);
            await using var dataSource = await CliDatabase.OpenAsync(configuration, error, ct);
            if (dataSource is null)
            {
                return 1;
            }

            var logged = await LoggedPredictions.ReadAsync(dataSource, from, to, ct);
            report = EvaluationReport.Score(logged.Scored);
            await output.WriteAsync(report.FormatTable());
            await output.WriteLineAsync(logged.Summary(from, to));
        }
        else
        {
            var zoneId = configuration.GetSection("City").Get<CityOptions>()?.TimeZone ?? new CityOptions().TimeZone;
            if (!TimeZoneInfo.TryFindSystemTimeZoneById(zoneId, out var zone))
            {
                await error.WriteLineAsync($"City:TimeZone '{zoneId}' is not a known time zone");
                return 1;
            }

            if (await TraceAsync(given, zone, error, ct) is not { } traced)
            {
                return 1;
            }

            report = traced.Report;
            await output.WriteAsync(report.FormatTable());
            await output.WriteLineAsync(traced.Summary);
        }

        if (given.TryGetValue("--csv", out var csv))
        {
            await File.WriteAllTextAsync(csv, report.ToCsv(), ct);
        }

        return 0;
    }

    /// <summary>The trace's samples scored, with a line on what was left out; null when a file was refused (and said so).</summary>
    private static async Task<(EvaluationReport Report, string Summary)?> TraceAsync(
        Dictionary<string, string> given, TimeZoneInfo zone, TextWriter error, CancellationToken ct)
    {
        var (stopsFile, fixesFile) = (given["--stops"], given["--fixes"]);
        IReadOnlyList<RecordedRun> runs;
        IReadOnlyList<RunFixes> fixes;
        EtaModel? model = null;
        try
        {
            runs = await ReadAsync(stopsFile, RecordedStopsCsv.Read, ct);
            fixes = await ReadAsync(fixesFile, RecordedFixesCsv.Read, ct);
            if (given.TryGetValue("--model", out var modelFile))
            {
                model = await LoadAsync(modelFile, given["--bands"], ct);
            }
        }
        catch (ImportException e)
        {
            await error.WriteLineAsync(e.Message);
            return null;
        }

        using (model)
        {
            var physics = new PhysicsOptions();
            // Up to the last bucket's end, which it excludes: nothing further ahead is scored.
            var maxAhead = HorizonBucket.All[^1].To - TimeSpan.FromTicks(1);
            var traced = TraceSampler.Sample(runs, fixes, new TrackerOptions(), physics, zone, TimeSpan.FromMinutes(1), maxAhead);
            var report = EvaluationReport.Score(EtaTrainer.Score(traced.Samples, model, physics));
            var summary = $"{traced.Samples.Count} prediction moments from {traced.Runs} runs of {stopsFile} with fixes in {fixesFile}; "
                + $"{traced.StopsWithoutArrival} stops without arrival not scored"
                + (model is null ? "; no model (give --model and --bands to score one)" : "")
                + Listed("runs with no fixes", traced.RunsWithoutFixes) + Listed("fixes of runs with no stops", traced.FixesWithoutStops);
            return (report, summary);
        }
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
        var (ubj, bands) = (await File.ReadAllBytesAsync(modelFile, ct), await File.ReadAllTextAsync(bandsFile, ct));
        EtaModel model;
        try
        {
            model = EtaModel.Load(ubj, bands);
        }
        catch (XGBoostException e)
        {
            // The library's first line says what; the rest is its native stack.
            throw new ImportException(modelFile, "booster", e.Message.Split('\n')[0]);
        }
        catch (Exception e) when (e is JsonException or ArgumentException)
        {
            throw new ImportException(bandsFile, "bands", e.Message);
        }

        if (model.Bands.Count == 0)
        {
            model.Dispose();
            throw new ImportException(bandsFile, "bands", "holds no residual band");
        }

        return model;
    }

    private static string Listed(string what, IReadOnlyList<string> runs) =>
        runs.Count == 0 ? "" : $"; {what}: {string.Join(", ", runs.Take(5))}{(runs.Count > 5 ? $" and {runs.Count - 5} more" : "")}";

    /// <summary>Reads the options into <paramref name="given"/>; returns what is wrong with them, or null.</summary>
    private static string? Parse(string[] args, out Dictionary<string, string> given)
    {
        given = new Dictionary<string, string>(StringComparer.Ordinal);
        if (args is not ["evaluate", .. var rest])
        {
            return "not an evaluate command";
        }

        for (var i = 0; i < rest.Length; i++)
        {
            var name = rest[i];
            if (!Options.Contains(name))
            {
                return $"unknown option '{name}'";
            }

            if (i + 1 == rest.Length || rest[i + 1].StartsWith("--", StringComparison.Ordinal))
            {
                return $"{name} needs a value";
            }

            if (!given.TryAdd(name, rest[++i]))
            {
                return $"{name} is given twice";
            }
        }

        return null;
    }

    /// <summary>What is wrong with the options given, or null.</summary>
    private static string? Check(Dictionary<string, string> given)
    {
        bool Has(string name) => given.ContainsKey(name);
        var (logged, trace) = (Has("--from") || Has("--to"), Has("--stops") || Has("--fixes") || Has("--model") || Has("--bands"));
        if (logged == trace)
        {
            return logged ? "give --from/--to (the logged predictions) or --stops/--fixes [--model/--bands] (a recorded trace), not both"
                : "give --from and --to (the logged predictions) or --stops and --fixes (a recorded trace)";
        }

        string[] needed = logged ? ["--from", "--to"] : ["--stops", "--fixes"];
        if (needed.FirstOrDefault(n => !Has(n)) is { } missing)
        {
            return $"{missing} is missing";
        }

        if (logged)
        {
            var (from, to) = (Date(given["--from"]), Date(given["--to"]));
            return from is null ? $"--from '{given["--from"]}' is not a date YYYY-MM-DD"
                : to is null ? $"--to '{given["--to"]}' is not a date YYYY-MM-DD"
                : from > to ? $"--from {given["--from"]} is after --to {given["--to"]}"
                : CsvProblem(given);
        }

        if (Has("--model") != Has("--bands"))
        {
            return "--model and --bands go together (the booster and its residual bands)";
        }

        return new[] { "--stops", "--fixes", "--model", "--bands" }.Where(Has).Select(n => given[n]).FirstOrDefault(f => !File.Exists(f)) is { } absent
            ? $"no such file: {absent}"
            : CsvProblem(given);
    }

    private static string? CsvProblem(Dictionary<string, string> given) =>
        given.TryGetValue("--csv", out var csv) && !Directory.Exists(Path.GetDirectoryName(Path.GetFullPath(csv)))
            ? $"--csv {csv}: no such directory"
            : null;

    private static DateOnly? Date(string text) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) ? date : null;
}
