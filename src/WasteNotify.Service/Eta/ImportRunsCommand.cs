using System.CommandLine;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Npgsql;
using NpgsqlTypes;
using WasteNotify.Core.City;
using WasteNotify.Core.Prediction;
using WasteNotify.Core.Prediction.Evaluation;
using WasteNotify.Core.Streets;
using WasteNotify.Core.Telemetry;
using WasteNotify.Core.Tracking;
using WasteNotify.Service.City;
using WasteNotify.Service.Data;
using WasteNotify.Service.Ingest;
using WasteNotify.Service.Tracking;

namespace WasteNotify.Service.Eta;

/// <summary>
/// <c>wastenotify import-runs --stops STOPS.csv --fixes FIXES.csv [--tz ZONE] [--skip-bad]</c>: loads recorded runs
/// (the files <c>evaluate</c> reads, <see cref="RecordedStopsCsv"/> and <see cref="RecordedFixesCsv"/>) into the
/// database as finished runs, so that <c>wastenotify train</c> and the nightly training learn from a city's past
/// AVL and stop logs before its first live day. Each run becomes a finished run of its route (the file's route_id,
/// else one route per list of buildings), run by its truck (the file's truck_id, else its own vehicle named by its
/// run id), with its own stops and a straight-line path through them (a trace has no street path), its stop
/// decisions from the file, and its fixes in telemetry, missing speeds and headings derived. Buildings, trucks and
/// routes the city does not know yet are added. Importing again changes nothing: a run is known by its id in the file.
/// </summary>
/// <remarks>
/// Every refused row is written with its line and reason; a stops row refused leaves its whole run out (a run missing
/// a stop would teach wrong times), a fixes row refused leaves out that fix only. The runs that passed are imported
/// either way; refused rows make the exit code 1, unless <c>--skip-bad</c> says leaving them out is intended. The
/// times' zone must be the city's (<c>City:TimeZone</c>): features are local times, and a New York trace read in
/// Paris time would learn the wrong hours.
/// </remarks>
public static class ImportRunsCommand
{
    private const int FixBatch = 5_000;

    public static Task<int> RunAsync(string[] args, IConfiguration configuration, TextWriter output, TextWriter error, TimeProvider time, CancellationToken ct) =>
        Verbs.RunAsync(Create(configuration, output, error, time), args, output, error, ct);

    /// <summary>The <c>import-runs</c> verb.</summary>
    public static Command Create(IConfiguration configuration, TextWriter output, TextWriter error, TimeProvider time)
    {
        var (stops, fixes, tz, skipBad) = (Verbs.StopsFile(required: true), Verbs.FixesFile(required: true), Verbs.TimeZone(), Verbs.SkipBad());
        var command = new Command("import-runs", "Loads recorded runs (a city's past AVL and stop logs) as finished runs, for train and the "
            + "nightly training to learn from; importing again changes nothing.") { stops, fixes, tz, skipBad };
        command.SetAction((parsed, ct) => ValidatedOptions.RefusingBadConfigurationAsync(() => ImportAsync(
            new Arguments(parsed.GetRequiredValue(stops), parsed.GetRequiredValue(fixes), parsed.GetValue(tz), parsed.GetValue(skipBad)),
            configuration, output, error, time, ct), error));
        return command;
    }

    private static async Task<int> ImportAsync(Arguments given, IConfiguration configuration, TextWriter output, TextWriter error, TimeProvider time, CancellationToken ct)
    {
        // The configuration is judged first, as the host judges it at start.
        var (city, tracking, limits) = (configuration.GetValidated<CityOptions>("City"), configuration.GetValidated<TrackingOptions>("Tracking"),
            configuration.GetValidated<TelemetryLimits>("Ingest"));
        RecordedStopsFile stops;
        (IReadOnlyList<RunFixes> Runs, IReadOnlyList<RefusedRow> Refused) fixes;
        try
        {
            stops = await TraceFiles.ReadAsync(given.Stops, RecordedStopsCsv.ReadAll, ct);
            fixes = await TraceFiles.ReadAsync(given.Fixes, RecordedFixesCsv.ReadAll, ct);
        }
        catch (ImportException ex)
        {
            await error.WriteLineAsync(ex.Message);
            return 2;
        }

        var refused = 0;
        foreach (var (file, rows) in new[] { (given.Stops, stops.Refused), (given.Fixes, fixes.Refused) })
        {
            foreach (var row in rows)
            {
                await error.WriteLineAsync($"{file}: {row}");
                refused++;
            }
        }

        foreach (var run in stops.RefusedRuns)
        {
            await error.WriteLineAsync($"{given.Stops}: run '{run}' not imported: a row of it is refused (above)");
        }

        // What the files hold that cannot become a run: said, and counted as refused.
        var byRun = fixes.Runs.ToDictionary(f => f.RunId, StringComparer.Ordinal);
        var known = stops.Runs.Select(r => r.RunId).Concat(stops.RefusedRuns).ToHashSet(StringComparer.Ordinal);
        var runs = new List<(RecordedRun Run, IReadOnlyList<TrackedFix> Fixes)>();
        foreach (var run in stops.Runs)
        {
            if (Problem(run, byRun) is { } problem)
            {
                await error.WriteLineAsync($"{given.Stops}: run '{run.RunId}' not imported: {problem}");
                refused++;
                continue;
            }

            runs.Add((run, byRun[run.RunId].Fixes));
        }

        foreach (var orphan in fixes.Runs.Where(f => !known.Contains(f.RunId)))
        {
            await error.WriteLineAsync($"{given.Fixes}: {orphan.Fixes.Count:N0} fixes of run '{orphan.RunId}' not imported: the stops file has no such run");
            refused += orphan.Fixes.Count;
        }

        var cityZone = TimeZoneInfo.FindSystemTimeZoneById(city.TimeZone);
        try
        {
            CheckZone(given.Tz, configuration["City:TimeZone"], cityZone, runs.SelectMany(r => r.Fixes.Select(f => f.Time)
                .Concat(r.Run.Stops.SelectMany(s => new[] { s.Arrival, s.Departure }).OfType<DateTimeOffset>())));
        }
        catch (ImportException ex)
        {
            await error.WriteLineAsync(ex.Message);
            return 2;
        }

        await using var db = await CliDatabase.OpenAsync(configuration, error, ct);
        if (db is null)
        {
            return 1;
        }

        var tracker = tracking.Tracker([]);
        var (imported, again, stored) = (0, 0, 0L);
        var derivedSpeeds = 0;
        var routes = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (run, runFixes) in runs)
        {
            var routeId = run.RouteId ?? DerivedRouteId(run);
            var truckId = run.TruckId ?? run.RunId;
            // The run starts when the tracker would have started it live: the history's arrival times count from it.
            var started = EtaSampler.Replay(TraceSampler.Route(run, runFixes), tracker, runFixes, runFixes.Min(f => f.Time)).Started;
            var (storedNow, problem) = await StoreRunAsync(db, run, routeId, truckId, started, runFixes, cityZone, ct);
            if (problem is not null)
            {
                await error.WriteLineAsync($"{given.Stops}: run '{run.RunId}' not imported: {problem}");
                refused++;
                continue;
            }

            routes.Add(routeId);
            if (!storedNow)
            {
                again++;
                continue;
            }

            var (telemetry, derived) = FixDerivation.Complete(
                [.. runFixes.Select(f => new TelemetryRow(0, truckId, f.Time.ToUniversalTime(), f.Position.Latitude, f.Position.Longitude, (float?)f.SpeedMps, (float?)f.HeadingDegrees, null))],
                limits.MaxSpeedMetersPerSecond, time.GetUtcNow());
            foreach (var batch in telemetry.Chunk(FixBatch))
            {
                stored += await new TelemetryTable(db).InsertAsync(batch, ct);
            }

            derivedSpeeds += derived.Speeds;
            imported++;
        }

        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"{imported:N0} runs imported as finished runs of {routes.Count:N0} routes ({again:N0} were imported before: unchanged), {stored:N0} fixes stored ({derivedSpeeds:N0} speeds derived), times in {cityZone.Id}; " +
            $"{stops.Refused.Count + fixes.Refused.Count:N0} rows refused{(given.SkipBad && refused > 0 ? " (skipped: --skip-bad)" : "")}"));
        if (refused == 0 || given.SkipBad)
        {
            return 0;
        }

        await error.WriteLineAsync("some rows or runs were refused (above); the others are imported. Correct the files and import them again (what is imported already stays as it is), or pass --skip-bad to leave them out.");
        return 1;
    }

    private sealed record Arguments(string Stops, string Fixes, string? Tz, bool SkipBad);

    /// <summary>Why a run that read well still cannot be imported, or null.</summary>
    private static string? Problem(RecordedRun run, Dictionary<string, RunFixes> fixes)
    {
        if (!fixes.TryGetValue(run.RunId, out var runFixes) || runFixes.Fixes.Count == 0)
        {
            return "the fixes file has no fix of it";
        }

        if (run.Stops.FirstOrDefault(s => s.BuildingId is null) is { } anonymous)
        {
            return $"stop {anonymous.Sequence} has no building_id (history is kept per building)";
        }

        if (run.TruckId is null && TruckIds.Problem(run.RunId) is { } badId)
        {
            return $"it names no truck_id, and its run id cannot stand for its vehicle: {badId}";
        }

        return run.Stops.All(s => s.Skipped) ? "every stop is skipped: there is no arrival to learn from" : null;
    }

    /// <summary>The times' zone, from <c>--tz</c> or their offsets, must be the city's: the model's features are its local times.</summary>
    /// <exception cref="ImportException">No zone can be told, or it is not the city's.</exception>
    private static void CheckZone(string? tz, string? configured, TimeZoneInfo cityZone, IEnumerable<DateTimeOffset> times)
    {
        var list = times.ToList();
        var (zone, source) = TraceZone.Resolve(tz, configured, list);
        var local = list.Any(t => t.Offset != TimeSpan.Zero);
        var same = zone.Id == cityZone.Id || (tz is null && local && TraceZone.Agrees(cityZone, list));
        if (!same)
        {
            throw new ImportException("times", "tz", string.Create(CultureInfo.InvariantCulture,
                $"the runs are in {zone.Id} ({source}), but this city's City:TimeZone is {cityZone.Id}{(configured is null ? " (the default: it is not set)" : "")}: " +
                $"set City:TimeZone (environment: City__TimeZone) to the runs' zone before importing them"));
        }
    }

    /// <summary>A route for runs the file gives none: one per list of buildings, named by it.</summary>
    private static string DerivedRouteId(RecordedRun run)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(TraceSampler.RouteKey(run)));
        return "imported-" + Convert.ToHexStringLower(hash)[..10];
    }

    /// <summary>Stores one run and what it needs in one transaction: whether it was stored now (false: before), or why it cannot be.</summary>
    private static async Task<(bool Stored, string? Problem)> StoreRunAsync(NpgsqlDataSource db, RecordedRun run, string routeId, string truckId,
        DateTimeOffset started, IReadOnlyList<TrackedFix> fixes, TimeZoneInfo zone, CancellationToken ct)
    {
        var first = fixes.MinBy(f => f.Time);
        var last = fixes.Max(f => f.Time);
        var flat = TraceSampler.Path(run, fixes).SelectMany(p => new[] { p.Latitude, p.Longitude }).ToArray();
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await using (var existing = new NpgsqlCommand("SELECT 1 FROM route_runs WHERE external_id = @id", connection, tx))
        {
            existing.Parameters.AddWithValue("id", run.RunId);
            if (await existing.ExecuteScalarAsync(ct) is not null)
            {
                return (false, null); // imported before: unchanged
            }
        }

        await using var batch = new NpgsqlBatch(connection, tx);
        foreach (var stop in run.Stops.DistinctBy(s => s.BuildingId))
        {
            var cmd = new NpgsqlBatchCommand("""
                INSERT INTO buildings (id, address, lat, lon, bins) VALUES ($1, $1, $2, $3, 1) ON CONFLICT (id) DO NOTHING
                """);
            cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = stop.BuildingId });
            cmd.Parameters.Add(new NpgsqlParameter<double> { TypedValue = stop.Latitude });
            cmd.Parameters.Add(new NpgsqlParameter<double> { TypedValue = stop.Longitude });
            batch.BatchCommands.Add(cmd);
        }

        var truck = new NpgsqlBatchCommand("""
            INSERT INTO trucks (id, name, depot_lat, depot_lon) VALUES ($1, $1, $2, $3) ON CONFLICT (id) DO NOTHING
            """);
        truck.Parameters.Add(new NpgsqlParameter<string> { TypedValue = truckId });
        truck.Parameters.Add(new NpgsqlParameter<double> { TypedValue = first.Position.Latitude });
        truck.Parameters.Add(new NpgsqlParameter<double> { TypedValue = first.Position.Longitude });
        batch.BatchCommands.Add(truck);

        // A route new to the city: never scheduled (no weekdays), its stops those of its first imported run.
        var newRoute = new NpgsqlBatchCommand("""
            WITH created AS (INSERT INTO routes (id, path) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING RETURNING id)
            INSERT INTO route_stops (route_id, sequence, building_id)
            SELECT created.id, s.n, s.building FROM created, unnest($3::text[]) WITH ORDINALITY AS s (building, n)
            """);
        newRoute.Parameters.Add(new NpgsqlParameter<string> { TypedValue = routeId });
        newRoute.Parameters.Add(new NpgsqlParameter<double[]> { TypedValue = flat });
        newRoute.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. run.Stops.Select(s => s.BuildingId!).Distinct(StringComparer.Ordinal)] });
        batch.BatchCommands.Add(newRoute);
        await batch.ExecuteNonQueryAsync(ct);

        long runId;
        await using (var insert = new NpgsqlCommand("""
            INSERT INTO route_runs (route_id, service_date, truck_id, planned_start, status, started_at, finished_at, origin, external_id, path)
            VALUES (@route, @date, @truck, @start, 'finished', @started, @finished, 'imported', @external, @path)
            ON CONFLICT DO NOTHING RETURNING id
            """, connection, tx))
        {
            var local = TimeZoneInfo.ConvertTime(first.Time, zone);
            insert.Parameters.AddWithValue("route", routeId);
            insert.Parameters.AddWithValue("date", DateOnly.FromDateTime(local.DateTime));
            insert.Parameters.AddWithValue("truck", truckId);
            insert.Parameters.AddWithValue("start", first.Time.ToUniversalTime());
            insert.Parameters.AddWithValue("started", started.ToUniversalTime());
            insert.Parameters.AddWithValue("finished", last.ToUniversalTime());
            insert.Parameters.AddWithValue("external", run.RunId);
            insert.Parameters.Add(new NpgsqlParameter<double[]>("path", NpgsqlDbType.Array | NpgsqlDbType.Double) { TypedValue = flat });
            if (await insert.ExecuteScalarAsync(ct) is not long id)
            {
                return (false, string.Create(CultureInfo.InvariantCulture, $"route '{routeId}' already has a run starting at {first.Time:O}"));
            }

            runId = id;
        }

        await using (var decisions = new NpgsqlBatch(connection, tx))
        {
            for (var k = 0; k < run.Stops.Count; k++)
            {
                var s = run.Stops[k];
                // Numbered 1..n in the file's order of sequence: the file's own numbers may start at 0 or leave gaps.
                RunRecords.AddStop(decisions, runId, new StopDecision(k + 1, s.BuildingId!, s.Skipped ? "skipped" : "served", s.Arrival, s.Departure));
            }

            await decisions.ExecuteNonQueryAsync(ct);
        }

        await tx.CommitAsync(ct);
        return (true, null);
    }
}
