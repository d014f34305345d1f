using Microsoft.Extensions.Options;
using Npgsql;
using WasteNotify.Service.Security;
using WasteNotify.Service.Http;

namespace WasteNotify.Service.Tracking;

public sealed record RunEvent(string Kind, int Sequence, DateTimeOffset At, string? Detail);

/// <summary>A run's record: each stop's decision and every event, from the database (finished runs too).</summary>
public sealed record RunRecord(RunRow Run, IReadOnlyList<StopDecision> Stops, IReadOnlyList<RunEvent> Events);

/// <summary>Live tracking: the runs followed now with their ETAs, a building's next collection, and a run's record.</summary>
public static class TrackingEndpoints
{
    public static IEndpointRouteBuilder MapTracking(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/tracking", ([AsParameters] PageQuery page, HttpRequest request, LiveRuns live, IOptions<ApiLimits> limits) =>
            Paging.RespondAsync(page, limits.Value, request, () => Task.FromResult(live.All()))).RequireAuthorization(Policies.Read).WithTags("Tracking");
        app.MapGet("/api/runs/{id:long}/etas", (long id, LiveRuns live) =>
                live.Get(id) is { } run ? Results.Ok(run)
                : Results.Problem(statusCode: 404, title: "Run not tracked", detail: $"run {id} is not being tracked: unknown, cancelled, without a truck, or over"))
            .RequireAuthorization(Policies.Read).WithTags("Tracking");
        app.MapGet("/api/runs/{id:long}/record", RecordAsync).RequireAuthorization(Policies.Read).WithTags("Tracking");
        app.MapGet("/api/buildings/{id}/eta", (string id, LiveRuns live) =>
                Next(id, live) is { } eta ? Results.Ok(eta)
                : Results.Problem(statusCode: 404, title: "No collection tracked", detail: $"no run tracked today collects building '{id}'"))
            .RequireAuthorization(Policies.Read).WithTags("Tracking");
        return app;
    }

    private static BuildingEta? Next(string buildingId, LiveRuns live) =>
        live.OfBuilding(buildingId) is { } run ? BuildingEta.Of(run, buildingId) : null;

    private static async Task<IResult> RecordAsync(long id, NpgsqlDataSource db, CancellationToken ct)
    {
        if (await RunRecords.RunAsync(db, id, ct) is not { } run)
        {
            return Results.Problem(statusCode: 404, title: "Unknown run", detail: $"there is no run {id} with a truck");
        }

        await using var cmd = db.CreateCommand("SELECT kind, sequence, at, detail FROM run_events WHERE run_id = @id ORDER BY at, sequence, kind");
        cmd.Parameters.AddWithValue("id", id);
        var events = new List<RunEvent>();
        await using (var reader = await cmd.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                events.Add(new RunEvent(reader.GetString(0), reader.GetInt32(1), reader.GetFieldValue<DateTimeOffset>(2), reader.IsDBNull(3) ? null : reader.GetString(3)));
            }
        }

        return Results.Ok(new RunRecord(run, await RunRecords.StopsAsync(db, id, ct), events));
    }
}
