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
    private static readonly string[] Options = ["--from", "--to", "--stops", "--fixes", "--model", "--bands", "--csv", "--test-from", "--tz", "--predictions"];

    /// <summary>Only runs starting from this local date on are scored; history (and training, without --model) come from the earlier ones.</summary>
    public DateOnly? TestFrom { get; init; }

    /// <summary>Like <see cref="TestFrom"/>, a time (with its offset) rather than a date: a trace of one day split by time of day.</summary>
    public DateTimeOffset? TestFromTime { get; init; }

    /// <summary>The trace's local time zone (IANA id), when its times do not tell it.</summary>
    public string? TimeZone { get; init; }

    /// <summary>Where to write one row per prediction with every predictor's answer.</summary>
    public string? Predictions { get; init; }

    /// <summary>The arguments, or null with what is wrong with them in <paramref name="problem"/>.</summary>
    public static EvaluateArguments? Parse(string[] args, out string problem)
    {
        ArgumentNullException.ThrowIfNull(args);
        var given = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = args is ["evaluate", ..] ? 1 : 0; i < args.Length; i++)
        {
            var name = args[i];
            problem = !Options.Contains(name) ? $"unknown option '{name}'"
                : i + 1 == args.Length || args[i + 1].StartsWith("--", StringComparison.Ordinal) ? $"{name} needs a value"
                : !given.TryAdd(name, args[++i]) ? $"{name} is given twice"
                : "";
            if (problem.Length > 0)
            {
                return null;
            }
        }

        string? Get(string name) => given.GetValueOrDefault(name);
        var (from, to) = (Date(Get("--from")), Date(Get("--to")));
        var arguments = new EvaluateArguments(from, to, Get("--stops"), Get("--fixes"), Get("--model"), Get("--bands"), Get("--csv"))
        {
            TestFrom = Date(Get("--test-from")), TestFromTime = Time(Get("--test-from")), TimeZone = Get("--tz"), Predictions = Get("--predictions"),
        };
        problem = Check(given, arguments) ?? "";
        return problem.Length == 0 ? arguments : null;
    }

    private static string? Check(Dictionary<string, string> given, EvaluateArguments a)
    {
        bool Has(string name) => given.ContainsKey(name);
        var (logged, trace) = (Has("--from") || Has("--to"),
            new[] { "--stops", "--fixes", "--model", "--bands", "--test-from", "--tz", "--predictions" }.Any(Has));
        string[] needed = logged ? ["--from", "--to"] : ["--stops", "--fixes"];
        return logged && trace ? "give --from/--to (the logged predictions) or --stops/--fixes [--model/--bands] (a recorded trace), not both"
            : !logged && !trace ? "give --from and --to (the logged predictions) or --stops and --fixes (a recorded trace)"
            : needed.FirstOrDefault(n => !Has(n)) is { } missing ? $"{missing} is missing"
            : logged && a.From is null ? $"--from '{given["--from"]}' is not a date YYYY-MM-DD"
            : logged && a.To is null ? $"--to '{given["--to"]}' is not a date YYYY-MM-DD"
            : a.From > a.To ? $"--from {given["--from"]} is after --to {given["--to"]}"
            : Has("--bands") && !Has("--model") ? "--bands needs --model (the residual bands of that model)"
            : Has("--test-from") && a.TestFrom is null && a.TestFromTime is null
                ? $"--test-from '{given["--test-from"]}' is neither a date YYYY-MM-DD nor a time with its offset (2026-02-16T13:00-05:00)"
            : new[] { a.Stops, a.Fixes, a.Model, a.Bands }.FirstOrDefault(f => f is not null && !File.Exists(f)) is { } absent ? $"no such file: {absent}"
            : new[] { ("--csv", a.Csv), ("--predictions", a.Predictions) }.FirstOrDefault(o => o.Item2 is not null
                && !Directory.Exists(Path.GetDirectoryName(Path.GetFullPath(o.Item2)))) is { Item2: not null } bad ? $"{bad.Item1} {bad.Item2}: no such directory"
            : null;
    }

    private static DateTimeOffset? Time(string? text) =>
        text is not null && text.Contains('T', StringComparison.Ordinal) && (text.EndsWith('Z') || text.LastIndexOfAny(['+', '-']) > text.IndexOf('T', StringComparison.Ordinal))
        && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var time) ? time : null;

    private static DateOnly? Date(string? text) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) ? date : null;
}
