using System.Diagnostics;
using Microsoft.Extensions.Configuration;

namespace WasteNotify.Service.Tests;

/// <summary>
/// The command line as an operator meets it: <c>--help</c> at every level, a usage error named with the help of the
/// command it is about on stderr and exit 2, and the service started only when no verb is named.
/// </summary>
public sealed class VerbsTests
{
    private static readonly IConfiguration Empty = new ConfigurationBuilder().Build();

    [Fact]
    public async Task The_top_help_lists_every_verb_and_says_that_without_one_the_service_runs()
    {
        var (exit, output, error) = await RunAsync("--help");

        Assert.Equal(0, exit);
        Assert.Equal("", error);
        Assert.Contains("Without a verb it runs the service", output, StringComparison.Ordinal);
        foreach (var verb in new[] { "apikey", "broker", "telemetry", "evaluate", "import-runs", "train", "pilot-report" })
        {
            Assert.Matches($@"(?m)^  {verb}\s+\S", output);
        }
    }

    [Theory]
    [InlineData("apikey create", "--role <admin|operator|pilot> (REQUIRED)")]
    [InlineData("apikey list", "--all")]
    [InlineData("apikey revoke", "<ID>")]
    [InlineData("broker add-truck", "--save <FILE>")]
    [InlineData("broker remove-truck", "<TRUCK_ID>")]
    [InlineData("telemetry import", "--skip-bad")]
    [InlineData("evaluate", "--predictions <PREDICTIONS.csv>")]
    [InlineData("import-runs", "--tz <ZONE>")]
    [InlineData("train", "--out <MODEL.zip>")]
    [InlineData("pilot-report", "--from <YYYY-MM-DD> (REQUIRED)")]
    public async Task Every_command_has_its_help_on_stdout_with_its_usage_and_options(string command, string option)
    {
        var (exit, output, error) = await RunAsync([.. command.Split(' '), "--help"]);

        Assert.Equal((0, ""), (exit, error));
        Assert.Contains($"wastenotify {command}", output, StringComparison.Ordinal);
        Assert.Contains(option, output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_usage_error_names_what_is_wrong_then_the_help_of_that_command_on_stderr_and_exits_2_without_touching_anything()
    {
        // No database is configured: reaching the action would say so instead.
        var (exit, output, error) = await RunAsync("apikey", "create", "--name", "night shift");

        Assert.Equal(2, exit);
        Assert.Equal("", output);
        var lines = error.Split('\n');
        Assert.Equal("Option '--role' is required.", lines[0]);
        Assert.Contains("  wastenotify apikey create [options]", lines);
        Assert.DoesNotContain("revoke", error, StringComparison.Ordinal); // the failing command's help, not its parent's
        Assert.DoesNotContain("ConnectionStrings", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("telemetry")]
    [InlineData("apikey remove")]
    [InlineData("broker add-truck")]
    [InlineData("pilot-report --from 2026-03-04")]
    [InlineData("pilot-report --from 2026-03-04 --to 2026-03-03")]
    [InlineData("pilot-report --from 4/3/2026 --to 2026-03-04")]
    public async Task A_missing_or_unknown_command_or_argument_is_a_usage_error(string args)
    {
        var (exit, output, error) = await RunAsync(args.Split(' '));

        Assert.Equal((2, ""), (exit, output));
        Assert.Contains("Usage:", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_value_that_is_the_next_option_is_refused_not_read_as_a_file_name()
    {
        var (exit, _, error) = await RunAsync("telemetry", "import", "--file", "--skip-bad");

        Assert.Equal(2, exit);
        Assert.StartsWith("--file needs a value (the next argument, --skip-bad, is an option)", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(true, "apikey")]
    [InlineData(true, "import-runs", "--stops", "s.csv")]
    [InlineData(true, "--help")]
    [InlineData(false)]
    [InlineData(false, "--urls", "http://127.0.0.1:0")]
    [InlineData(false, "--Mqtt:Host=127.0.0.1")]
    public void Only_a_verb_or_a_help_request_leaves_the_service_unstarted(bool verb, params string[] args) =>
        Assert.Equal(verb, Verbs.AreFor(args));

    [Fact]
    public async Task The_built_command_takes_verbs_from_its_own_command_line()
    {
        var info = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { Path.Combine(AppContext.BaseDirectory, "wastenotify.dll"), "evaluate", "--from", "2026-03-04", "--to", "2026-03-03" })
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info)!;
        var (output, error) = (process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken), process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken));
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);

        Assert.Equal(2, process.ExitCode);
        Assert.Equal("", await output);
        Assert.StartsWith("--from 2026-03-04 is after --to 2026-03-03", await error, StringComparison.Ordinal);
    }

    private static async Task<(int Exit, string Output, string Error)> RunAsync(params string[] args)
    {
        var (output, error) = (new StringWriter(), new StringWriter());
        var exit = await Verbs.RunAsync(args, Empty, output, error, TimeProvider.System, TestContext.Current.CancellationToken);
        return (exit, output.ToString(), error.ToString());
    }
}
