using System.CommandLine;
using WasteNotify.Core.City;
using WasteNotify.Core.Prediction;
using WasteNotify.Core.Prediction.Evaluation;
using WasteNotify.Core.Tracking;
using WasteNotify.Service.Data;
using WasteNotify.Service.Tracking;

namespace WasteNotify.Service.Eta;

/// <summary>
/// <c>wastenotify evaluate</c>: arrival predictions scored against actual arrivals by horizon bucket, the model and
/// both baselines side by side, either as the service logged them for runs of a date range, or replayed here from a
/// recorded trace (<see cref="TraceSampler"/>; the model only when given). Exit code 0, 1 for a refused file or an
/// unusable configuration, 2 for a usage error.
/// </summary>
public static class EvaluateCommand
{
    public static Task<int> RunAsync(string[] args, IConfiguration configuration, TextWriter output, TextWriter error, CancellationToken ct) =>
        Verbs.RunAsync(Create(configuration, output, error), args, output, error, ct);

    /// <summary>The <c>evaluate</c> verb (its options are <see cref="EvaluateArguments"/>).</summary>
    public static Command Create(IConfiguration configuration, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return EvaluateArguments.Command("Arrival predictions scored against the actual arrivals by horizon, the model beside the naive and physics "
            + "baselines: those the service logged for the runs of --from to --to, or replayed from a recorded trace (--stops, --fixes).",
            (given, ct) => ValidatedOptions.RefusingBadConfigurationAsync(() => EvaluateAsync(given, configuration, output, error, ct), error));
    }

    private static async Task<int> EvaluateAsync(EvaluateArguments given, IConfiguration configuration, TextWriter output, TextWriter error, CancellationToken ct)
    {
        // The configuration is judged first, as the host judges it at start.
        var (tracking, training) = (configuration.GetValidated<TrackingOptions>("Tracking"), configuration.GetValidated<EtaTrainingOptions>("Eta:Training"));
        var result = given is { From: { } from, To: { } to }
            ? await LoggedAsync(configuration, from, to, error, ct)
            : await TraceAsync(given, configuration, tracking, training, error, ct);
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

    /// <summary>
    /// The trace's samples scored (only the runs from --test-from on, when given, with a model trained on the earlier
    /// ones unless one is given), with what was left out, the next stop's table, the tracker's own decisions against
    /// the file's and warnings on figures that say the trace was misread; null when a file or the configuration was
    /// refused (and said so).
    /// </summary>
    private static async Task<(EvaluationReport Report, string Summary)?> TraceAsync(
        EvaluateArguments given, IConfiguration configuration, TrackingOptions tracking, EtaTrainingOptions training, TextWriter error, CancellationToken ct)
    {
        var (stopsFile, fixesFile) = (given.Stops!, given.Fixes!);
        TraceFiles files;
        EtaModel? model = null;
        try
        {
            files = await TraceFiles.ReadAsync(stopsFile, fixesFile, given.TimeZone, configuration, ct);
            if (given.Model is { } modelFile)
            {
                model = await TraceFiles.LoadModelAsync(modelFile, given.Bands, ct);
            }
        }
        catch (ImportException e)
        {
            await error.WriteLineAsync(e.Message);
            return null;
        }

        var (tracker, physics) = (tracking.Tracker([]), tracking.Physics());
        // Up to the last bucket's end, which it excludes: nothing further ahead is scored.
        var maxAhead = HorizonBucket.All[^1].To - TimeSpan.FromTicks(1);
        var traced = TraceSampler.Sample(files.Runs, files.Fixes, tracker, physics, files.Zone, training.SampleEvery,
            given.TestFrom is null ? maxAhead : training.MaxAhead);
        // A date is the city's midnight starting it.
        DateTimeOffset? cut = given.TestFromTime
            ?? (given.TestFrom is { } day ? new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), files.Zone.GetUtcOffset(day.ToDateTime(TimeOnly.MinValue))) : null);
        var tested = traced.Traced.Where(r => cut is null || r.FirstFix >= cut).ToList();
        var trainedNote = "";
        if (cut is { } from)
        {
            var earlier = traced.Traced.Where(r => r.FirstFix < from).ToList();
            if (tested.Count == 0)
            {
                await error.WriteLineAsync($"no run of {stopsFile} starts at or after --test-from {from:yyyy-MM-dd HH:mm zzz} ({files.ZoneSource})");
                return null;
            }

            if (model is null)
            {
                try
                {
                    var trained = EtaTrainer.TrainOnTrace(earlier, files.Zone, training);
                    model = trained.Model;
                    trainedNote = $"; model trained here on the {earlier.Count} runs before {from:yyyy-MM-dd HH:mm zzz}, held out {trained.HeldOut} to choose and calibrate, serving {model.DescribeChoices()}";
                }
                catch (ArgumentException e)
                {
                    await error.WriteLineAsync($"no model could be trained on the runs before --test-from {from:yyyy-MM-dd HH:mm zzz}: {e.Message} (or give --model)");
                    return null;
                }
            }

            trainedNote += $"; scored: the {tested.Count} runs from {from:yyyy-MM-dd HH:mm zzz} on, the {earlier.Count} earlier ones history only";
        }

        List<(TracedRun Run, EtaSample Sample)> items = [.. tested.SelectMany(r => r.Samples.Where(s => s.LabelSeconds < maxAhead.TotalSeconds).Select(s => (r, s)))];
        List<EtaSample> samples = [.. items.Select(x => x.Sample)];
        List<ScoredPrediction[]> predicted = [.. EtaTrainer.Predict(samples, model, physics)
            .Select((etas, i) => etas.Select(e => EtaTrainer.Scored(e.Predictor, samples[i], e.Eta)).ToArray())];
        var report = EvaluationReport.Score(predicted.SelectMany(p => p));
        var next = EvaluationReport.Score(predicted.Where((_, i) => samples[i].Ahead == 0).SelectMany(p => p));
        var testedIds = tested.Select(r => r.Run.RunId).ToHashSet(StringComparer.Ordinal);
        var agreement = TrackerAgreement.Score([.. files.Runs.Where(r => testedIds.Contains(r.RunId))], files.Fixes, tracker);
        if (given.Predictions is { } predictionsFile)
        {
            await using var writer = File.CreateText(predictionsFile);
            PredictionsCsv.Write(writer, items, predicted);
        }

        var summary = $"{samples.Count} predictions (a stop to come, each minute) from {tested.Count} runs of {stopsFile} with fixes in {fixesFile}; "
            + $"{traced.StopsWithoutArrival} stops without arrival not scored; local time in {files.ZoneSource}"
            + (model is null ? "; no model (give --model, or --test-from to train one on the earlier days)" : "")
            + trainedNote
            + Listed("runs with no fixes", traced.RunsWithoutFixes) + Listed("fixes of runs with no stops", traced.FixesWithoutStops)
            + "\n\nnext stop only (the first stop still to come at each moment):\n" + next.FormatTable()
            + "\n" + agreement.Format() + Warnings(report, agreement);
        return (report, summary);
    }

    /// <summary>What says the figures rest on a misread trace: a tracker that disagrees with the file, or a baseline off by many minutes close in.</summary>
    private static string Warnings(EvaluationReport report, TrackerAgreement agreement)
    {
        var warnings = new List<string>();
        if (agreement.Stops > 0 && Math.Max(agreement.ServedAgreement, agreement.ReachedAgreement) < 0.8)
        {
            warnings.Add($"the tracker's decisions agree with the file's for only {Math.Max(agreement.ServedAgreement, agreement.ReachedAgreement):P0} of stops, "
                + "so the predictors see runs unlike the file's: check the Tracking settings against the trace (stop radius, fix interval)");
        }

        foreach (var bucket in HorizonBucket.All.Take(2))
        {
            if (report.Find(Predictors.Physics, bucket) is { MeanAbsoluteError: var mae } && mae > TimeSpan.FromMinutes(10))
            {
                warnings.Add($"physics is off by {mae.TotalMinutes:0} min on average {bucket.Name} ahead: stops out of order, a wrong zone or stops the tracker never decides?");
            }
        }

        return string.Concat(warnings.Select(w => $"warning: {w}\n"));
    }

    private static string Listed(string what, IReadOnlyList<string> runs) =>
        runs.Count == 0 ? "" : $"; {what}: {string.Join(", ", runs.Take(5))}{(runs.Count > 5 ? $" and {runs.Count - 5} more" : "")}";
}
