using Microsoft.Extensions.Options;
using Npgsql;
using WasteNotify.Service.City;
using WasteNotify.Service.Notifications;
using WasteNotify.Service.Tracking;
using WasteNotify.Service.Security;

namespace WasteNotify.Service.Web;

public sealed record CreateRunsInput(DateOnly? Date);

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
        return app;
    }

    /// <summary>Cancels a run not finished: tracking stops following it, and its subscribers not served hear "not today".</summary>
    private static async Task<IResult> CancelAsync(long id, NpgsqlDataSource db, TrackingService tracking, NotifierService notifier, CancellationToken ct)
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

        tracking.Cancel(id);
        notifier.SweepSoon();
        return Results.Ok(new { id, status = "cancelled" });
    }

    /// <summary>A page of a day's runs (read whole, then cut: a day has one run per route).</summary>
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
