using System.Globalization;
using Microsoft.Extensions.Options;
using Npgsql;
using WasteNotify.Core.City;
using WasteNotify.Core.Streets;
using WasteNotify.Service.Security;
using WasteNotify.Service.Http;
using WasteNotify.Service.Ingest;

namespace WasteNotify.Service.City;

public sealed record GenerateRoutesInput(string[]? Trucks, string[]? Weekdays, string? PlannedStart);

public sealed record RouteView(string Id, string? TruckId, string[] Weekdays, string? PlannedStart, IReadOnlyList<string> Stops, double[][] Path)
{
    public static RouteView From(CollectionRoute r) => new(r.Id, r.TruckId, [.. (r.Schedule?.Weekdays ?? []).Select(d => d.ToString())],
        r.Schedule?.PlannedStart.ToString("HH:mm", CultureInfo.InvariantCulture), r.Stops, [.. r.Path.Select(p => new[] { p.Latitude, p.Longitude })]);
}

/// <summary>/api/routes: read, delete, generate from the buildings for some trucks, and GeoJSON import/export.</summary>
public static class RouteEndpoints
{
    public static IEndpointRouteBuilder MapRoutes(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/routes").WithTags("Routes");
        group.MapGet("/", ListAsync).RequireAuthorization(Policies.Read);
        group.MapGet("/export", ExportAsync).RequireAuthorization(Policies.Read).Produces(200, contentType: "application/geo+json");
        group.MapGet("/{id}", async (string id, NpgsqlDataSource db, CancellationToken ct) =>
            (await RouteStore.ReadAsync(db, id, ct)).FirstOrDefault() is { } r ? Results.Ok(RouteView.From(r)) : Results.NotFound()).RequireAuthorization(Policies.Read);
        group.MapDelete("/{id}", async (string id, NpgsqlDataSource db, CancellationToken ct) =>
        {
            await using var cmd = db.CreateCommand("DELETE FROM routes WHERE id = @id");
            cmd.Parameters.AddWithValue("id", id);
            return await cmd.ExecuteNonQueryAsync(ct) == 1 ? Results.NoContent() : Results.NotFound();
        }).RequireAuthorization(Policies.Write).ProducesDeleted();
        group.MapPost("/import", ImportAsync).RequireAuthorization(Policies.Write).Accepts<string>("application/geo+json").WithBodyLimit(BodyLimits.Kind.Import);
        group.MapPost("/generate", GenerateAsync).RequireAuthorization(Policies.Write);
        return app;
    }

    /// <summary>A page of the routes (read whole, then cut: a city has tens or hundreds of them, not millions).</summary>
    /// <summary>Routes, those whose id or truck holds <c>q</c> (case aside) when it is given.</summary>
    private static Task<IResult> ListAsync(string? q, [AsParameters] PageQuery page, HttpRequest request, NpgsqlDataSource db, IOptions<ApiLimits> limits, CancellationToken ct) =>
        Paging.RespondAsync<RouteView>(page, limits.Value, request, async () =>
            [.. (await RouteStore.ReadAsync(db, null, ct)).Where(r => Paging.Holds(r.Id, Paging.Search(q)) || Paging.Holds(r.TruckId, Paging.Search(q))).Select(RouteView.From)]);

    private static async Task<IResult> ExportAsync(NpgsqlDataSource db, CancellationToken ct)
    {
        var routes = await RouteStore.ReadAsync(db, null, ct);
        var buildings = (await BuildingEndpoints.ReadAsync(db, null, ct)).ToDictionary(b => b.Id, b => b.ToBuilding());
        var stream = new MemoryStream();
        RouteGeoJson.Write(stream, routes, buildings);
        return Results.Bytes(stream.ToArray(), "application/geo+json");
    }

    private static async Task<IResult> ImportAsync(HttpRequest request, NpgsqlDataSource db, CancellationToken ct)
    {
        var known = (await BuildingEndpoints.ReadAsync(db, null, ct)).Select(b => b.Id).ToHashSet(StringComparer.Ordinal);
        var trucks = (await TruckEndpoints.ReadAsync(db, null, ct)).Select(t => t.Id).ToHashSet(StringComparer.Ordinal);
        IReadOnlyList<CollectionRoute> routes;
        try
        {
            var body = new MemoryStream();
            await request.Body.CopyToAsync(body, ct);
            body.Position = 0;
            routes = RouteGeoJson.Read(body, known);
            if (routes.FirstOrDefault(r => r.TruckId is { } t && !trucks.Contains(t)) is { } bad)
            {
                throw new ImportException($"route '{bad.Id}'", "truckId", $"unknown truck '{bad.TruckId}'");
            }
        }
        catch (ImportException ex)
        {
            return Problems.Import(ex);
        }

        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        foreach (var route in routes)
        {
            await RouteStore.SaveAsync(connection, tx, route, ct);
        }

        await tx.CommitAsync(ct);
        return Results.Ok(new { imported = routes.Count });
    }

    private static async Task<IResult> GenerateAsync(GenerateRoutesInput input, NpgsqlDataSource db, CityMap city, CancellationToken ct)
    {
        var trucks = await TruckEndpoints.ReadAsync(db, null, ct);
        var wanted = input.Trucks ?? [];
        if (wanted.Length == 0)
        {
            return Problems.Invalid("trucks", "name at least one truck");
        }

        if (wanted.FirstOrDefault(t => trucks.All(k => k.Id != t)) is { } unknown)
        {
            return Problems.Invalid("trucks", $"unknown truck '{unknown}'");
        }

        var weekdays = new List<DayOfWeek>();
        foreach (var day in input.Weekdays ?? [])
        {
            if (!Enum.TryParse<DayOfWeek>(day, ignoreCase: true, out var d) || !Enum.IsDefined(d))
            {
                return Problems.Invalid("weekdays", $"'{day}' is not a weekday");
            }

            weekdays.Add(d);
        }

        if (!TimeOnly.TryParseExact(input.PlannedStart ?? "06:00", "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var start))
        {
            return Problems.Invalid("plannedStart", "must be a time HH:mm");
        }

        var buildings = (await BuildingEndpoints.ReadAsync(db, null, ct)).Select(b => b.ToBuilding()).ToList();
        if (buildings.Count == 0)
        {
            return Problems.Invalid("buildings", "there are no buildings to route");
        }

        var state = await city.GetAsync(ct);
        var first = trucks.Single(t => t.Id == wanted[0]);
        var depot = state.NearestNode(new GeoPoint(first.DepotLat, first.DepotLon));
        var planned = state.Planner().Plan(depot, buildings, wanted.Length);
        var routes = planned.Select((p, i) => new CollectionRoute($"route-{wanted[i]}", wanted[i], [.. p.Stops.Select(b => b.Id)], p.Path,
            new RouteSchedule(weekdays, start))).ToList();

        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        foreach (var route in routes)
        {
            await RouteStore.SaveAsync(connection, tx, route, ct);
        }

        await tx.CommitAsync(ct);
        return Results.Ok(routes.Zip(planned, (r, p) => new { r.Id, r.TruckId, stops = r.Stops.Count, lengthMeters = Math.Round(p.LengthMeters), drivingSeconds = Math.Round(p.TimeSeconds) }));
    }
}
