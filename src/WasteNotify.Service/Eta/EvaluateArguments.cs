using System.Globalization;

namespace WasteNotify.Service.Eta;

/// <summary>
/// The options of <c>wastenotify evaluate</c>, checked: either a date range (<see cref="From"/> and <see cref="To"/>,
/// the logged predictions) or a trace (<see cref="Stops"/> and <see cref="Fixes"/> files, with <see cref="Model"/> and
/// <see cref="Bands"/> together or neither).
/// </summary>
public sealed record EvaluateArguments(DateOnly? From, DateOnly? To, string? Stops, string? Fixes, string? Model, string? Bands, string? Csv)
{
    private static readonly string[] Options = ["--from", "--to", "--stops", "--fixes", "--model", "--bands", "--csv"];

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
        var arguments = new EvaluateArguments(from, to, Get("--stops"), Get("--fixes"), Get("--model"), Get("--bands"), Get("--csv"));
        problem = Check(given, arguments) ?? "";
        return problem.Length == 0 ? arguments : null;
    }

    private static string? Check(Dictionary<string, string> given, EvaluateArguments a)
    {
        bool Has(string name) => given.ContainsKey(name);
        var (logged, trace) = (Has("--from") || Has("--to"), Has("--stops") || Has("--fixes") || Has("--model") || Has("--bands"));
        string[] needed = logged ? ["--from", "--to"] : ["--stops", "--fixes"];
        return logged && trace ? "give --from/--to (the logged predictions) or --stops/--fixes [--model/--bands] (a recorded trace), not both"
            : !logged && !trace ? "give --from and --to (the logged predictions) or --stops and --fixes (a recorded trace)"
            : needed.FirstOrDefault(n => !Has(n)) is { } missing ? $"{missing} is missing"
            : logged && a.From is null ? $"--from '{given["--from"]}' is not a date YYYY-MM-DD"
            : logged && a.To is null ? $"--to '{given["--to"]}' is not a date YYYY-MM-DD"
            : a.From > a.To ? $"--from {given["--from"]} is after --to {given["--to"]}"
            : Has("--model") != Has("--bands") ? "--model and --bands go together (the model and its residual bands)"
            : new[] { a.Stops, a.Fixes, a.Model, a.Bands }.FirstOrDefault(f => f is not null && !File.Exists(f)) is { } absent ? $"no such file: {absent}"
            : a.Csv is not null && !Directory.Exists(Path.GetDirectoryName(Path.GetFullPath(a.Csv))) ? $"--csv {a.Csv}: no such directory"
            : null;
    }

    private static DateOnly? Date(string? text) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) ? date : null;
}
