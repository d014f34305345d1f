using System.Text;
using Microsoft.Extensions.Options;
using Npgsql;
using WasteNotify.Core.City;
using WasteNotify.Core.Streets;
using WasteNotify.Service.Security;
using WasteNotify.Service.Http;

namespace WasteNotify.Service.City;

public sealed record BuildingInput(string? Address, double? Lat, double? Lon, int? Bins, string? AccessNotes);

public sealed record BuildingView(string Id, string Address, double Lat, double Lon, double? StreetLat, double? StreetLon, int Bins, string? AccessNotes)
{
    public Building ToBuilding() => new(Id, Address, new GeoPoint(Lat, Lon), Bins, AccessNotes);
}

/// <summary>/api/buildings: list, read, create or replace, delete, and CSV import/export (all or nothing).</summary>
public static class BuildingEndpoints
{
    public static IEndpointRouteBuilder MapBuildings(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/buildings").WithTags("Buildings");
        group.MapGet("/", ListAsync).RequireAuthorization(Policies.Read);
        group.MapGet("/export", ExportAsync).RequireAuthorization(Policies.Read).Produces(200, contentType: "text/csv");
        group.MapGet("/{id}", GetAsync).RequireAuthorization(Policies.Read);
        group.MapPut("/{id}", PutAsync).RequireAuthorization(Policies.Write);
        group.MapDelete("/{id}", DeleteAsync).RequireAuthorization(Policies.Write).ProducesDeleted();
        group.MapPost("/import", ImportAsync).RequireAuthorization(Policies.Write).Accepts<string>("text/csv").WithBodyLimit(BodyLimits.Kind.Import);
        return app;
    }

    /// <summary>Buildings whose id or address holds <c>q</c>, case aside.</summary>
    private const string Matches = "strpos(lower(id), lower(@q)) > 0 OR strpos(lower(address), lower(@q)) > 0";

    private static Task<IResult> ListAsync(string? q, [AsParameters] PageQuery page, HttpRequest request, NpgsqlDataSource db, IOptions<ApiLimits> limits, CancellationToken ct) =>
        Paging.RespondAsync<BuildingView>(page, limits.Value, request, async window =>
            (await ReadAsync(db, null, ct, window, q), await Paging.CountAsync(db, "buildings", ct, Matches, q)));

    private static async Task<IResult> GetAsync(string id, NpgsqlDataSource db, CancellationToken ct) =>
        (await ReadAsync(db, id, ct)).FirstOrDefault() is { } building ? Results.Ok(building) : Results.NotFound();

    private static async Task<IResult> PutAsync(string id, BuildingInput input, NpgsqlDataSource db, CityMap city, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(id) || id.Length > FieldLengths.Id)
        {
            errors["id"] = [$"must be 1 to {FieldLengths.Id} characters"];
        }

        if (string.IsNullOrWhiteSpace(input.Address))
        {
            errors["address"] = ["is required"];
        }
        else if (FieldLengths.TooLong(input.Address.Trim(), FieldLengths.Address) is { } longAddress)
        {
            errors["address"] = [longAddress];
        }

        if (FieldLengths.TooLong(input.AccessNotes, FieldLengths.AccessNotes) is { } longNotes)
        {
            errors["accessNotes"] = [longNotes];
        }

        if (input.Lat is not (>= -90 and <= 90))
        {
            errors["lat"] = ["is required, from -90 to 90"];
        }

        if (input.Lon is not (>= -180 and <= 180))
        {
            errors["lon"] = ["is required, from -180 to 180"];
        }

        if (input.Bins is { } bins && bins is < 1 or > 500)
        {
            errors["bins"] = ["must be from 1 to 500"];
        }

        if (errors.Count > 0)
        {
            return Problems.Invalid(errors);
        }

        var building = new Building(id, input.Address!.Trim(), new GeoPoint(input.Lat!.Value, input.Lon!.Value), input.Bins ?? 1, input.AccessNotes);
        var state = await city.GetAsync(ct);
        await using var connection = await db.OpenConnectionAsync(ct);
        await UpsertAsync(connection, null, building, state, ct);
        return Results.Ok((await ReadAsync(db, id, ct)).Single());
    }

    private static async Task<IResult> DeleteAsync(string id, NpgsqlDataSource db, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("DELETE FROM buildings WHERE id = @id");
        cmd.Parameters.AddWithValue("id", id);
        try
        {
            return await cmd.ExecuteNonQueryAsync(ct) == 1 ? Results.NoContent() : Results.NotFound();
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.ForeignKeyViolation)
        {
            return Results.Problem(statusCode: 409, title: "The building is a stop of a route", detail: "Remove it from its routes first.");
        }
    }

    private static async Task<IResult> ImportAsync(HttpRequest request, NpgsqlDataSource db, CityMap city, CancellationToken ct)
    {
        IReadOnlyList<Building> buildings;
        try
        {
            using var reader = new StreamReader(request.Body, Encoding.UTF8);
            buildings = BuildingCsv.Read(new StringReader(await reader.ReadToEndAsync(ct)));
        }
        catch (ImportException ex)
        {
            return Problems.Import(ex);
        }

        var state = await city.GetAsync(ct);
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        foreach (var building in buildings)
        {
            await UpsertAsync(connection, tx, building, state, ct);
        }

        await tx.CommitAsync(ct);
        return Results.Ok(new { imported = buildings.Count });
    }

    private static async Task<IResult> ExportAsync(NpgsqlDataSource db, CancellationToken ct)
    {
        var writer = new StringWriter();
        BuildingCsv.Write(writer, (await ReadAsync(db, null, ct)).Select(b => b.ToBuilding()));
        return Results.Text(writer.ToString(), "text/csv", Encoding.UTF8);
    }

    /// <summary>Inserts or replaces a building, with its position snapped to the nearest street.</summary>
    internal static async Task UpsertAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, Building building, CityState city, CancellationToken ct)
    {
        var snap = city.Index.Nearest(building.Position, maxMeters: 500);
        await using var cmd = new NpgsqlCommand("""
            INSERT INTO buildings (id, address, lat, lon, street_lat, street_lon, bins, access_notes)
            VALUES (@id, @address, @lat, @lon, @slat, @slon, @bins, @notes)
            ON CONFLICT (id) DO UPDATE SET address = excluded.address, lat = excluded.lat, lon = excluded.lon,
                street_lat = excluded.street_lat, street_lon = excluded.street_lon, bins = excluded.bins, access_notes = excluded.access_notes
            """, connection, tx);
        cmd.Parameters.AddWithValue("id", building.Id);
        cmd.Parameters.AddWithValue("address", building.Address);
        cmd.Parameters.AddWithValue("lat", building.Position.Latitude);
        cmd.Parameters.AddWithValue("lon", building.Position.Longitude);
        cmd.Parameters.AddWithValue("slat", snap is { } s1 ? s1.Point.Latitude : DBNull.Value);
        cmd.Parameters.AddWithValue("slon", snap is { } s2 ? s2.Point.Longitude : DBNull.Value);
        cmd.Parameters.AddWithValue("bins", building.Bins);
        cmd.Parameters.AddWithValue("notes", (object?)building.AccessNotes ?? DBNull.Value);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    internal static async Task<List<BuildingView>> ReadAsync(NpgsqlDataSource db, string? id, CancellationToken ct, (int Offset, int Limit)? window = null,
        string? search = null)
    {
        await using var cmd = db.CreateCommand($"""
            SELECT id, address, lat, lon, street_lat, street_lon, bins, access_notes FROM buildings
            WHERE (@id IS NULL OR id = @id) AND (@q IS NULL OR {Matches}) ORDER BY id OFFSET @offset LIMIT @limit
            """);
        cmd.Parameters.Add(new NpgsqlParameter<string?>("id", NpgsqlTypes.NpgsqlDbType.Text) { TypedValue = id });
        cmd.Parameters.Add(new NpgsqlParameter<string?>("q", NpgsqlTypes.NpgsqlDbType.Text) { TypedValue = Paging.Search(search) });
        cmd.Parameters.AddWithValue("offset", window?.Offset ?? 0);
        cmd.Parameters.AddWithValue("limit", window?.Limit ?? int.MaxValue);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var list = new List<BuildingView>();
        while (await reader.ReadAsync(ct))
        {
            list.Add(new BuildingView(reader.GetString(0), reader.GetString(1), reader.GetDouble(2), reader.GetDouble(3),
                reader.IsDBNull(4) ? null : reader.GetDouble(4), reader.IsDBNull(5) ? null : reader.GetDouble(5),
                reader.GetInt32(6), reader.IsDBNull(7) ? null : reader.GetString(7)));
        }

        return list;
    }
}
