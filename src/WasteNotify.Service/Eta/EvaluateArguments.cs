using System.CommandLine;
using System.Globalization;

namespace WasteNotify.Service.Eta;

/// <summary>
/// The options of <c>wastenotify evaluate</c>, checked: either a date range (<see cref="From"/> and <see cref="To"/>,
/// the logged predictions) or a trace (<see cref="Stops"/> and <see cref="Fixes"/> files, optionally a <see cref="Model"/>
/// with its <see cref="Bands"/> (by default beside it), <see cref="TestFrom"/>, <see cref="TimeZone"/> and
/// <see cref="Predictions"/>, which only a trace has).
/// </summary>
public sealed record EvaluateArguments(DateOnly? From, DateOnly? To, string? Stops, string? Fixes, string? Model, string? Bands, string? Csv)
{
    /// <summary>Only runs starting from this local date on are scored; history (and training, without --model) come from the earlier ones.</summary>
    public DateOnly? TestFrom { get; init; }

    /// <summary>Like <see cref="TestFrom"/>, a time (with its offset) rather than a date: a trace of one day split by time of day.</summary>
    public DateTimeOffset? TestFromTime { get; init; }

    /// <summary>The trace's local time zone (IANA id), when its times do not tell it.</summary>
    public string? TimeZone { get; init; }

    /// <summary>Where to write one row per prediction with every predictor's answer.</summary>
    public string? Predictions { get; init; }

    /// <summary>
    /// The <c>evaluate</c> command: its options, the checks of how they combine (a usage error each) and
    /// <paramref name="run"/> given the arguments they make.
    /// </summary>
    public static Command Command(string description, Func<EvaluateArguments, CancellationToken, Task<int>> run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var from = Verbs.Date("--from", "the logged predictions: the first service day scored");
        var to = Verbs.Date("--to", "the logged predictions: the last service day scored");
        var (stops, fixes) = (Verbs.StopsFile(required: false), Verbs.FixesFile(required: false));
        var model = Verbs.ExistingFile("--model", "MODEL.zip", "a trace: the model to score beside the baselines (what train --out wrote)");
        var bands = Verbs.ExistingFile("--bands", "BANDS.json", "a trace: that model's early/late bands (by default the file train wrote beside it)");
        var testFrom = Verbs.Value("--test-from", "DATE|TIME", "a trace: score only the runs from this local date (YYYY-MM-DD) or time with its offset "
            + "(2026-02-16T13:00-05:00) on; without --model, a model is trained on the earlier ones",
            check: text => Date(text) is null && Time(text) is null ? $"--test-from '{text}' is neither a date YYYY-MM-DD nor a time with its offset (2026-02-16T13:00-05:00)" : null);
        var tz = Verbs.TimeZone();
        var predictions = Verbs.NewFile("--predictions", "PREDICTIONS.csv", "a trace: one row per prediction with every predictor's answer");
        var csv = Verbs.NewFile("--csv", "OUT.csv", "the scores by horizon as CSV");
        var command = new Command("evaluate", description) { from, to, stops, fixes, model, bands, testFrom, tz, predictions, csv };
        command.SetAction(parsed =>
        {
            var (logged, trace) = (parsed.AnyGiven(from, to), parsed.AnyGiven(stops, fixes, model, bands, testFrom, tz, predictions));
            Option[] needed = logged ? [from, to] : [stops, fixes];
            return logged && trace ? "give --from/--to (the logged predictions) or --stops/--fixes [--model/--bands] (a recorded trace), not both"
                : !logged && !trace ? "give --from and --to (the logged predictions) or --stops and --fixes (a recorded trace)"
                : needed.FirstOrDefault(o => !parsed.AnyGiven(o)) is { } missing ? $"{missing.Name} is missing"
                : parsed.GetValue(from) > parsed.GetValue(to) ? $"--from {parsed.GetValue(from):yyyy-MM-dd} is after --to {parsed.GetValue(to):yyyy-MM-dd}"
                : parsed.AnyGiven(bands) && !parsed.AnyGiven(model) ? "--bands needs --model (the residual bands of that model)"
                : null;
        }, (parsed, ct) => run(new EvaluateArguments(parsed.GetValue(from), parsed.GetValue(to), parsed.GetValue(stops), parsed.GetValue(fixes),
            parsed.GetValue(model), parsed.GetValue(bands), parsed.GetValue(csv))
        {
            TestFrom = Date(parsed.GetValue(testFrom)), TestFromTime = Time(parsed.GetValue(testFrom)), TimeZone = parsed.GetValue(tz), Predictions = parsed.GetValue(predictions),
        }, ct));
        return command;
    }

    private static DateTimeOffset? Time(string? text) =>
        text is not null && text.Contains('T', StringComparison.Ordinal) && (text.EndsWith('Z') || text.LastIndexOfAny(['+', '-']) > text.IndexOf('T', StringComparison.Ordinal))
        && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var time) ? time : null;

    private static DateOnly? Date(string? text) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) ? date : null;
}
