using System.Security.Claims;
using Npgsql;
using WasteNotify.Service.Http;
using WasteNotify.Service.Security;
using WasteNotify.Service.Tracking;

namespace WasteNotify.Service.Live;

/// <summary>
/// The concierge's building page, reached by the building's signed page link (<c>/building?token=…</c>, no account):
/// the page itself, or a page saying why the link cannot be used; and <c>GET /api/building-page</c>, what the page
/// shows before the hub's first push (the building and today's collection, with the same token as a bearer).
/// </summary>
public static class BuildingPage
{
    public const string Path = "/building";

    public static IEndpointRouteBuilder MapBuildingPage(this IEndpointRouteBuilder app)
    {
        app.MapGet(Path, (string? token, SignedLinks links) =>
                links.Read(token, SignedLinks.Page, out var error) is null ? Pages.Refused(error ?? "no link", "la page de l’immeuble", "building page") : Pages.Page("building.html"))
            .ExcludeFromDescription();
        app.MapGet("/api/building-page", StateAsync).RequireAuthorization(Policies.Building).WithTags("Building page")
            .WithSummary("The building of a page link and its collection today (null when no tracked run collects it today)");
        return app;
    }

    private static async Task<IResult> StateAsync(ClaimsPrincipal user, NpgsqlDataSource db, LiveRuns live, CancellationToken ct)
    {
        var id = user.FindFirst(BuildingLinkAuthentication.BuildingClaim)!.Value;
        await using var cmd = db.CreateCommand("SELECT address FROM buildings WHERE id = $1");
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = id });
        return await cmd.ExecuteScalarAsync(ct) is string address
            ? Results.Ok(new BuildingPageView(id, address, live.OfBuilding(id) is { } run ? BuildingEta.Of(run, id) : null))
            : Results.Problem(statusCode: 404, title: "Unknown building", detail: $"building '{id}' is no longer in the city");
    }
}

/// <summary>What the building page shows first: the building and its collection today, if a tracked run has it.</summary>
public sealed record BuildingPageView(string BuildingId, string Address, BuildingEta? Today);
