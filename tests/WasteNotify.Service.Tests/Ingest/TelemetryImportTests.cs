using Microsoft.Extensions.Configuration;
using WasteNotify.Service.Ingest;
using WasteNotify.Service.Tests.Notifications;
using WasteNotify.Testing;

namespace WasteNotify.Service.Tests.Ingest;

/// <summary><c>wastenotify telemetry import</c> against a database of its own on the shared cluster.</summary>
public sealed class TelemetryImportTests : IAsyncLifetime
{
    private static readonly ManualClock Clock = new(new DateTimeOffset(2026, 11, 22, 7, 0, 0, TimeSpan.Zero));

    // Good rows with and without speed, heading and seq, ids as fleets write them, a repeat, and each kind of bad row.
    private const string Mixed = """
        Truck_ID,TS,lat,lon,heading_deg,speed_mps,seq,note
        "Truck 12",2026-11-21T07:00:00Z,48.85,2.35,,,,first of its day
        "Truck 12",2026-11-21T07:00:30Z,48.8513489,2.35,,,,
        JC-4/B,2026-11-21T08:00:00+01:00,48.86,2.36,270,4.5,17,"given, all of it"
        truck-1,2025-03-04 07:15:00,48.85,2.35,,,,
        truck-1,2026-11-21T07:01:00Z,91,2.35,,,,
        truck-1,2026-11-21T07:01:00Z,48.85,2.35,,70,,
        ,2026-11-21T07:01:00Z,48.85,2.35,,,,
        "Ĉamion 3",2026-11-21T07:02:00Z,48.87,2.37,,0,,
        "Truck 12",2026-11-21T07:00:30Z,48.8513489,2.35,,,,the same fix again
        truck-1,2026-11-21T07:03:00Z,0,0,,,,
        """;

    private static readonly string[] Refusals =
    [
        "line 5: ts '2025-03-04 07:15:00' has no offset (give Z or +01:00, as in 2025-03-04T07:15:00+01:00)",
        "line 6: lat '91' is out of range -90..90",
        "line 7: speed_mps '70' is out of range 0..50",
        "line 8: truck_id is empty",
        "line 11: lat/lon 0,0 is a receiver without a fix, not a position",
    ];

    private TestDatabase _db = null!;
    private string _directory = null!;

    public async ValueTask InitializeAsync()
    {
        _db = await TestDatabase.CreateAsync();
        _directory = Directory.CreateTempSubdirectory("wn-import-").FullName;
    }

    public async ValueTask DisposeAsync()
    {
        await _db.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    private async Task<(int Exit, string Output, string[] Errors)> ImportAsync(string csv, params string[] options)
    {
        var file = Path.Combine(_directory, "fixes.csv");
        await File.WriteAllTextAsync(file, csv);
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:WasteNotify"] = _db.ConnectionString }).Build();
        var (output, error) = (new StringWriter(), new StringWriter());
        var exit = await TelemetryImportCommand.RunAsync(["telemetry", "import", "--file", file, .. options], configuration, output, error, Clock, CancellationToken.None);
        return (exit, output.ToString().Trim(), error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }

    [Fact]
    public async Task An_import_stopped_by_a_signal_says_so_and_exits_130_instead_of_throwing()
    {
        var file = Path.Combine(_directory, "fixes.csv");
        await File.WriteAllTextAsync(file, Mixed);
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:WasteNotify"] = _db.ConnectionString }).Build();
        var (output, error) = (new StringWriter(), new StringWriter());
        using var signal = new CancellationTokenSource();
        await signal.CancelAsync();

        var exit = await WasteNotify.Service.CommandCancellation.RunAsync(
            ct => TelemetryImportCommand.RunAsync(["telemetry", "import", "--file", file], configuration, output, error, Clock, ct), error, signal.Token);

        Assert.Equal(WasteNotify.Service.CommandCancellation.CancelledExitCode, exit);
        Assert.Contains("cancelled by a signal before the end", error.ToString(), StringComparison.Ordinal);
        Assert.Empty(output.ToString());
        Assert.True(await _db.ScalarAsync<bool>("SELECT to_regclass('telemetry') IS NULL"), "a signal before the start stops even the migration");
    }

    [Fact]
    public async Task A_database_that_cannot_be_opened_is_a_clear_error_and_exit_1_not_a_crash()
    {
        var file = Path.Combine(_directory, "fixes.csv");
        await File.WriteAllTextAsync(file, Mixed);
        var missing = new Npgsql.NpgsqlConnectionStringBuilder(_db.ConnectionString) { Database = "wn_no_such_database" }.ConnectionString;
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:WasteNotify"] = missing }).Build();
        var (output, error) = (new StringWriter(), new StringWriter());

        var exit = await TelemetryImportCommand.RunAsync(["telemetry", "import", "--file", file], configuration, output, error, Clock, CancellationToken.None);

        Assert.Equal(1, exit);
        Assert.Contains("cannot open the database of ConnectionStrings:WasteNotify", error.ToString(), StringComparison.Ordinal);
        Assert.Contains("wn_no_such_database", error.ToString(), StringComparison.Ordinal);
        Assert.Empty(output.ToString());
    }

    [Fact]
    public async Task A_verb_that_fails_on_its_own_cancellation_is_not_reported_as_a_signal()
    {
        using var signal = new CancellationTokenSource();
        var error = new StringWriter();

        await Assert.ThrowsAsync<TaskCanceledException>(() => WasteNotify.Service.CommandCancellation.RunAsync(
            async ct =>
            {
                using var own = new CancellationTokenSource();
                await own.CancelAsync();
                await Task.Delay(Timeout.Infinite, own.Token);
                return 0;
            },
            error,
            signal.Token));
        Assert.Empty(error.ToString());
    }

    private Task<List<object[]>> StoredAsync() =>
        _db.RowsAsync("""SELECT truck_id, ts, lat, lon, speed_mps, heading_deg, seq FROM telemetry ORDER BY truck_id COLLATE "C", ts""");

    private static long Ms(string ts) => DateTimeOffset.Parse(ts, System.Globalization.CultureInfo.InvariantCulture).ToUnixTimeMilliseconds();

    private async Task AssertTheValidRowsAreStoredAsWrittenWithWhatWasMissingDerivedAsync()
    {
        var rows = await StoredAsync();
        Assert.Equal(["JC-4/B", "Truck 12", "Truck 12", "Ĉamion 3"], rows.Select(r => (string)r[0]));
        Assert.Equal(
            [
                ("2026-11-21T07:00:00Z", 48.86, 2.36, 4.5f, (float?)270f, 17L),
                ("2026-11-21T07:00:00Z", 48.85, 2.35, 5f, 0f, Ms("2026-11-21T07:00:00Z")),   // from the next fix: 150 m north in 30 s
                ("2026-11-21T07:00:30Z", 48.8513489, 2.35, 5f, 0f, Ms("2026-11-21T07:00:30Z")),
                ("2026-11-21T07:02:00Z", 48.87, 2.37, 0f, null, Ms("2026-11-21T07:02:00Z")), // its only fix: no heading to derive
            ],
            rows.Select(r => (((DateTime)r[1]).ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture), (double)r[2], (double)r[3],
                MathF.Round((float)r[4], 2), r[5] is DBNull ? (float?)null : MathF.Round((float)r[5], 1), (long)r[6])));
    }

    [Fact]
    public async Task A_file_with_bad_rows_stores_the_valid_ones_names_every_bad_line_and_exits_1()
    {
        var (exit, output, errors) = await ImportAsync(Mixed);

        Assert.Equal(1, exit);
        Assert.Equal(
            "10 rows: 4 fixes stored, 1 duplicates, 5 refused; derived 3 speeds, 3 headings, 4 sequences " +
            "(0 speeds and 1 headings left empty: a truck's only fix, a jump over 50 m/s, or standing from the start)", output);
        Assert.Equal(Refusals, errors[..^1]);
        Assert.StartsWith("5 rows refused (above); the 5 valid ones are imported.", errors[^1], StringComparison.Ordinal);
        Assert.Contains("--skip-bad", errors[^1], StringComparison.Ordinal);
        await AssertTheValidRowsAreStoredAsWrittenWithWhatWasMissingDerivedAsync();
    }

    [Fact]
    public async Task With_skip_bad_the_same_file_stores_the_same_rows_says_how_many_were_skipped_and_exits_0()
    {
        var (exit, output, errors) = await ImportAsync(Mixed, "--skip-bad");

        Assert.Equal(0, exit);
        Assert.StartsWith("10 rows: 4 fixes stored, 1 duplicates, 5 refused (5 skipped: --skip-bad); derived 3 speeds", output, StringComparison.Ordinal);
        Assert.Equal(Refusals, errors);
        await AssertTheValidRowsAreStoredAsWrittenWithWhatWasMissingDerivedAsync();
    }

    [Fact]
    public async Task Importing_the_corrected_file_again_adds_only_the_rows_that_were_refused()
    {
        // Corrected, lines 6 and 7 are one truck at one time: a repeat, stored once.
        Assert.Equal(1, (await ImportAsync(Mixed)).Exit);
        var corrected = Mixed.Replace("2025-03-04 07:15:00", "2026-11-21T07:15:00+01:00", StringComparison.Ordinal)
            .Replace(",91,", ",48.9,", StringComparison.Ordinal).Replace(",70,", ",7,", StringComparison.Ordinal)
            .Replace("\n,2026", "\ntruck-2,2026", StringComparison.Ordinal).Replace(",0,0,", ",48.8,2.3,", StringComparison.Ordinal);

        var (exit, output, errors) = await ImportAsync(corrected);

        Assert.Equal(0, exit);
        Assert.Empty(errors);
        Assert.StartsWith("10 rows: 4 fixes stored, 6 duplicates, 0 refused;", output, StringComparison.Ordinal);
        Assert.Equal(8, await _db.ScalarAsync<long>("SELECT count(*) FROM telemetry"));
        Assert.Equal(["JC-4/B", "Truck 12", "truck-1", "truck-2", "Ĉamion 3"],
            (await _db.RowsAsync("""SELECT truck_id FROM telemetry GROUP BY truck_id ORDER BY truck_id COLLATE "C" """)).Select(r => (string)r[0]));
    }

    [Fact]
    public async Task A_header_without_a_required_column_refuses_the_file_and_stores_nothing()
    {
        var (exit, _, errors) = await ImportAsync("truck_id,ts,latitude,lon\nt1,2026-11-21T07:00:00Z,48.85,2.35\n");

        Assert.Equal(2, exit);
        Assert.EndsWith("line 1: header: has no 'lat' column", Assert.Single(errors), StringComparison.Ordinal);
        Assert.Equal(-1, await _db.TelemetryCountAsync());
    }

    [Fact]
    public async Task A_wrong_option_is_named_with_the_usage_and_nothing_is_stored()
    {
        var (exit, output, errors) = await ImportAsync("truck_id,ts,lat,lon\nt1,2026-11-21T07:00:00Z,48.85,2.35\n", "--skip-good");

        Assert.Equal(2, exit);
        Assert.Equal("Unrecognized command or argument '--skip-good'.", errors[0]);
        Assert.Contains("wastenotify telemetry import [options]", errors);
        Assert.Contains(errors, e => e.StartsWith("--file <FIXES.csv> (REQUIRED)", StringComparison.Ordinal));
        Assert.Equal("", output);
        Assert.Equal(-1, await _db.TelemetryCountAsync());
    }
}
