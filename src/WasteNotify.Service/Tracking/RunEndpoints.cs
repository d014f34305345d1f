using Microsoft.Extensions.Options;
using Npgsql;
using WasteNotify.Core.City;
using WasteNotify.Service.City;
using WasteNotify.Service.Security;
using WasteNotify.Service.Http;

namespace WasteNotify.Service.Tracking;

public sealed record CreateRunsInput(DateOnly? Date);

/// <summary>A run added to a route beside its scheduled one: when it starts (with its offset) and, if not the route's, which truck runs it.</summary>
public sealed record AddRunInput(DateTimeOffset? PlannedStart, string? TruckId);

public sealed record RunView(long Id, string RouteId, DateOnly ServiceDate, string? TruckId, DateTimeOffset PlannedStart, string Status);

/// <summary>/api/runs: the day's route runs, created from the weekly schedules (also by the hourly job).</summary>
public static class RunEndpoints
{
    public static IEndpointRouteBuilder MapRuns(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/runs").WithTags("Runs");
        group.MapGet("/", ListAsync).RequireAuthorization(Policies.Read);
        group.MapPost("/", async (CreateRunsInput input, RunScheduler scheduler, NpgsqlDataSource db, CancellationToken ct) =>
        {
            if (input.Date is not { } date)
            {
                return Problems.Invalid("date", "is required (YYYY-MM-DD)");
            }

            var created = await scheduler.CreateRunsAsync(date, ct);
            return Results.Ok(new { created, runs = await ReadAsync(db, date, ct) });
        }).RequireAuthorization(Policies.Write);
        group.MapPost("/{id:long}/cancel", CancelAsync).RequireAuthorization(Policies.Write);
        app.MapPost("/api/routes/{routeId}/runs", AddAsync).WithTags("Runs").RequireAuthorization(Policies.Write);
        return app;
    }

    /// <summary>
    /// Adds a run of a route (an afternoon round, a make-up run), with its own truck or the route's: a route can run
    /// several times a day, never twice at the same start. Tracking follows it like a scheduled one.
    /// </summary>
    private static async Task<IResult> AddAsync(string routeId, AddRunInput input, RunScheduler scheduler, NpgsqlDataSource db, CancellationToken ct)
    {
        if (input.PlannedStart is not { } start)
        {
            return Problems.Invalid("plannedStart", "is required (ISO 8601 with its offset, like 2026-03-04T13:00:00+01:00)");
        }

        var date = scheduler.Zone.DateAt(start);
        await using var cmd = db.CreateCommand("""
            WITH route AS (SELECT id, truck_id FROM routes WHERE id = @route),
                 truck AS (SELECT id FROM trucks WHERE id = coalesce(@truck, (SELECT truck_id FROM route))),
                 added AS (
                     INSERT INTO route_runs (route_id, service_date, truck_id, planned_start, origin)
                     SELECT route.id, @date, truck.id, @start, 'added' FROM route, truck
                     ON CONFLICT DO NOTHING
                     RETURNING id)
            SELECT EXISTS (SELECT 1 FROM route), EXISTS (SELECT 1 FROM truck), (SELECT id FROM added)
            """);
        cmd.Parameters.AddWithValue("route", routeId);
        cmd.Parameters.Add(new NpgsqlParameter<string?>("truck", NpgsqlTypes.NpgsqlDbType.Text) { TypedValue = input.TruckId });
        cmd.Parameters.AddWithValue("date", date);
        cmd.Parameters.AddWithValue("start", start.ToUniversalTime());
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        var (route, truck, id) = (reader.GetBoolean(0), reader.GetBoolean(1), reader.IsDBNull(2) ? (long?)null : reader.GetInt64(2));
        return (route, truck, id) switch
        {
            (false, _, _) => Results.Problem(statusCode: 404, title: "Unknown route", detail: $"there is no route '{routeId}'"),
            (_, false, _) => input.TruckId is null
                ? Problems.Invalid("truckId", $"route '{routeId}' has no truck of its own: name the truck that runs it")
                : Results.Problem(statusCode: 404, title: "Unknown truck", detail: $"there is no truck '{input.TruckId}'"),
            (_, _, null) => Results.Problem(statusCode: 409, title: "Run exists", detail: $"route '{routeId}' already has a run starting at {start:O}"),
            (_, _, { } runId) => Results.Created($"/api/runs/{runId}", (await ReadAsync(db, date, ct)).Single(r => r.Id == runId)),
        };
    }

    /// <summary>Cancels a run not finished: tracking stops following it, and its subscribers not served hear "not today".</summary>
    private static async Task<IResult> CancelAsync(long id, NpgsqlDataSource db, TrackingService tracking, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            WITH before AS (SELECT status FROM route_runs WHERE id = @id),
                 cancelled AS (UPDATE route_runs SET status = 'cancelled' WHERE id = @id AND status IN ('planned', 'started') RETURNING id)
            SELECT (SELECT status FROM before), EXISTS (SELECT 1 FROM cancelled)
            """);
        cmd.Parameters.AddWithValue("id", id);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        var (before, cancelled) = (reader.IsDBNull(0) ? null : reader.GetString(0), reader.GetBoolean(1));
        if (before is null)
        {
            return Results.Problem(statusCode: 404, title: "Unknown run", detail: $"there is no run {id}");
        }

        if (!cancelled && before != "cancelled")
        {
            return Results.Problem(statusCode: 409, title: "Run already over", detail: $"run {id} is {before}: it cannot be cancelled");
        }

        tracking.Cancel(id); // tracking tells the notifier and the live pages, which tell the buildings not served "not today"
        return Results.Ok(new { id, status = "cancelled" });
    }

    /// <summary>A page of a day's runs (read whole, then cut: a day has a run or a few per route).</summary>
    private static async Task<IResult> ListAsync(string? date, [AsParameters] PageQuery page, HttpRequest request, NpgsqlDataSource db, IOptions<ApiLimits> limits, CancellationToken ct) =>
        date is null ? Problems.Invalid("date", "is required (YYYY-MM-DD)")
        : DateOnly.TryParseExact(date, "yyyy-MM-dd", out var day) ? await Paging.RespondAsync<RunView>(page, limits.Value, request, async () => await ReadAsync(db, day, ct))
        : Problems.Invalid("date", $"'{date}' is not a date YYYY-MM-DD");

    private static async Task<List<RunView>> ReadAsync(NpgsqlDataSource db, DateOnly date, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            SELECT id, route_id, service_date, truck_id, planned_start, status FROM route_runs WHERE service_date = @date ORDER BY planned_start, route_id
            """);
        cmd.Parameters.AddWithValue("date", date);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var list = new List<RunView>();
        while (await reader.ReadAsync(ct))
        {
            list.Add(new RunView(reader.GetInt64(0), reader.GetString(1), reader.GetFieldValue<DateOnly>(2), reader.IsDBNull(3) ? null : reader.GetString(3),
                reader.GetFieldValue<DateTimeOffset>(4), reader.GetString(5)));
        }

        return list;
    }
}
