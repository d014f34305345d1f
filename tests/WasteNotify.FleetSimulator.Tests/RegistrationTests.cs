using System.Globalization;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using WasteNotify.Core.City;
using WasteNotify.FleetSimulator.Simulation;
using WasteNotify.Service.Security;
using WasteNotify.Service.Tests;
using WasteNotify.Testing;

namespace WasteNotify.FleetSimulator.Tests;

/// <summary>--register against the real service in process on a real database: what the service then knows of the fleet.</summary>
public sealed class RegistrationTests : IAsyncLifetime
{
    private static readonly TimeZoneInfo Paris = TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris"); // the service's and the simulator's default
    private static readonly string[] SmallHistory = ["history", "--days", "1", "--trucks", "1", "--buildings", "3"];
    private ServiceHost _host = null!;

    public async ValueTask InitializeAsync() => _host = await ServiceHost.StartOnNewDatabaseAsync();

    public ValueTask DisposeAsync() => _host.DisposeAsync();

    [Fact]
    public async Task Live_registers_the_routes_as_driven_and_a_run_per_truck_planned_by_its_first_fix()
    {
        var truth = TempDirectory();

        var exit = await Simulator.RunAsync(["live", "--trucks", "2", "--buildings", "8", "--speed", "10000", "--truth", truth,
            .. SimulatorTests.Common(_host.TopicPrefix), .. await RegisterAsync(ApiRole.Operator)], TextWriter.Null, TimeProvider.System, CancellationToken.None);

        Assert.Equal(0, exit);
        var routes = await AssertRoutesAreTheFleetsAsync(FleetPlan.Create(citySeed: 1, trucks: 2, buildingsPerTruck: 8, seed: 1));
        var firstFix = (await File.ReadAllLinesAsync(Path.Combine(truth, "fixes.csv"))).Skip(1)
            .Min(l => DateTimeOffset.Parse(l.Split(',')[2], CultureInfo.InvariantCulture));
        // The runs are of the date the shifted day starts on: the first fix's, or just after midnight the one before.
        var date = Paris.DateAt(firstFix);
        List<Run> runs = [.. await RunsAsync(date.AddDays(-1)), .. await RunsAsync(date)];
        Assert.Equal(["sim-001", "sim-002"], runs.Select(r => r.RouteId).Order());
        Assert.All(runs, run =>
        {
            Assert.Equal(run.RouteId, run.TruckId);
            Assert.Equal(routes.Single(r => r.Id == run.RouteId).PlannedStart, LocalTime(run.PlannedStart).ToString("HH:mm", CultureInfo.InvariantCulture));
            // Planned at the simulated day's start rounded down to the minute: never after the first fix, so never "not started".
            Assert.InRange(firstFix - run.PlannedStart, TimeSpan.Zero, TimeSpan.FromMinutes(2));
        });
    }

    [Fact]
    public async Task Live_with_several_runs_adds_each_next_run_beside_the_scheduled_one_planned_by_its_own_first_fix()
    {
        var truth = TempDirectory();

        var exit = await Simulator.RunAsync(["live", "--trucks", "1", "--buildings", "5", "--speed", "10000", "--runs", "2", "--truth", truth,
            .. SimulatorTests.Common(_host.TopicPrefix), .. await RegisterAsync(ApiRole.Operator)], TextWriter.Null, TimeProvider.System, CancellationToken.None);

        Assert.Equal(0, exit);
        static async Task<List<DateTimeOffset>> FixTimesAsync(string folder) =>
            [.. (await File.ReadAllLinesAsync(Path.Combine(folder, "fixes.csv"))).Skip(1).Select(l => DateTimeOffset.Parse(l.Split(',')[2], CultureInfo.InvariantCulture))];
        var (first, second) = (await FixTimesAsync(truth), await FixTimesAsync(Path.Combine(truth, "run-2")));
        Assert.True(second.Min() - first.Max() >= SimulatedModes.PauseBetweenRuns - TimeSpan.FromMinutes(1), $"{first.Max():u} then {second.Min():u}");
        Assert.True(second.Max() <= DateTimeOffset.UtcNow, "the series ends by now");
        var dates = new[] { Paris.DateAt(first.Min()), Paris.DateAt(second.Min()) }.Distinct();
        List<Run> runs = [];
        foreach (var date in dates.Prepend(dates.First().AddDays(-1)))
        {
            runs.AddRange(await RunsAsync(date));
        }

        Assert.Equal(2, runs.Count);
        Assert.All(runs, r => Assert.Equal(("sim-001", "sim-001"), (r.RouteId, r.TruckId)));
        var planned = runs.Select(r => r.PlannedStart).Order().ToList();
        Assert.InRange(first.Min() - planned[0], TimeSpan.Zero, TimeSpan.FromMinutes(2));
        Assert.InRange(second.Min() - planned[1], TimeSpan.Zero, TimeSpan.FromMinutes(2));
    }

    [Fact]
    public async Task History_registers_a_run_per_truck_each_past_day_at_six_and_registering_again_changes_nothing()
    {
        string[] history = ["history", "--days", "3", "--trucks", "2", "--buildings", "8", "--out", TempDirectory(), .. await RegisterAsync(ApiRole.Operator)];
        var today = Paris.DateAt(DateTimeOffset.UtcNow);
        var dates = Enumerable.Range(1, 3).Select(d => today.AddDays(-d)).Where(d => d.DayOfWeek != DayOfWeek.Sunday).ToList();

        Assert.Equal(0, await Simulator.RunAsync(history, TextWriter.Null, TimeProvider.System, CancellationToken.None));

        var routes = await AssertRoutesAreTheFleetsAsync(FleetPlan.Create(citySeed: 1, trucks: 2, buildingsPerTruck: 8, seed: 1));
        Assert.All(routes, r => Assert.Equal("06:00", r.PlannedStart));
        foreach (var date in dates)
        {
            var runs = await RunsAsync(date);
            Assert.Equal(["sim-001", "sim-002"], runs.Select(r => r.RouteId).Order());
            Assert.All(runs, r => Assert.Equal((r.RouteId, new TimeOnly(6, 0)), (r.TruckId, LocalTime(r.PlannedStart))));
        }

        var before = await EverythingAsync(dates);
        Assert.Equal(0, await Simulator.RunAsync(history, TextWriter.Null, TimeProvider.System, CancellationToken.None));
        Assert.Equal(before, await EverythingAsync(dates));
    }

    [Fact]
    public async Task A_key_the_service_refuses_stops_registration_naming_the_request_and_the_status_and_writes_nothing()
    {
        var url = _host.Http.BaseAddress!.ToString();

        var unknown = await Assert.ThrowsAsync<RegistrationException>(() => Simulator.RunAsync(
            [.. SmallHistory, "--out", TempDirectory(), "--register", url, "--api-key", "wn_0123456789ab_" + new string('0', 64)], TextWriter.Null, TimeProvider.System, CancellationToken.None));
        var readOnly = await Assert.ThrowsAsync<RegistrationException>(async () => await Simulator.RunAsync(
            [.. SmallHistory, "--out", TempDirectory(), .. await RegisterAsync(ApiRole.Pilot)], TextWriter.Null, TimeProvider.System, CancellationToken.None));

        Assert.StartsWith($"GET {url}api/city was refused: 401 Unauthorized", unknown.Message, StringComparison.Ordinal);
        Assert.StartsWith($"PUT {url}api/trucks/sim-001 was refused: 403 Forbidden", readOnly.Message, StringComparison.Ordinal);
        Assert.All([unknown, readOnly], e => Assert.Contains("--api-key must be an operator or admin key", e.Message, StringComparison.Ordinal));
        Assert.Equal(0L, await _host.Database!.ScalarAsync<long>("SELECT count(*) FROM trucks"));
    }

    [Fact]
    public async Task A_refusal_carries_the_services_problem_detail()
    {
        using var response = await (await _host.ClientAsync(ApiRole.Operator)).PostAsJsonAsync("/api/runs", new { });

        var error = await RegistrationException.RefusedAsync(response, CancellationToken.None);

        Assert.StartsWith($"POST {_host.Http.BaseAddress}api/runs was refused: 400 Bad Request - ", error.Message, StringComparison.Ordinal);
        Assert.Contains("date: is required (YYYY-MM-DD)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_service_on_other_streets_is_refused_before_anything_is_written()
    {
        var error = await Assert.ThrowsAsync<RegistrationException>(async () => await Simulator.RunAsync(
            [.. SmallHistory, "--city-seed", "2", "--out", TempDirectory(), .. await RegisterAsync(ApiRole.Operator)], TextWriter.Null, TimeProvider.System, CancellationToken.None));

        Assert.Contains("the service's streets are 'procedural:1', not the simulator's 'procedural:2'", error.Message, StringComparison.Ordinal);
        Assert.Equal(0L, await _host.Database!.ScalarAsync<long>("SELECT count(*) FROM trucks"));
    }

    /// <summary>GET /api/routes, once checked to be the fleet's routes: truck = route id, the same stops in order, the same path, every day.</summary>
    private async Task<Route[]> AssertRoutesAreTheFleetsAsync(FleetPlan fleet)
    {
        var routes = (await (await _host.ClientAsync(ApiRole.Pilot)).AllAsync<Route>("/api/routes")).ToArray();
        Assert.Equal(fleet.Routes.Select(r => r.TruckId), routes.Select(r => r.Id));
        foreach (var (route, (truck, stops, path)) in routes.Zip(fleet.Routes))
        {
            Assert.Equal(truck, route.TruckId);
            Assert.Equal(stops.Select(s => s.BuildingId), route.Stops);
            // GeoJSON carries positions to 7 decimals (about 1 cm).
            Assert.Equal(path.Select(p => (Math.Round(p.Latitude, 7), Math.Round(p.Longitude, 7))), route.Path.Select(p => (p[0], p[1])));
            Assert.Equal(Enum.GetNames<DayOfWeek>().Order(), route.Weekdays.Order());
        }

        return routes;
    }

    private async Task<Run[]> RunsAsync(DateOnly date) =>
        (await (await _host.ClientAsync(ApiRole.Pilot)).AllAsync<Run>($"/api/runs?date={date:yyyy-MM-dd}")).ToArray();

    /// <summary>What the service holds of trucks, buildings, routes and the dates' runs (with their ids), as it answers it.</summary>
    private async Task<string> EverythingAsync(IEnumerable<DateOnly> dates)
    {
        var client = await _host.ClientAsync(ApiRole.Pilot);
        var all = new List<string>();
        foreach (var path in new[] { "/api/trucks", "/api/buildings/export", "/api/routes" }.Concat(dates.Select(d => $"/api/runs?date={d:yyyy-MM-dd}")))
        {
            all.Add(await client.GetStringAsync(path));
        }

        return string.Join('\n', all);
    }

    private async Task<string[]> RegisterAsync(ApiRole role) =>
        ["--register", _host.Http.BaseAddress!.ToString(), "--api-key", await _host.App.Services.GetRequiredService<ApiKeys>().CreateAsync(role, "simulator", CancellationToken.None)];

    private static TimeOnly LocalTime(DateTimeOffset time) => TimeOnly.FromDateTime(TimeZoneInfo.ConvertTime(time, Paris).DateTime);

    private static string TempDirectory() => Path.Combine(Path.GetTempPath(), TestEnvironment.UniqueName("sim"));

    private sealed record Route(string Id, string? TruckId, string[] Weekdays, string? PlannedStart, string[] Stops, double[][] Path);

    private sealed record Run(long Id, string RouteId, string? TruckId, DateTimeOffset PlannedStart, string Status);
}
