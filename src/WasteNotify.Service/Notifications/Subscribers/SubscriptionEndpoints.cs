using Npgsql;
using WasteNotify.Service.Security;
using WasteNotify.Service.Http;

namespace WasteNotify.Service.Notifications;

/// <summary>/api/concierges/{id}/subscriptions/{buildingId}: subscribe a concierge to a building (or change how), or unsubscribe.</summary>
public static class SubscriptionEndpoints
{
    public static IEndpointRouteBuilder MapSubscriptions(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/concierges/{id:long}/subscriptions").WithTags("Concierges");
        group.MapPut("/{buildingId}", PutAsync).RequireAuthorization(Policies.Write);
        group.MapDelete("/{buildingId}", DeleteAsync).RequireAuthorization(Policies.Write).ProducesDeleted();
        return app;
    }

    /// <summary>201 with the subscription when it is new, 200 when its settings were replaced.</summary>
    private static async Task<IResult> PutAsync(long id, string buildingId, SubscriptionInput? input, NpgsqlDataSource db, SubscriberDirectory directory,
        CancellationToken ct)
    {
        input ??= new SubscriptionInput(null, null, null, null, null, null);
        var errors = new Dictionary<string, string[]>();
        if (input.BuildingId is not null && input.BuildingId != buildingId)
        {
            errors["buildingId"] = [$"names building '{input.BuildingId}' but the address names '{buildingId}'"];
        }

        var settings = SubscriptionSettings.Read(input, "", errors);
        if (errors.Count > 0)
        {
            return Problems.Invalid(errors);
        }

        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await using var exists = new NpgsqlCommand("SELECT EXISTS (SELECT 1 FROM concierges WHERE id = $1 FOR KEY SHARE)", connection, tx)
        {
            Parameters = { new() { Value = id } },
        };
        if (!(bool)(await exists.ExecuteScalarAsync(ct))!)
        {
            return ConciergeEndpoints.UnknownConcierge(id);
        }

        if ((await ConciergeRecords.UnknownBuildingsAsync(connection, tx, [buildingId], ct)).Count > 0)
        {
            return UnknownBuilding(buildingId);
        }

        var created = await ConciergeRecords.UpsertSubscriptionAsync(connection, tx, id, buildingId, settings!, replace: true, ct);
        await tx.CommitAsync(ct);
        directory.Invalidate();
        var view = settings!.ToView(buildingId);
        return created ? Results.Created($"/api/concierges/{id}/subscriptions/{Uri.EscapeDataString(buildingId)}", view) : Results.Ok(view);
    }

    private static async Task<IResult> DeleteAsync(long id, string buildingId, NpgsqlDataSource db, SubscriberDirectory directory, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("DELETE FROM subscriptions WHERE concierge_id = $1 AND building_id = $2");
        cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = id });
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = buildingId });
        if (await cmd.ExecuteNonQueryAsync(ct) == 0)
        {
            return Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown subscription",
                detail: $"concierge {id} is not subscribed to building '{buildingId}'");
        }

        directory.Invalidate();
        return Results.NoContent();
    }

    internal static IResult UnknownBuilding(string buildingId) =>
        Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown building", detail: $"there is no building '{buildingId}'");
}
