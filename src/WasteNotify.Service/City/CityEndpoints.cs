using Npgsql;
using WasteNotify.Core.City;
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
        group.MapPost("/import", ImportAsync).RequireAuthorization(Policies.Admin)
            .Accepts<byte[]>("application/xml", "application/octet-stream")
            .WithBodyLimit(BodyLimits.Kind.CityImport);
        return app;
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
