using System.Security.Claims;
using Microsoft.Extensions.Options;
using Npgsql;
using WasteNotify.Service.City;
using WasteNotify.Service.Http;
using WasteNotify.Service.Notifications;
using WasteNotify.Service.Security;
using WasteNotify.Service.Tracking;

namespace WasteNotify.Service.Live;

/// <summary>
/// The concierge's building page, reached by the building's signed page link (<c>/building?token=…</c>, no account):
/// the page itself, or a page saying why the link cannot be used; and <c>GET /api/building-page</c>, what the page
/// shows before the hub's first push (the building, today's collection and what its concierge reported of the bins,
/// with the same token as a bearer); <c>POST /api/building-page/bins</c>, "the bins are out" or "back in" for
/// today's run, stored once each (the first report stands: pressing twice changes nothing).
/// </summary>
public static class BuildingPage
{
    public const string Path = "/building";

    public static IEndpointRouteBuilder MapBuildingPage(this IEndpointRouteBuilder app)
    {
        app.MapGet(Path, (string? token, SignedLinks links) =>
                links.Read(token, SignedLinks.Page, out var error) is null ? Pages.Refused(error ?? "no link", "la page de l’immeuble", "building page") : Pages.Page("building.html"))
            .ExcludeFromDescription().AllowAnonymous();
        app.MapGet("/api/building-page", StateAsync).RequireAuthorization(Policies.Building).WithTags("Building page")
            .WithSummary("The building of a page link, its collection today (null when no tracked run collects it today) and the bins reported for it");
        app.MapPost("/api/building-page/bins", ReportAsync).RequireAuthorization(Policies.Building).WithTags("Building page")
            .WithSummary("The concierge says the bins are out or back in, for today's run; the first report of each stands")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status409Conflict);
        return app;
    }

    private static async Task<IResult> ReportAsync(BinsInput input, ClaimsPrincipal user, NpgsqlDataSource db, LiveRuns live, TimeProvider time, CancellationToken ct)
    {
        if (input.State is not ("out" or "in"))
        {
            return Results.ValidationProblem(new Dictionary<string, string[]> { ["state"] = ["must be \"out\" or \"in\""] });
        }

        var id = Building(user);
        if (live.OfBuilding(id) is not { } run)
        {
            return Results.Problem(statusCode: StatusCodes.Status409Conflict, title: "No collection today",
                detail: "no run tracked today collects this building: there is nothing to report the bins for");
        }

        try
        {
            var (binsOut, binsIn) = await BinReports.RecordAsync(db, run.RunId, id, input.State == "out", "page", time.GetUtcNow(), ct);
            return Results.Ok(new BinsView(run.RunId, binsOut, binsIn));
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.ForeignKeyViolation)
        {
            // The building or the run was deleted while tracking still follows it.
            return Results.Problem(statusCode: StatusCodes.Status409Conflict, title: "No collection today",
                detail: "this building or its run is no longer in the city's data: there is nothing to report the bins for");
        }
    }

    private static async Task<BinsView> BinsAsync(NpgsqlDataSource db, long runId, string buildingId, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("SELECT bins_out_at, bins_in_at FROM bin_reports WHERE run_id = $1 AND building_id = $2");
        cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = runId });
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = buildingId });
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? new BinsView(runId, Read(reader, 0), Read(reader, 1)) : new BinsView(runId, null, null);
    }

    private static DateTimeOffset? Read(NpgsqlDataReader reader, int column) => reader.IsDBNull(column) ? null : reader.GetFieldValue<DateTimeOffset>(column);

    private static string Building(ClaimsPrincipal user) => user.FindFirst(BuildingLinkAuthentication.BuildingClaim)!.Value;

    private static async Task<IResult> StateAsync(ClaimsPrincipal user, NpgsqlDataSource db, LiveRuns live, IOptions<CityOptions> city, CancellationToken ct)
    {
        var id = Building(user);
        await using var cmd = db.CreateCommand("SELECT address, lat, lon FROM buildings WHERE id = $1");
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = id });
        string address;
        double latitude, longitude;
        await using (var reader = await cmd.ExecuteReaderAsync(ct))
        {
            if (!await reader.ReadAsync(ct))
            {
                return Results.Problem(statusCode: 404, title: "Unknown building", detail: $"building '{id}' is no longer in the city");
            }

            (address, latitude, longitude) = (reader.GetString(0), reader.GetDouble(1), reader.GetDouble(2));
        }

        var today = live.OfBuilding(id) is { } run ? BuildingEta.Of(run, id) : null;
        return Results.Ok(new BuildingPageView(id, address, latitude, longitude, city.Value.TimeZone, today,
            today is null ? null : await BinsAsync(db, today.RunId, id, ct)));
    }
}

/// <summary>
/// What the building page shows first: the building and where it is, the city's time zone (the page's clock times are
/// the city's, wherever the phone is set), its collection today if a tracked run has it (with the truck's position
/// once it is near), and the bins reported for that run.
/// </summary>
public sealed record BuildingPageView(string BuildingId, string Address, double Latitude, double Longitude, string TimeZone, BuildingEta? Today, BinsView? Bins);

/// <summary>"out" (the bins are on the pavement) or "in" (back in).</summary>
public sealed record BinsInput(string? State);

/// <summary>When the bins went out and came back in for a run, as the concierge reported it (null: not reported).</summary>
public sealed record BinsView(long RunId, DateTimeOffset? BinsOutAt, DateTimeOffset? BinsInAt);
