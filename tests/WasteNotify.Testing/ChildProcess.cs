using System.Diagnostics;
using System.Text;

namespace WasteNotify.Testing;

/// <summary>Runs helper commands (mosquitto, initdb, pg_ctl) for the tests and reports their output on failure.</summary>
public static class ChildProcess
{
    public static async Task<string> RunAsync(string fileName, IEnumerable<string> arguments, CancellationToken cancellationToken = default)
    {
        var info = new ProcessStartInfo(fileName) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {fileName}");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        var output = await stdout + await stderr;
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{fileName} {string.Join(' ', info.ArgumentList)} exited with {process.ExitCode}: {output}");
        }

        return output;
    }

    /// <summary>Runs a command as the postgres user when the tests run as root (initdb and postgres refuse root).</summary>
    public static Task<string> RunAsPostgresAsync(string fileName, IEnumerable<string> arguments, CancellationToken cancellationToken = default) =>
        TestEnvironment.IsRoot
            ? RunAsync("runuser", ["-u", "postgres", "--", fileName, .. arguments], cancellationToken)
            : RunAsync(fileName, arguments, cancellationToken);

    public static Task SignalAsync(int pid, string signal) => RunAsync("kill", [$"-{signal}", pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]);

    public static string Tail(string path, int lines = 20)
    {
        if (!File.Exists(path))
        {
            return "(no log)";
        }

        var all = File.ReadAllLines(path, Encoding.UTF8);
        return string.Join('\n', all.Skip(Math.Max(0, all.Length - lines)));
    }
}
