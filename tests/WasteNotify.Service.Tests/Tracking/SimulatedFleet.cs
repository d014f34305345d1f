using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using WasteNotify.Core.City;
using WasteNotify.Core.Tracking;
using WasteNotify.FleetSimulator.Simulation;
using WasteNotify.Service.City;
using WasteNotify.Service.Data;
using WasteNotify.Testing;

namespace WasteNotify.Service.Tests.Tracking;

/// <summary>
/// One simulated truck on the service's default city (procedural, seed 1): registered in a test database as a
/// building set, a route and a run, and its day's fixes as its tracker sends them (late, duplicated, garbage).
/// </summary>
internal sealed class SimulatedFleet
{
    public static readonly TimeZoneInfo Paris = TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris");
    private static readonly Lazy<FleetPlan> SharedPlan = new(() => FleetPlan.Create(citySeed: 1, trucks: 1, buildingsPerTruck: 16, seed: 11));

    private SimulatedFleet(DateOnly date, TruckDayTrace truth, List<EmittedFix> fixes) => (Date, Truth, Fixes) = (date, truth, fixes);

    public static FleetPlan Plan => SharedPlan.Value;

    public static string TruckId => Plan.Routes[0].TruckId;

    public DateOnly Date { get; }

    public TruckDayTrace Truth { get; }

    /// <summary>In delivery order.</summary>
    public List<EmittedFix> Fixes { get; }

    public static DateTimeOffset PlannedStart(DateOnly date) =>
        new(date.ToDateTime(new TimeOnly(6, 0)), Paris.GetUtcOffset(date.ToDateTime(new TimeOnly(6, 0))));

    /// <summary>A recent day (ingest refuses fixes older than a week), in the past, so no fix is from the future.</summary>
    public static SimulatedFleet Day(int daysAgo = 2, int seed = 7)
    {
        var date = Paris.DateAt(DateTimeOffset.UtcNow).AddDays(-daysAgo);
        var (trace, fixes) = Plan.SimulateDay(date, new TimeOnly(6, 0), Paris, new SimulationOptions(), new GpsOptions(), seed).Single();
        return new SimulatedFleet(date, trace, fixes);
    }

    /// <summary>How many fixes ingest stores: one per timestamp, none at 0,0.</summary>
    public static int Storable(IEnumerable<EmittedFix> fixes) =>
        fixes.Where(f => f.Position.Latitude != 0 || f.Position.Longitude != 0).Select(f => OnTheWire(f.Timestamp)).Distinct().Count();

    /// <summary>A fix's time as <see cref="FixJson.Native"/> publishes it: to the millisecond.</summary>
    private static DateTimeOffset OnTheWire(DateTimeOffset time) => time.AddTicks(-(time.UtcTicks % TimeSpan.TicksPerMillisecond));

    /// <summary>Buildings, truck and route of the plan, and this day's run; returns the run's id.</summary>
    public async Task<long> RegisterAsync(string connectionString)
    {
        await using var db = NpgsqlDataSource.Create(connectionString);
        await new DatabaseMigrator(db, NullLogger<DatabaseMigrator>.Instance).EnsureAsync(CancellationToken.None); // the service may not have started yet
        await using var connection = await db.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        var (truck, stops, path) = Plan.Routes[0];
        foreach (var building in Plan.Buildings.Where(b => stops.Any(s => s.BuildingId == b.Id)))
        {
            await using var insert = new NpgsqlCommand("INSERT INTO buildings (id, address, lat, lon, bins) VALUES (@id, @address, @lat, @lon, @bins) ON CONFLICT DO NOTHING", connection, tx);
            insert.Parameters.AddWithValue("id", building.Id);
            insert.Parameters.AddWithValue("address", building.Address);
            insert.Parameters.AddWithValue("lat", building.Position.Latitude);
            insert.Parameters.AddWithValue("lon", building.Position.Longitude);
            insert.Parameters.AddWithValue("bins", building.Bins);
            await insert.ExecuteNonQueryAsync();
        }

        var depot = Plan.City.Network.Position(Plan.City.DepotNode);
        await using (var insert = new NpgsqlCommand("INSERT INTO trucks (id, name, depot_lat, depot_lon) VALUES (@id, @id, @lat, @lon) ON CONFLICT DO NOTHING", connection, tx))
        {
            insert.Parameters.AddWithValue("id", truck);
            insert.Parameters.AddWithValue("lat", depot.Latitude);
            insert.Parameters.AddWithValue("lon", depot.Longitude);
            await insert.ExecuteNonQueryAsync();
        }

        await RouteStore.SaveAsync(connection, tx, new CollectionRoute(truck, truck, [.. stops.Select(s => s.BuildingId)], path, null), CancellationToken.None);
        long runId;
        await using (var insert = new NpgsqlCommand("""
            INSERT INTO route_runs (route_id, service_date, truck_id, planned_start) VALUES (@route, @date, @route, @start) RETURNING id
            """, connection, tx))
        {
            insert.Parameters.AddWithValue("route", truck);
            insert.Parameters.AddWithValue("date", Date);
            insert.Parameters.AddWithValue("start", PlannedStart(Date).ToUniversalTime());
            runId = (long)(await insert.ExecuteScalarAsync())!;
        }

        await tx.CommitAsync();
        return runId;
    }

    /// <summary>
    /// Publishes fixes in delivery order: as fast as possible, or paced at <paramref name="speed"/> times the time
    /// between their deliveries.
    /// </summary>
    /// <summary>Several trucks' fixes in the order a live fleet sends them (by delivery time), as fast as possible.</summary>
    public static async Task PublishFleetAsync(Publisher publisher, IEnumerable<(string Topic, EmittedFix Fix)> fixes)
    {
        foreach (var (topic, fix) in fixes.OrderBy(f => f.Fix.DeliverAt))
        {
            await publisher.PublishAsync(topic, FixJson.Native(fix.Timestamp, fix.Position.Latitude, fix.Position.Longitude, fix.SpeedMps, fix.HeadingDegrees, fix.Sequence));
        }

        await publisher.FlushAsync();
    }

    public static async Task PublishAsync(Publisher publisher, string topic, IReadOnlyList<EmittedFix> fixes, double? speed = null)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        foreach (var fix in fixes)
        {
            if (speed is { } k)
            {
                var due = TimeSpan.FromTicks((long)((fix.DeliverAt - fixes[0].DeliverAt).Ticks / k)) - clock.Elapsed;
                if (due > TimeSpan.Zero)
                {
                    await Task.Delay(due);
                }
            }

            await publisher.PublishAsync(topic, FixJson.Native(fix.Timestamp, fix.Position.Latitude, fix.Position.Longitude, fix.SpeedMps, fix.HeadingDegrees, fix.Sequence));
        }

        await publisher.FlushAsync();
    }

    /// <summary>
    /// What a tracker fed the same fixes decides, with the route as the plan has it: the reference. It takes each fix's
    /// time as the wire carries it (<see cref="FixJson.Native"/> writes milliseconds; the simulator's clock has ticks).
    /// </summary>
    public List<TrackingEvent> Reference(IEnumerable<EmittedFix> fixes)
    {
        var tracker = new RunTracker(Plan.Tracked(0), new TrackerOptions { Facilities = [Plan.City.Network.Position(Plan.City.LandfillNode)] });
        var events = new List<TrackingEvent>();
        foreach (var fix in fixes.Where(f => f.Position.Latitude != 0 || f.Position.Longitude != 0))
        {
            tracker.Observe(fix.Tracked with { Time = OnTheWire(fix.Timestamp) }, events);
        }

        return events;
    }

    /// <summary>The run's stored stop decisions: sequence, status, arrival, departure.</summary>
    public static async Task<List<(int Sequence, string Status, DateTimeOffset? Arrived, DateTimeOffset? Departed)>> StopsAsync(TestDatabase db, long runId) =>
        [.. (await db.RowsAsync($"SELECT sequence, status, arrived_at, departed_at FROM run_stops WHERE run_id = {runId} ORDER BY sequence"))
            .Select(r => ((int)r[0], (string)r[1], r[2] is DateTime a ? new DateTimeOffset(a, TimeSpan.Zero) : (DateTimeOffset?)null,
                r[3] is DateTime d ? new DateTimeOffset(d, TimeSpan.Zero) : (DateTimeOffset?)null))];

    /// <summary>The run's stored events that the tracker decides from fixes (not the wall clock's anomalies).</summary>
    public static async Task<List<string>> TrackerEventsAsync(TestDatabase db, long runId) =>
        [.. (await db.RowsAsync($"""
            SELECT kind, sequence, at FROM run_events WHERE run_id = {runId} AND kind NOT IN ('gps_silent', 'not_started') ORDER BY at, sequence, kind
            """)).Select(r => $"{r[0]} {r[1]} {(DateTime)r[2]:O}")];

    public static Task<bool> FinishedAsync(TestDatabase db, long runId, TimeSpan timeout) =>
        TestEnvironment.EventuallyAsync(async () => await db.ScalarAsync<string>($"SELECT status FROM route_runs WHERE id = {runId}") == "finished", timeout);
}
