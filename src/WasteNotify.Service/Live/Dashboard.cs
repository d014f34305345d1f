using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using Microsoft.Extensions.Options;
using WasteNotify.Service.City;
using WasteNotify.Service.Http;
using WasteNotify.Service.Security;
using WasteNotify.Service.Tracking;

namespace WasteNotify.Service.Live;

/// <summary>The dashboard map's optional online background: a tile server and its attribution (the streets are drawn without it).</summary>
public sealed class DashboardOptions : IValidatableObject
{
    /// <summary>A tile URL template (<c>https://tile.example.org/{z}/{x}/{y}.png</c>); unset, the map draws only our own street layer.</summary>
    public string? TileUrl { get; set; }

    [Required]
    public string TileAttribution { get; set; } = "&copy; OpenStreetMap contributors";

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (TileUrl is { Length: > 0 } url
            && !(Uri.TryCreate(url.Replace("{s}", "a").Replace("{z}", "0").Replace("{x}", "0").Replace("{y}", "0"), UriKind.Absolute, out var uri)
                 && uri.Scheme is "http" or "https" && url.Contains("{z}") && url.Contains("{x}") && url.Contains("{y}")))
        {
            yield return new ValidationResult($"'{url}' is not an http(s) tile URL template with {{z}}, {{x}} and {{y}}", [nameof(TileUrl)]);
        }
    }
}

/// <summary>What the dashboard needs before it draws: who signed in, the city's extent and time zone, its unloading places, the tiles.</summary>
public sealed record DashboardView(string Role, string KeyId, string TimeZone, MapBounds Bounds, IReadOnlyList<MapPlace> Facilities, MapTiles? Tiles);

public sealed record MapBounds(double South, double West, double North, double East);

public sealed record MapPlace(double Latitude, double Longitude);

public sealed record MapTiles(string Url, string Attribution);

/// <summary>
/// The operators' and pilots' dashboard (<c>/</c> and <c>/dashboard</c>): a static page signed in with an API key,
/// reading the public API and <c>/hubs/fleet</c>; and <c>GET /api/dashboard</c>, the key's role and the map's setting.
/// </summary>
public static class Dashboard
{
    public static IEndpointRouteBuilder MapDashboard(this IEndpointRouteBuilder app)
    {
        app.MapGet("/", () => Pages.Page("dashboard.html")).ExcludeFromDescription().AllowAnonymous();
        app.MapGet("/dashboard", () => Pages.Page("dashboard.html")).ExcludeFromDescription().AllowAnonymous();
        app.MapGet("/swagger", () => Results.Redirect("/api-docs")).ExcludeFromDescription().AllowAnonymous();
        app.MapGet("/api/dashboard", SettingsAsync).RequireAuthorization(Policies.Read).WithTags("Dashboard")
            .WithSummary("The key's role (pilot, operator, admin) and what the dashboard's map needs: the city's extent, time zone, unloading places and tiles");
        return app;
    }

    private static async Task<IResult> SettingsAsync(ClaimsPrincipal user, CityMap city, IOptions<CityOptions> cityOptions, IOptions<TrackingOptions> tracking,
        IOptions<DashboardOptions> options, CancellationToken ct)
    {
        var state = await city.GetAsync(ct);
        var network = state.Network;
        double south = 90, west = 180, north = -90, east = -180;
        for (var i = 0; i < network.NodeCount; i++)
        {
            var p = network.Position(i);
            (south, north) = (Math.Min(south, p.Latitude), Math.Max(north, p.Latitude));
            (west, east) = (Math.Min(west, p.Longitude), Math.Max(east, p.Longitude));
        }

        if (network.NodeCount == 0)
        {
            (south, west, north, east) = (state.DefaultDepot.Latitude, state.DefaultDepot.Longitude, state.DefaultDepot.Latitude, state.DefaultDepot.Longitude);
        }

        var facilities = state.Facilities.Concat(tracking.Value.Facilities.Select(f => new Core.Streets.GeoPoint(f.Latitude, f.Longitude)))
            .Select(p => new MapPlace(p.Latitude, p.Longitude)).ToList();
        var tiles = options.Value.TileUrl is { Length: > 0 } url ? new MapTiles(url, options.Value.TileAttribution) : null;
        return Results.Ok(new DashboardView(user.FindFirstValue(ClaimTypes.Role)!.ToLowerInvariant(), user.FindFirstValue(ClaimTypes.NameIdentifier)!,
            cityOptions.Value.TimeZone, new MapBounds(south, west, north, east), facilities, tiles));
    }
}
