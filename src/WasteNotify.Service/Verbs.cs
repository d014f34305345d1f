using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Parsing;
using System.Globalization;
using WasteNotify.Service.Eta;
using WasteNotify.Service.Ingest;
using WasteNotify.Service.Pilot;
using WasteNotify.Service.Security;

namespace WasteNotify.Service;

/// <summary>
/// The command-line verbs (<c>wastenotify apikey | broker | telemetry | evaluate | import-runs | train | pilot-report</c>) as one
/// System.CommandLine tree: each verb's command is built by its feature (<c>ApiKeyCommand.Create</c>, ...), which
/// states its options, their help and their checks; this parses, prints a usage error with the verb's help and
/// runs the verb with the caller's cancellation (signals stay <see cref="CommandCancellation"/>'s: the library's own
/// handling is off).
/// </summary>
public static class Verbs
{
    /// <summary>The exit code of a usage error: an unknown option, a missing or malformed value, a file that is not there.</summary>
    public const int UsageExitCode = 2;

    /// <summary>Whether <paramref name="args"/> name a verb (or ask for help) rather than start the service.</summary>
    public static bool AreFor(string[] args) =>
        args is [var first, ..] && (first is "-h" or "--help" or "-?"
            || All(new ConfigurationBuilder().Build(), TextWriter.Null, TextWriter.Null, TimeProvider.System).Any(verb => verb.Name == first));

    /// <summary>Parses <paramref name="args"/> against every verb and runs the one they name.</summary>
    public static Task<int> RunAsync(string[] args, IConfiguration configuration, TextWriter output, TextWriter error, TimeProvider time, CancellationToken ct) =>
        InvokeAsync(Root(All(configuration, output, error, time)), args, output, error, ct);

    /// <summary>Parses <paramref name="args"/> (starting with the verb's name) against <paramref name="verb"/> alone and runs it.</summary>
    public static Task<int> RunAsync(Command verb, string[] args, TextWriter output, TextWriter error, CancellationToken ct) =>
        InvokeAsync(Root(verb), args, output, error, ct);

    /// <summary>
    /// An option taking one value that is not another option (<c>--stops --fixes f.csv</c> is refused, not read as a file
    /// named "--fixes"), judged by <paramref name="check"/> (its problem, or null) when given.
    /// </summary>
    public static Option<string> Value(string name, string helpName, string description, bool required = false, Func<string, string?>? check = null)
    {
        var option = new Option<string>(name) { HelpName = helpName, Description = description, Required = required };
        option.Validators.Add(result =>
        {
            if (result.Tokens is not [{ Value: var value }])
            {
                return; // missing or repeated: the parser says so
            }

            if ((value.StartsWith("--", StringComparison.Ordinal) ? $"{name} needs a value (the next argument, {value}, is an option)" : check?.Invoke(value)) is { } problem)
            {
                result.AddError(problem);
            }
        });
        return option;
    }

    /// <summary>A file to read: refused unless it is there.</summary>
    public static Option<string> ExistingFile(string name, string helpName, string description, bool required = false) =>
        Value(name, helpName, description, required, path => File.Exists(path) ? null : $"no such file: {path}");

    /// <summary>A file to write: refused unless its directory is there.</summary>
    public static Option<string> NewFile(string name, string helpName, string description, bool required = false) =>
        Value(name, helpName, description, required,
            path => Directory.Exists(Path.GetDirectoryName(Path.GetFullPath(path))) ? null : $"{name} {path}: no such directory");

    /// <summary>A local date written YYYY-MM-DD.</summary>
    public static Option<DateOnly?> Date(string name, string description) => new(name)
    {
        HelpName = "YYYY-MM-DD",
        Description = description,
        CustomParser = result =>
        {
            var text = result.Tokens.Single().Value;
            if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
            {
                return date;
            }

            result.AddError($"{name} '{text}' is not a date YYYY-MM-DD");
            return null;
        },
    };

    /// <summary>A whole number from <paramref name="min"/> to <paramref name="max"/>; anything else ("abc", "1.5", out of range) is a usage error naming it.</summary>
    public static Option<int?> Whole(string name, int min, int max, string description) => new(name)
    {
        HelpName = "N",
        Description = description,
        CustomParser = result =>
        {
            var text = result.Tokens.Single().Value;
            if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
            {
                return value;
            }

            result.AddError(string.Create(CultureInfo.InvariantCulture, $"{name} takes {min} to {max}, not '{text}'"));
            return null;
        },
    };

    /// <summary>The <c>--tz</c> of the verbs reading recorded traces.</summary>
    public static Option<string> TimeZone() =>
        Value("--tz", "ZONE", "the trace's local time zone (IANA id, e.g. America/New_York) when its times do not tell it; it must be the city's (City:TimeZone)");

    /// <summary>The <c>--stops</c> of the verbs reading recorded runs (RecordedStopsCsv).</summary>
    public static Option<string> StopsFile(bool required) => ExistingFile("--stops", "STOPS.csv",
        "the runs' stops: run_id, sequence, lat, lon, arrival, optionally departure, building_id, outcome (served or skipped), route_id, truck_id", required);

    /// <summary>The <c>--fixes</c> of the verbs reading recorded runs (RecordedFixesCsv).</summary>
    public static Option<string> FixesFile(bool required) => ExistingFile("--fixes", "FIXES.csv",
        "the runs' GPS fixes: run_id, time, lat, lon, optionally speed_mps, heading_deg", required);

    /// <summary>The <c>--skip-bad</c> of the imports.</summary>
    public static Option<bool> SkipBad() => new("--skip-bad") { Description = "refused rows are left out on purpose: exit 0 (they are still listed)" };

    /// <summary>Whether any of <paramref name="options"/> is on the command line.</summary>
    public static bool AnyGiven(this ParseResult parsed, params Option[] options) => options.Any(o => parsed.GetResult(o) is { Implicit: false });

    /// <summary>
    /// Sets the command's <paramref name="action"/>, run once <paramref name="check"/> (how the options combine, each
    /// option being valid by then) finds no problem; a problem is a usage error like a parse error.
    /// </summary>
    public static void SetAction(this Command command, Func<ParseResult, string?> check, Func<ParseResult, CancellationToken, Task<int>> action) =>
        command.SetAction(async (parsed, ct) => check(parsed) is { } problem ? await UsageErrorAsync(parsed, [problem], ct) : await action(parsed, ct));

    private static Command[] All(IConfiguration configuration, TextWriter output, TextWriter error, TimeProvider time) =>
    [
        ApiKeyCommand.Create(configuration, output, error),
        BrokerCommand.Create(configuration, output, error),
        TelemetryImportCommand.Create(configuration, output, error, time),
        EvaluateCommand.Create(configuration, output, error),
        ImportRunsCommand.Create(configuration, output, error, time),
        TrainCommand.Create(configuration, output, error, time),
        PilotReportCommand.Create(configuration, output, error, time),
    ];

    private static Command Root(params Command[] verbs)
    {
        var root = new Command("wastenotify", "WasteNotify. Without a verb it runs the service (settings from appsettings.json, the environment "
            + "and --Section:Key=value arguments); with one, it runs that verb against the same settings and database.") { new HelpOption() };
        foreach (var verb in verbs)
        {
            root.Add(verb);
        }

        return root;
    }

    private static async Task<int> InvokeAsync(Command root, string[] args, TextWriter output, TextWriter error, CancellationToken ct)
    {
        var parsed = root.Parse(args);
        var invocation = new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null };
        if (parsed.Errors.Count > 0)
        {
            return await UsageErrorAsync(parsed, parsed.Errors.Select(e => e.Message), invocation, ct);
        }

        return await parsed.InvokeAsync(invocation, ct);
    }

    private static Task<int> UsageErrorAsync(ParseResult parsed, IEnumerable<string> problems, CancellationToken ct) =>
        UsageErrorAsync(parsed, problems, parsed.InvocationConfiguration, ct);

    /// <summary>The problems, then the help of the command they are about (as its --help prints it), on the error output.</summary>
    private static async Task<int> UsageErrorAsync(ParseResult parsed, IEnumerable<string> problems, InvocationConfiguration invocation, CancellationToken ct)
    {
        foreach (var problem in problems)
        {
            await invocation.Error.WriteLineAsync(problem);
        }

        await invocation.Error.WriteLineAsync();
        var path = new List<string>(["--help"]);
        for (var command = parsed.CommandResult; command.Parent is CommandResult parent; command = parent)
        {
            path.Insert(0, command.Command.Name);
        }

        await parsed.RootCommandResult.Command.Parse(path).InvokeAsync(new InvocationConfiguration { Output = invocation.Error, Error = invocation.Error }, ct);
        return UsageExitCode;
    }
}
