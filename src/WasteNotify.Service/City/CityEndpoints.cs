using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Npgsql;
using WasteNotify.Core.City;
using WasteNotify.Core.Streets;
using WasteNotify.Core.Streets.Osm;
using WasteNotify.Service.Security;
using WasteNotify.Service.Http;

namespace WasteNotify.Service.City;

/// <summary>/api/city: the street network in use, and the import of an OpenStreetMap extract (XML or PBF).</summary>
public static class CityEndpoints
{

    public static IEndpointRouteBuilder MapCity(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/city").WithTags("City");
        group.MapGet("/", async (CityMap city, CancellationToken ct) =>
        {
            var state = await city.GetAsync(ct);
            return Results.Ok(new { source = state.Source, nodes = state.Network.NodeCount, edges = state.Network.EdgeCount });
        }).RequireAuthorization(Policies.Read);
        group.MapGet("/streets", StreetsAsync).RequireAuthorization(Policies.ReadOrBuilding)
            .WithSummary("The streets in use as GeoJSON lines (name, class), simplified for the map's zoom (10 to 19; 16 by default); with a key or a building's page link")
            .Produces(StatusCodes.Status200OK, contentType: "application/geo+json").ProducesValidationProblem();
        group.MapPost("/import", ImportAsync).RequireAuthorization(Policies.Admin)
            .Accepts<byte[]>("application/xml", "application/octet-stream")
            .WithBodyLimit(BodyLimits.Kind.CityImport);
        return app;
    }

    /// <summary>
    /// The street network as a map layer that needs no tile server: each way's segments as lines, simplified to half a
    /// pixel at <paramref name="zoom"/> (Web Mercator's 156,543 m a pixel at zoom 0 on the equator, by the latitude).
    /// </summary>
    private static async Task<IResult> StreetsAsync(int? zoom, CityMap city, CancellationToken ct)
    {
        if (zoom is < 10 or > 19)
        {
            return Problems.Invalid("zoom", "must be from 10 to 19");
        }

        var network = (await city.GetAsync(ct)).Network;
        var zoomLevel = zoom ?? 16;
        // Made once per network and zoom (an import brings a new network, whose layers are made afresh): a map asks at
        // every pan and zoom, and a large city's lines take far longer to make than to send.
        var layer = StreetLayers.GetOrCreateValue(network).GetOrAdd(zoomLevel, z => StreetLayer(network, z));
        return Results.Bytes(layer, "application/geo+json");
    }

    private static readonly ConditionalWeakTable<StreetNetwork, ConcurrentDictionary<int, byte[]>> StreetLayers = new();

    private static byte[] StreetLayer(StreetNetwork network, int zoom)
    {
        var latitude = network.NodeCount == 0 ? 0 : network.Position(0).Latitude;
        var tolerance = 0.5 * 156_543.03 * Math.Cos(latitude * Math.PI / 180) / Math.Pow(2, zoom);
        var features = StreetLines.Of(network, tolerance).Select(line => new
        {
            type = "Feature",
            properties = new { name = line.Name, @class = line.Class.ToString().ToLowerInvariant() },
            geometry = new { type = "LineString", coordinates = line.Points.Select(p => new[] { Math.Round(p.Longitude, 6), Math.Round(p.Latitude, 6) }) },
        });
        return JsonSerializer.SerializeToUtf8Bytes(new { type = "FeatureCollection", features }, JsonSerializerOptions.Web);
    }

    /// <summary>Replaces the street network and adds (or updates) the extract's addressed buildings, all or nothing.</summary>
    private static async Task<IResult> ImportAsync(HttpRequest request, NpgsqlDataSource db, CityMap city, CancellationToken ct)
    {
        var body = new MemoryStream();
        await request.Body.CopyToAsync(body, ct);
        var extract = body.ToArray();
        OsmData data;
        CityState state;
        try
        {
            (data, state) = CityMap.Parse(extract);
        }
        catch (OsmFormatException ex)
        {
            return Problems.Import(ex);
        }

        var buildings = OsmBuildings.Extract(data);
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        foreach (var building in buildings)
        {
            await BuildingEndpoints.UpsertAsync(connection, tx, building, state, ct);
        }

        await city.StoreAsync(extract, state, connection, tx, ct);
        await tx.CommitAsync(ct);
        city.Use(state);
        return Results.Ok(new { nodes = state.Network.NodeCount, edges = state.Network.EdgeCount, buildings = buildings.Count });
    }
}
