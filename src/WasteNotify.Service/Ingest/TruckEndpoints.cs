using Microsoft.Extensions.Options;
using Npgsql;
using WasteNotify.Core.City;
using WasteNotify.Core.Telemetry;
using WasteNotify.Service.Security;
using WasteNotify.Service.Http;

namespace WasteNotify.Service.Ingest;

public sealed record TruckInput(string? Name, string? OwnTracksDevice, double? DepotLat, double? DepotLon);

public sealed record TruckView(string Id, string Name, string? OwnTracksDevice, double DepotLat, double DepotLon)
{
    /// <summary>The id as its telemetry topic and broker username carry it (<c>Truck%2012</c> for <c>Truck 12</c>).</summary>
    public string TopicId => TruckIds.TopicForm(Id);
}

/// <summary>
/// /api/trucks. A truck's id is the fleet's, as written; its tracker publishes under the id's topic form
/// (<c>wastenotify/trucks/{topicId}/telemetry</c>, see <see cref="TruckIds"/>).
/// </summary>
public static class TruckEndpoints
{
    public static IEndpointRouteBuilder MapTrucks(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/trucks").WithTags("Trucks");
        group.MapGet("/", ListAsync).RequireAuthorization(Policies.Read);
        group.MapGet("/{**id}", async (HttpContext context, NpgsqlDataSource db, CancellationToken ct) =>
            (await ReadAsync(db, Id(context), ct)).FirstOrDefault() is { } truck ? Results.Ok(truck) : Results.NotFound()).RequireAuthorization(Policies.Read);
        group.MapPut("/{**id}", (HttpContext context, TruckInput input, NpgsqlDataSource db, TruckDirectory devices, CancellationToken ct) =>
            PutAsync(Id(context), input, db, devices, ct)).RequireAuthorization(Policies.Write);
        group.MapDelete("/{**id}", async (HttpContext context, NpgsqlDataSource db, TruckDirectory devices, CancellationToken ct) =>
        {
            await using var cmd = db.CreateCommand("DELETE FROM trucks WHERE id = @id");
            cmd.Parameters.AddWithValue("id", Id(context));
            var deleted = await cmd.ExecuteNonQueryAsync(ct) == 1;
            await devices.ReloadAsync(ct);
            return deleted ? Results.NoContent() : Results.NotFound();
        }).RequireAuthorization(Policies.Write).ProducesDeleted();
        return app;
    }

    /// <summary>
    /// The truck id of the request path, percent-decoded once from the raw target: Kestrel decodes every escape but
    /// <c>%2F</c>, so a fleet's <c>JC-4/B</c> (sent as <c>JC-4%2FB</c>, or as a plain slash) would otherwise not be read as written.
    /// </summary>
    private static string Id(HttpContext context)
    {
        var raw = context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpRequestFeature>()?.RawTarget ?? "";
        var prefix = context.Request.PathBase + "/api/trucks/";
        if (!raw.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
        {
            return (string?)context.Request.RouteValues["id"] ?? "";
        }

        var path = raw[prefix.Length..];
        var query = path.IndexOf('?', StringComparison.Ordinal);
        return Uri.UnescapeDataString(query < 0 ? path : path[..query]);
    }

    /// <summary>Trucks whose id or name holds <c>q</c>, case aside.</summary>
    private const string Matches = "strpos(lower(id), lower(@q)) > 0 OR strpos(lower(name), lower(@q)) > 0";

    private static Task<IResult> ListAsync(string? q, [AsParameters] PageQuery page, HttpRequest request, NpgsqlDataSource db, IOptions<ApiLimits> limits, CancellationToken ct) =>
        Paging.RespondAsync<TruckView>(page, limits.Value, request, async window =>
            (await ReadAsync(db, null, ct, window, q), await Paging.CountAsync(db, "trucks", ct, Matches, q)));

    private static async Task<IResult> PutAsync(string id, TruckInput input, NpgsqlDataSource db, TruckDirectory devices, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        if (TruckIds.Problem(id) is { } problem)
        {
            errors["id"] = [$"'{TelemetryParser.Printable(id)}' {problem} (1 to {TruckIds.MaxLength} characters, no control characters)"];
        }

        if (string.IsNullOrWhiteSpace(input.Name))
        {
            errors["name"] = ["is required"];
        }
        else if (FieldLengths.TooLong(input.Name.Trim(), FieldLengths.Name) is { } longName)
        {
            errors["name"] = [longName];
        }

        if (FieldLengths.TooLong(input.OwnTracksDevice, FieldLengths.Device) is { } longDevice)
        {
            errors["ownTracksDevice"] = [longDevice];
        }
        else if (input.OwnTracksDevice is { } device && device.Split('/') is not [{ Length: > 0 }, { Length: > 0 }])
        {
            errors["ownTracksDevice"] = ["must be 'user/device'"];
        }

        if (input.DepotLat is not (>= -90 and <= 90))
        {
            errors["depotLat"] = ["is required, from -90 to 90"];
        }

        if (input.DepotLon is not (>= -180 and <= 180))
        {
            errors["depotLon"] = ["is required, from -180 to 180"];
        }

        if (errors.Count > 0)
        {
            return Problems.Invalid(errors);
        }

        await using var cmd = db.CreateCommand("""
            INSERT INTO trucks (id, name, owntracks_device, depot_lat, depot_lon) VALUES (@id, @name, @device, @lat, @lon)
            ON CONFLICT (id) DO UPDATE SET name = excluded.name, owntracks_device = excluded.owntracks_device,
                depot_lat = excluded.depot_lat, depot_lon = excluded.depot_lon
            """);
        cmd.Parameters.AddWithValue("id", id);
        cmd.Parameters.AddWithValue("name", input.Name!.Trim());
        cmd.Parameters.AddWithValue("device", (object?)input.OwnTracksDevice ?? DBNull.Value);
        cmd.Parameters.AddWithValue("lat", input.DepotLat!.Value);
        cmd.Parameters.AddWithValue("lon", input.DepotLon!.Value);
        try
        {
            await cmd.ExecuteNonQueryAsync(ct);
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            return Problems.Invalid("ownTracksDevice", $"'{input.OwnTracksDevice}' already belongs to another truck");
        }

        await devices.ReloadAsync(ct);
        return Results.Ok((await ReadAsync(db, id, ct)).Single());
    }

    internal static async Task<List<TruckView>> ReadAsync(NpgsqlDataSource db, string? id, CancellationToken ct, (int Offset, int Limit)? window = null,
        string? search = null)
    {
        await using var cmd = db.CreateCommand($"""
            SELECT id, name, owntracks_device, depot_lat, depot_lon FROM trucks
            WHERE (@id IS NULL OR id = @id) AND (@q IS NULL OR {Matches}) ORDER BY id OFFSET @offset LIMIT @limit
            """);
        cmd.Parameters.Add(new NpgsqlParameter<string?>("id", NpgsqlTypes.NpgsqlDbType.Text) { TypedValue = id });
        cmd.Parameters.Add(new NpgsqlParameter<string?>("q", NpgsqlTypes.NpgsqlDbType.Text) { TypedValue = Paging.Search(search) });
        cmd.Parameters.AddWithValue("offset", window?.Offset ?? 0);
        cmd.Parameters.AddWithValue("limit", window?.Limit ?? int.MaxValue);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var list = new List<TruckView>();
        while (await reader.ReadAsync(ct))
        {
            list.Add(new TruckView(reader.GetString(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2), reader.GetDouble(3), reader.GetDouble(4)));
        }

        return list;
    }
}
