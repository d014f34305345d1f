using System.CommandLine;
using System.Globalization;
using WasteNotify.Core.City;
using WasteNotify.Core.Telemetry;
using WasteNotify.Service.Data;

namespace WasteNotify.Service.Ingest;

/// <summary>
/// <c>wastenotify telemetry import --file FIXES.csv [--skip-bad]</c>: loads recorded fixes (the simulator's history
/// output, or any CSV naming <c>truck_id, ts, lat, lon</c> and optionally <c>seq, speed_mps, heading_deg</c>, see
/// <see cref="TelemetryCsv"/>) through the same COPY path as live ingest, missing speeds, headings and sequences
/// derived (<see cref="FixDerivation"/>). Every refused row is written to stderr with its line and reason. The valid
/// rows are stored either way, since a repeat is stored once and importing the corrected file again loses and
/// doubles nothing; a refused row makes the exit code 1 unless <c>--skip-bad</c> says leaving it out is intended.
/// </summary>
public static class TelemetryImportCommand
{
    private const int BatchSize = 5_000;

    public static Task<int> RunAsync(string[] args, IConfiguration configuration, TextWriter output, TextWriter error, TimeProvider time, CancellationToken ct) =>
        Verbs.RunAsync(Create(configuration, output, error, time), args, output, error, ct);

    /// <summary>The <c>telemetry</c> verb: <c>import</c>.</summary>
    public static Command Create(IConfiguration configuration, TextWriter output, TextWriter error, TimeProvider time)
    {
        var file = Verbs.ExistingFile("--file", "FIXES.csv", "the fixes: truck_id, ts (with its offset), lat, lon, and optionally seq, speed_mps, heading_deg", required: true);
        var skipBad = Verbs.SkipBad();
        var import = new Command("import", "Loads recorded fixes through the live ingest's path; every refused row is listed with its line and reason, "
            + "the valid ones are stored either way (importing again stores nothing twice).") { file, skipBad };
        import.SetAction((parsed, ct) => ValidatedOptions.RefusingBadConfigurationAsync(
            () => ImportAsync(parsed.GetRequiredValue(file), parsed.GetValue(skipBad), configuration, output, error, time, ct), error));
        return new Command("telemetry", "Recorded telemetry.") { import };
    }

    private static async Task<int> ImportAsync(string file, bool skipBad, IConfiguration configuration, TextWriter output, TextWriter error, TimeProvider time, CancellationToken ct)
    {
        var limits = configuration.GetValidated<TelemetryLimits>("Ingest"); // judged before the file is read, as the host judges it at start

        var now = time.GetUtcNow();
        TelemetryFile read;
        try
        {
            using var reader = File.OpenText(file);
            read = TelemetryCsv.Read(reader, limits, now);
        }
        catch (ImportException ex)
        {
            await error.WriteLineAsync($"{file}: {ex.Message}");
            return 2;
        }

        foreach (var refused in read.Refused)
        {
            await error.WriteLineAsync(refused.ToString());
        }

        await using var dataSource = await CliDatabase.OpenAsync(configuration, error, ct);
        if (dataSource is null)
        {
            return 1;
        }

        var (fixes, derived) = FixDerivation.Complete(read.Rows, limits.MaxSpeedMetersPerSecond, now);
        var table = new TelemetryTable(dataSource);
        long stored = 0;
        foreach (var batch in fixes.Chunk(BatchSize))
        {
            stored += await table.InsertAsync(batch, ct);
        }

        await output.WriteLineAsync(Summary(read, stored, derived, skipBad, limits.MaxSpeedMetersPerSecond));
        if (read.Refused.Count == 0 || skipBad)
        {
            return 0;
        }

        await error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"{read.Refused.Count:N0} rows refused (above); the {fixes.Count:N0} valid ones are imported. Correct the refused rows and import the file again (what is stored already counts as duplicates), or pass --skip-bad to leave them out."));
        return 1;
    }

    private static string Summary(TelemetryFile read, long stored, DerivedCounts derived, bool skipBad, double maxSpeed)
    {
        var duplicates = read.Rows.Count - stored;
        var text = string.Create(CultureInfo.InvariantCulture,
            $"{read.RowCount:N0} rows: {stored:N0} fixes stored, {duplicates:N0} duplicates, {read.Refused.Count:N0} refused{(skipBad && read.Refused.Count > 0 ? $" ({read.Refused.Count:N0} skipped: --skip-bad)" : "")}; " +
            $"derived {derived.Speeds:N0} speeds, {derived.Headings:N0} headings, {derived.Sequences:N0} sequences");
        if (derived.SpeedsLeftEmpty + derived.HeadingsLeftEmpty > 0)
        {
            text += string.Create(CultureInfo.InvariantCulture,
                $" ({derived.SpeedsLeftEmpty:N0} speeds and {derived.HeadingsLeftEmpty:N0} headings left empty: a truck's only fix, a jump over {maxSpeed} m/s, or standing from the start)");
        }

        return text;
    }
}
