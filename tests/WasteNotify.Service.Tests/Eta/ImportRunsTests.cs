using System.Globalization;
using Microsoft.Extensions.Configuration;
using WasteNotify.Core.Prediction;
using WasteNotify.Core.Prediction.Evaluation;
using WasteNotify.FleetSimulator.Simulation;
using WasteNotify.Service.Eta;
using WasteNotify.Testing;

namespace WasteNotify.Service.Tests.Eta;

/// <summary>
/// Learning from recorded data with no SQL by hand: a simulated fleet's days written as the files a city's AVL and
/// stop logs would give (fixes every 30 s, as real trackers send them), then <c>import-runs</c> into the database,
/// <c>train</c> on what it imported, and <c>train --out</c> / <c>evaluate --model</c> on the files alone.
/// </summary>
public sealed class ImportRunsTests : IDisposable
{
    private static readonly TimeZoneInfo Paris = TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris");
    private static readonly FleetPlan Fleet = FleetPlan.Create(citySeed: 5, trucks: 2, buildingsPerTruck: 24, seed: 6);
    private static readonly DateOnly FirstDay = new(2026, 10, 5);
    private const int Days = 4;

    /// <summary>The fleet's ids as its files write them: a space, a slash.</summary>
    private static readonly string[] Trucks = ["Truck 1", "JC-4/B"];

    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("wn-import-runs");

    public void Dispose() => _dir.Delete(recursive: true);

    /// <summary>
    /// Four days of both routes at 06:00, and route north run again at 13:00 by the other truck, that afternoon
    /// without every fourth of its buildings (stop lists differ between runs of a route).
    /// </summary>
    private (string Stops, string Fixes, List<RecordedRun> Runs, int FixCount) WriteFleetFiles()
    {
        var runs = new List<RecordedRun>();
        var fixes = new List<RunFixes>();
        for (var d = 0; d < Days; d++)
        {
            var day = FirstDay.AddDays(d);
            var gps = new GpsOptions { IntervalSeconds = 30, IntervalJitter = 0.2 };
            foreach (var (start, afternoon) in new[] { (new TimeOnly(6, 0), false), (new TimeOnly(13, 0), true) })
            {
                var simulated = Fleet.SimulateDay(day, start, Paris, new SimulationOptions(), gps, seed: (d * 10) + (afternoon ? 1 : 0));
                foreach (var ((trace, emitted), k) in simulated.Select((x, k) => (x, k)))
                {
                    if (afternoon && k != 0)
                    {
                        continue;
                    }

                    var runId = $"{(k == 0 ? "north" : "south")} {day:yyyy-MM-dd}{(afternoon ? " pm" : "")}";
                    var stops = trace.Stops.Where(s => !afternoon || s.Sequence % 4 != 0)
                        .Select(s => (Stop: s, At: Fleet.City.Network.Position(s.Node), Skipped: s.Outcome == StopOutcome.Skipped))
                        .Select(s => new RecordedStop(s.Stop.Sequence, s.Stop.BuildingId, s.At.Latitude, s.At.Longitude,
                            s.Skipped ? null : s.Stop.Arrival, s.Skipped ? null : s.Stop.Departure, s.Skipped)).ToList();
                    runs.Add(new RecordedRun(runId, stops, RouteId: k == 0 ? "north" : "south", TruckId: afternoon ? Trucks[1] : Trucks[k]));
                    fixes.Add(new RunFixes(runId, [.. emitted.Where(f => f.Position != default).Select(f => f.Tracked)]));
                }
            }
        }

        var stopsFile = Path.Combine(_dir.FullName, "stops.csv");
        var fixesFile = Path.Combine(_dir.FullName, "fixes.csv");
        using (var writer = File.CreateText(stopsFile))
        {
            RecordedStopsCsv.Write(writer, runs);
        }

        using (var writer = File.CreateText(fixesFile))
        {
            RecordedFixesCsv.Write(writer, fixes);
        }

        return (stopsFile, fixesFile, runs, fixes.Sum(f => f.Fixes.Select(x => x.Time).Distinct().Count()));
    }

    private static IConfiguration Configuration(string? connectionString, params (string Key, string Value)[] settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:WasteNotify"] = connectionString,
            ["Eta:Training:HoldoutDays"] = "1",
            ["Eta:Training:Rounds"] = "40",
        }.Concat(settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value)))).Build();

    private static async Task<(int Exit, string Output, string Error)> RunAsync(Func<string[], IConfiguration, TextWriter, TextWriter, Task<int>> verb, IConfiguration configuration, params string[] args)
    {
        var (output, error) = (new StringWriter(), new StringWriter());
        var exit = await verb(args, configuration, output, error);
        return (exit, output.ToString(), error.ToString());
    }

    private static Task<(int Exit, string Output, string Error)> ImportAsync(IConfiguration configuration, params string[] args) =>
        RunAsync((a, c, o, e) => ImportRunsCommand.RunAsync(["import-runs", .. a], c, o, e, TimeProvider.System, CancellationToken.None), configuration, args);

    private static Task<(int Exit, string Output, string Error)> TrainAsync(IConfiguration configuration, params string[] args) =>
        RunAsync((a, c, o, e) => TrainCommand.RunAsync(["train", .. a], c, o, e, TimeProvider.System, CancellationToken.None), configuration, args);

    [Fact]
    public async Task Recorded_runs_become_finished_runs_the_database_trains_on_and_importing_again_changes_nothing()
    {
        var (stops, fixes, runs, fixCount) = WriteFleetFiles();
        await using var db = await TestDatabase.CreateAsync();
        var configuration = Configuration(db.ConnectionString);

        var (exit, output, error) = await ImportAsync(configuration, "--stops", stops, "--fixes", fixes);

        Assert.True(exit == 0, error);
        Assert.Equal("", error);
        Assert.StartsWith($"{runs.Count} runs imported as finished runs of 2 routes (0 were imported before: unchanged), {fixCount:N0} fixes stored", output, StringComparison.Ordinal);
        Assert.Contains("times in Europe/Paris; 0 rows refused", output, StringComparison.Ordinal);

        // Each run as the file has it: its route, its truck (the fleet's own id), several runs of north a day, its own stops.
        var stored = await db.RowsAsync("""
            SELECT r.external_id, r.route_id, r.truck_id, r.status, r.origin, r.service_date, count(s.*), count(s.*) FILTER (WHERE s.status = 'served')
            FROM route_runs r JOIN run_stops s ON s.run_id = r.id GROUP BY r.id ORDER BY r.external_id
            """);
        Assert.Equal(runs.Select(r => r.RunId).Order(StringComparer.Ordinal), stored.Select(r => (string)r[0]));
        foreach (var row in stored)
        {
            var run = runs.Single(r => r.RunId == (string)row[0]);
            Assert.Equal((run.RouteId, run.TruckId, "finished", "imported"), ((string)row[1], (string)row[2], (string)row[3], (string)row[4]));
            Assert.Equal(DateOnly.Parse(run.RunId.Split(' ')[1], CultureInfo.InvariantCulture), (DateOnly)row[5]);
            Assert.Equal(((long)run.Stops.Count, (long)run.Stops.Count(s => !s.Skipped)), ((long)row[6], (long)row[7]));
        }

        Assert.Equal(Days, await db.ScalarAsync<long>("SELECT count(DISTINCT service_date) FROM route_runs WHERE route_id = 'north' GROUP BY truck_id HAVING truck_id = 'JC-4/B'"));
        Assert.Equal(2L * Days, await db.ScalarAsync<long>("SELECT count(*) FROM route_runs WHERE route_id = 'north'"));
        Assert.Equal(fixCount, await db.ScalarAsync<long>("SELECT count(*) FROM telemetry"));
        Assert.Equal(0L, await db.ScalarAsync<long>("SELECT count(*) FROM telemetry WHERE speed_mps IS NULL AND heading_deg IS NULL AND seq IS NULL"));
        Assert.Equal(Trucks.Order(StringComparer.Ordinal), (await db.RowsAsync("SELECT id FROM trucks ORDER BY id")).Select(r => (string)r[0]));
        // A served stop's arrival is the file's, to the tick.
        var firstStop = runs[0].Stops.First(s => !s.Skipped);
        Assert.Equal(firstStop.Arrival!.Value.UtcDateTime, await db.ScalarAsync<DateTime>(
            $"SELECT s.arrived_at FROM run_stops s JOIN route_runs r ON r.id = s.run_id WHERE r.external_id = '{runs[0].RunId}' AND s.building_id = '{firstStop.BuildingId}'"));

        // The database now trains, on the imported runs alone.
        (exit, output, error) = await TrainAsync(configuration, "--days", "30", "--today", FirstDay.AddDays(Days).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        Assert.True(exit == 0, error);
        Assert.Contains($"model version 1 stored ({runs.Count} runs, {FirstDay:yyyy-MM-dd} to {FirstDay.AddDays(Days - 1):yyyy-MM-dd}", output, StringComparison.Ordinal);
        Assert.Contains("promoted: no model served yet", output, StringComparison.Ordinal);

        // Again: nothing new, nothing doubled.
        (exit, output, error) = await ImportAsync(configuration, "--stops", stops, "--fixes", fixes);
        Assert.True(exit == 0, error);
        Assert.StartsWith($"0 runs imported as finished runs of 2 routes ({runs.Count} were imported before: unchanged), 0 fixes stored", output, StringComparison.Ordinal);
        Assert.Equal((long)runs.Count, await db.ScalarAsync<long>("SELECT count(*) FROM route_runs"));
        Assert.Equal(fixCount, await db.ScalarAsync<long>("SELECT count(*) FROM telemetry"));
    }

    /// <summary>The files form, with no database: a model trained on the first three days, scored on the fourth, each prediction written out.</summary>
    [Fact]
    public async Task Train_from_files_then_evaluate_the_held_out_day_writes_every_prediction()
    {
        var (stops, fixes, runs, _) = WriteFleetFiles();
        var model = Path.Combine(_dir.FullName, "model.zip");
        var configuration = Configuration(null);
        var testFrom = FirstDay.AddDays(Days - 1);

        var (exit, output, error) = await TrainAsync(configuration, "--stops", stops, "--fixes", fixes, "--out", model);

        Assert.True(exit == 0, error);
        Assert.Contains($"model written to {model} with its bands in {TraceFiles.BandsPath(model)}: {runs.Count} runs", output, StringComparison.Ordinal);
        Assert.True(new FileInfo(model).Length > 1_000);

        var predictions = Path.Combine(_dir.FullName, "predictions.csv");
        var evaluation = await Evaluation.RunAsync(_dir.FullName, null, "--stops", stops, "--fixes", fixes, "--model", model,
            "--test-from", testFrom.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), "--predictions", predictions);

        Assert.True(evaluation.Exit == 0, evaluation.Error);
        Assert.Equal([Predictors.Model, Predictors.Trees, Predictors.Physics, Predictors.Naive, Predictors.Historical], evaluation.Predictors);
        var lines = await File.ReadAllLinesAsync(predictions);
        var header = lines[0].Split(',');
        Assert.Equal(["run_id", "sequence", "building_id", "made_at", "stops_ahead", "horizon_s", "actual"], header[..7]);
        Assert.Contains("model_eta", header);
        Assert.Contains("naive_early", header);
        var rows = lines.Skip(1).Select(l => l.Split(',')).ToList();
        Assert.Equal(evaluation.Mae(Predictors.Model, "all").Count + evaluation.Outside(Predictors.Model), rows.Count);
        // Only the held-out day is scored, and each row's horizon is its actual arrival less the moment it was made.
        Assert.All(rows, r => Assert.EndsWith(testFrom.ToString(" yyyy-MM-dd", CultureInfo.InvariantCulture), r[0].Replace(" pm", "", StringComparison.Ordinal), StringComparison.Ordinal));
        Assert.All(rows, r => Assert.Equal(
            (DateTimeOffset.Parse(r[6], CultureInfo.InvariantCulture) - DateTimeOffset.Parse(r[3], CultureInfo.InvariantCulture)).TotalSeconds,
            double.Parse(r[5], CultureInfo.InvariantCulture), 3));
        var eta = Array.IndexOf(header, "model_eta");
        var (early, late) = (Array.IndexOf(header, "model_early"), Array.IndexOf(header, "model_late"));
        Assert.All(rows, r => Assert.True(
            DateTimeOffset.Parse(r[early], CultureInfo.InvariantCulture) <= DateTimeOffset.Parse(r[eta], CultureInfo.InvariantCulture)
            && DateTimeOffset.Parse(r[eta], CultureInfo.InvariantCulture) <= DateTimeOffset.Parse(r[late], CultureInfo.InvariantCulture), string.Join(',', r)));
        // The mean absolute error of the file's model column is the report's.
        var mae = rows.Where(r => double.Parse(r[5], CultureInfo.InvariantCulture) < 3_600)
            .Average(r => Math.Abs((DateTimeOffset.Parse(r[eta], CultureInfo.InvariantCulture) - DateTimeOffset.Parse(r[6], CultureInfo.InvariantCulture)).TotalSeconds));
        Assert.Equal(double.Parse(evaluation.Mae(Predictors.Model, "all").MaeSeconds, CultureInfo.InvariantCulture), mae, 0.6);
    }

    /// <summary>
    /// Run a: good. Run b: a latitude of 95 on one stop row (the run is left out whole). Run c: no fixes. The fixes file:
    /// one fix without an offset (left out alone) and fixes of a run the stops file lacks. Exit 1, a, and only a, imported.
    /// </summary>
    [Fact]
    public async Task Refused_rows_are_each_reported_the_valid_runs_imported_and_the_exit_code_says_so()
    {
        const string stopsCsv = """
            run_id,sequence,lat,lon,arrival,departure,building_id,truck_id
            a,1,48.850,2.350,2026-10-05T07:02:00+02:00,2026-10-05T07:03:00+02:00,b1,T1
            a,2,48.852,2.352,2026-10-05T07:05:00+02:00,2026-10-05T07:06:00+02:00,b2,T1
            b,1,48.850,2.350,2026-10-06T07:02:00+02:00,,b1,T1
            b,2,95,2.352,2026-10-06T07:05:00+02:00,,b2,T1
            c,1,48.850,2.350,2026-10-07T07:02:00+02:00,,b1,T1
            """;
        var fixesCsv = "run_id,time,lat,lon\n"
            + string.Concat(Enumerable.Range(0, 10).Select(i => $"a,2026-10-05T07:{i:D2}:00+02:00,{48.850 + (i * 0.0003):F4},{2.350 + (i * 0.0003):F4}\n"))
            + "a,2026-10-05T07:10:30,48.853,2.353\n"
            + string.Concat(Enumerable.Range(0, 5).Select(i => $"b,2026-10-06T07:{i:D2}:00+02:00,48.85,2.35\n"))
            + string.Concat(Enumerable.Range(0, 3).Select(i => $"zz,2026-10-06T07:{i:D2}:00+02:00,48.85,2.35\n"));
        var stops = Path.Combine(_dir.FullName, "stops.csv");
        var fixes = Path.Combine(_dir.FullName, "fixes.csv");
        await File.WriteAllTextAsync(stops, stopsCsv);
        await File.WriteAllTextAsync(fixes, fixesCsv);
        await using var db = await TestDatabase.CreateAsync();
        var configuration = Configuration(db.ConnectionString);

        var (exit, output, error) = await ImportAsync(configuration, "--stops", stops, "--fixes", fixes);

        Assert.Equal(1, exit);
        Assert.Contains($"{stops}: line 5: lat '95' is not a number from -90 to 90", error, StringComparison.Ordinal);
        Assert.Contains($"{stops}: run 'b' not imported: a row of it is refused (above)", error, StringComparison.Ordinal);
        Assert.Contains($"{stops}: run 'c' not imported: the fixes file has no fix of it", error, StringComparison.Ordinal);
        Assert.Contains($"{fixes}: line 12: time '2026-10-05T07:10:30' is not an ISO 8601 time with an offset", error, StringComparison.Ordinal);
        Assert.Contains($"{fixes}: 3 fixes of run 'zz' not imported: the stops file has no such run", error, StringComparison.Ordinal);
        Assert.Contains("--skip-bad", error, StringComparison.Ordinal);
        Assert.StartsWith("1 runs imported as finished runs of 1 routes (0 were imported before: unchanged), 10 fixes stored", output, StringComparison.Ordinal);
        Assert.Contains("2 rows refused", output, StringComparison.Ordinal);
        Assert.Equal(["a"], (await db.RowsAsync("SELECT external_id FROM route_runs")).Select(r => (string)r[0]));
        Assert.Equal(2L, await db.ScalarAsync<long>("SELECT count(*) FROM run_stops WHERE status = 'served' AND departed_at IS NOT NULL"));
        Assert.Equal(10L, await db.ScalarAsync<long>("SELECT count(*) FROM telemetry WHERE truck_id = 'T1'"));

        // Leaving them out on purpose: the same report, exit 0, and a stored nothing twice.
        (exit, output, _) = await ImportAsync(configuration, "--stops", stops, "--fixes", fixes, "--skip-bad");
        Assert.Equal(0, exit);
        Assert.Contains("(1 were imported before: unchanged)", output, StringComparison.Ordinal);
        Assert.Contains("(skipped: --skip-bad)", output, StringComparison.Ordinal);
        Assert.Equal(1L, await db.ScalarAsync<long>("SELECT count(*) FROM route_runs"));
    }

    /// <summary>New York times into a city left at the default zone are refused before anything is stored; in a New York city they import.</summary>
    [Fact]
    public async Task Runs_in_another_zone_than_the_citys_are_refused_and_utc_times_need_a_zone()
    {
        var stops = Path.Combine(_dir.FullName, "stops.csv");
        var fixes = Path.Combine(_dir.FullName, "fixes.csv");
        await File.WriteAllTextAsync(stops, "run_id,sequence,lat,lon,arrival,building_id\nr,1,40.72,-74.04,2026-10-05T07:05:00-04:00,b1\n");
        await File.WriteAllTextAsync(fixes, "run_id,time,lat,lon\nr,2026-10-05T07:00:00-04:00,40.719,-74.041\nr,2026-10-05T07:06:00-04:00,40.72,-74.04\n");
        await using var db = await TestDatabase.CreateAsync();

        var (exit, _, error) = await ImportAsync(Configuration(db.ConnectionString), "--stops", stops, "--fixes", fixes);

        Assert.Equal(2, exit);
        Assert.Contains("this city's City:TimeZone is Europe/Paris (the default: it is not set)", error, StringComparison.Ordinal);
        Assert.Equal(0L, await db.ScalarAsync<long>("SELECT count(*) FROM information_schema.tables WHERE table_name = 'route_runs'")); // not even opened

        (exit, _, error) = await ImportAsync(Configuration(db.ConnectionString), "--stops", stops, "--fixes", fixes, "--tz", "America/Chicago");
        Assert.Equal(2, exit);
        Assert.Contains("the runs are in America/Chicago (--tz America/Chicago)", error, StringComparison.Ordinal);

        var newYork = Configuration(db.ConnectionString, ("City:TimeZone", "America/New_York"));
        (exit, var output, error) = await ImportAsync(newYork, "--stops", stops, "--fixes", fixes);
        Assert.True(exit == 0, error);
        Assert.Contains("times in America/New_York", output, StringComparison.Ordinal);
        Assert.Equal(new DateOnly(2026, 10, 5), await db.ScalarAsync<DateOnly>("SELECT service_date FROM route_runs"));

        await File.WriteAllTextAsync(stops, "run_id,sequence,lat,lon,arrival,building_id\nu,1,40.72,-74.04,2026-10-06T11:05:00Z,b1\n");
        await File.WriteAllTextAsync(fixes, "run_id,time,lat,lon\nu,2026-10-06T11:00:00Z,40.719,-74.041\n");
        (exit, _, error) = await ImportAsync(Configuration(db.ConnectionString), "--stops", stops, "--fixes", fixes);
        Assert.Equal(2, exit);
        Assert.Contains("every time is in UTC", error, StringComparison.Ordinal);
        (exit, _, error) = await ImportAsync(newYork, "--stops", stops, "--fixes", fixes);
        Assert.True(exit == 0, error);
    }

    [Theory]
    [InlineData("--stops s.csv")]
    [InlineData("--fixes f.csv")]
    [InlineData("--stops s.csv --fixes f.csv --days 3")]
    [InlineData("--stops s.csv --fixes")]
    public async Task Bad_options_get_the_usage(string args)
    {
        var (exit, _, error) = await ImportAsync(Configuration(null), args.Split(' '));

        Assert.Equal(2, exit);
        Assert.Contains("wastenotify import-runs [options]", error, StringComparison.Ordinal);
        Assert.Contains("--stops <STOPS.csv> (REQUIRED)", error, StringComparison.Ordinal);
    }
}
