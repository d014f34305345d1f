using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using NpgsqlTypes;
using WasteNotify.Core.City;
using WasteNotify.FleetSimulator.Simulation;
using WasteNotify.Service.Data;
using WasteNotify.Testing;

namespace WasteNotify.Benchmarks;

/// <summary>
/// The notification benchmark's fleet: the tracking benchmark's ten simulated routes, each driven by a tenth of the
/// trucks (every truck with its own route row, same stops and path as its template, buildings shared), one run per
/// truck, one SMS concierge per building, and every truck's fixes moved in time so that its run starts at
/// <see cref="PlannedStart"/>.
/// </summary>
internal sealed class NotifyFleet
{
    public const int Routes = 10;
    public const int LeadMinutes = 10;
    public static readonly TimeZoneInfo Paris = TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris");

    // Simulated on a fixed morning, then shifted: simulated at the wall clock's time of day, an afternoon run would
    // begin with the driver's noon break.
    private static readonly DateOnly SimulatedDate = new(2026, 11, 23);
    private static readonly TimeOnly SimulatedStart = new(6, 0);

    private readonly FleetPlan _plan;
    private readonly List<EmittedFix>[] _days;
    private readonly DateTimeOffset _simulatedStart;

    private NotifyFleet(FleetPlan plan, List<EmittedFix>[] days, int trucks, DateTimeOffset plannedStart)
    {
        (_plan, _days, Trucks, PlannedStart) = (plan, days, trucks, plannedStart);
        var local = SimulatedDate.ToDateTime(SimulatedStart);
        _simulatedStart = new DateTimeOffset(local, Paris.GetUtcOffset(local));
    }

    public int Trucks { get; }

    public DateTimeOffset PlannedStart { get; }

    public DateOnly ServiceDate => Paris.DateAt(PlannedStart);

    public int TrackedStops => Enumerable.Range(0, Trucks).Sum(i => _plan.Routes[i % Routes].Stops.Count);

    public IReadOnlyList<string> Buildings => [.. _plan.Routes.SelectMany(r => r.Stops).Select(s => s.BuildingId).Distinct()];

    public static NotifyFleet Create(int trucks, int stops, DateTimeOffset plannedStart)
    {
        var plan = FleetPlan.Create(citySeed: 1, trucks: Routes, buildingsPerTruck: stops, seed: 3);
        var days = plan.SimulateDay(SimulatedDate, SimulatedStart, Paris, new SimulationOptions(), new GpsOptions(), seed: 1).Select(d => d.Fixes).ToArray();
        return new NotifyFleet(plan, days, trucks, plannedStart);
    }

    public static string TruckId(int truck) => $"bench-{truck:D4}";

    /// <summary>
    /// Each truck's fixes delivered between <paramref name="from"/> and <paramref name="to"/> after its run's start, as
    /// MQTT payloads with their delivery time, in delivery order.
    /// </summary>
    public IEnumerable<(int Truck, TimeSpan Due, byte[] Payload)> Fixes(int truck, TimeSpan from, TimeSpan to)
    {
        // The copies of a route share its simulated day; each is moved by its own part of the GPS interval, as real
        // trackers are out of step, so that a hundred trucks do not report at the same instant.
        var copies = (Trucks + Routes - 1) / Routes;
        var phase = TimeSpan.FromSeconds(new GpsOptions().IntervalSeconds) * (truck / Routes) / copies;
        var shift = PlannedStart - _simulatedStart + phase;
        foreach (var fix in _days[truck % Routes])
        {
            var due = fix.DeliverAt - _simulatedStart + phase;
            if (due >= from && due < to)
            {
                yield return (truck, due, Encoding.UTF8.GetBytes(FixJson.Native(fix.Timestamp + shift, fix.Position.Latitude, fix.Position.Longitude,
                    fix.SpeedMps, fix.HeadingDegrees, fix.Sequence)));
            }
        }
    }

    /// <summary>Schema, buildings, trucks, routes, runs and subscriptions, in one transaction of COPYs and set-based inserts.</summary>
    public async Task RegisterAsync(string connectionString)
    {
        await using var db = NpgsqlDataSource.Create(connectionString);
        await new DatabaseMigrator(db, NullLogger<DatabaseMigrator>.Instance).EnsureAsync(CancellationToken.None);
        await using var connection = await db.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        await using (var copy = await connection.BeginBinaryImportAsync("COPY buildings (id, address, lat, lon, bins) FROM STDIN (FORMAT BINARY)"))
        {
            foreach (var b in _plan.Buildings)
            {
                await copy.WriteRowAsync(default, b.Id, b.Address, b.Position.Latitude, b.Position.Longitude, b.Bins);
            }

            await copy.CompleteAsync();
        }

        var depot = _plan.City.Network.Position(_plan.City.DepotNode);
        var ids = Enumerable.Range(0, Trucks).Select(TruckId).ToArray();
        await using (var copy = await connection.BeginBinaryImportAsync("COPY trucks (id, name, depot_lat, depot_lon) FROM STDIN (FORMAT BINARY)"))
        {
            foreach (var id in ids)
            {
                await copy.WriteRowAsync(default, id, id, depot.Latitude, depot.Longitude);
            }

            await copy.CompleteAsync();
        }

        // RouteStore.SaveAsync's rows, without a schedule: the benchmark creates the runs itself.
        await using (var copy = await connection.BeginBinaryImportAsync("COPY routes (id, truck_id, path) FROM STDIN (FORMAT BINARY)"))
        {
            for (var i = 0; i < Trucks; i++)
            {
                await copy.StartRowAsync();
                await copy.WriteAsync(ids[i], NpgsqlDbType.Text);
                await copy.WriteAsync(ids[i], NpgsqlDbType.Text);
                await copy.WriteAsync(_plan.Routes[i % Routes].Path.SelectMany(p => new[] { p.Latitude, p.Longitude }).ToArray(),
                    NpgsqlDbType.Array | NpgsqlDbType.Double);
            }

            await copy.CompleteAsync();
        }

        await using (var copy = await connection.BeginBinaryImportAsync("COPY route_stops (route_id, sequence, building_id) FROM STDIN (FORMAT BINARY)"))
        {
            for (var i = 0; i < Trucks; i++)
            {
                var stops = _plan.Routes[i % Routes].Stops;
                for (var s = 0; s < stops.Count; s++)
                {
                    await copy.WriteRowAsync(default, ids[i], s + 1, stops[s].BuildingId);
                }
            }

            await copy.CompleteAsync();
        }

        await using var batch = new NpgsqlBatch(connection, tx);
        batch.BatchCommands.Add(Command("""
            INSERT INTO route_runs (route_id, service_date, truck_id, planned_start) SELECT id, $2, id, $3 FROM unnest($1::text[]) AS t (id)
            """, ids, ServiceDate, PlannedStart.ToUniversalTime()));
        // One concierge per building, on its own French mobile number, told of everything by SMS and on the building's page.
        batch.BatchCommands.Add(Command("""
            INSERT INTO concierges (name, phone, language, consent_at, consent_source)
            SELECT 'Concierge of ' || b, '+336' || lpad(n::text, 8, '0'), 'fr', now(), 'benchmark' FROM unnest($1::text[]) WITH ORDINALITY AS u (b, n)
            """, (object)Buildings.ToArray()));
        batch.BatchCommands.Add(Command("""
            INSERT INTO subscriptions (concierge_id, building_id, lead_minutes, alerts, channels)
            SELECT c.id, u.b, $2, '{approaching,collected,delayed,not_today}', '{sms,web}'
            FROM unnest($1::text[]) WITH ORDINALITY AS u (b, n) JOIN concierges c ON c.phone = '+336' || lpad(n::text, 8, '0')
            """, Buildings.ToArray(), LeadMinutes));
        await batch.ExecuteNonQueryAsync();
        await tx.CommitAsync();
    }

    private static NpgsqlBatchCommand Command(string sql, params object[] values)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        return command;
    }
}
