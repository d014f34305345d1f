using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;
using WasteNotify.Service.Security;
using WasteNotify.Service.Http;

namespace WasteNotify.Service.Notifications;

/// <summary>/api/concierges: operators register, read, change and erase concierges (their subscriptions: <see cref="SubscriptionEndpoints"/>).</summary>
public static class ConciergeEndpoints
{
    public static IEndpointRouteBuilder MapConcierges(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/concierges").WithTags("Concierges");
        // Names and numbers in clear: operators only (pilots read KPIs and masked views).
        group.MapGet("/", ListAsync).RequireAuthorization(Policies.Write);
        group.MapGet("/{id:long}", GetAsync).RequireAuthorization(Policies.Write);
        group.MapPost("/", CreateAsync).RequireAuthorization(Policies.Write);
        group.MapPatch("/{id:long}", PatchAsync).RequireAuthorization(Policies.Write);
        group.MapDelete("/{id:long}", EraseAsync).RequireAuthorization(Policies.Write).ProducesDeleted();
        return app;
    }

    /// <summary>409 naming the concierge who already has the number (or null when they were erased meanwhile).</summary>
    internal static IResult PhoneTaken(long? existing) => Results.Problem(statusCode: StatusCodes.Status409Conflict,
        title: "A concierge already has this phone number",
        detail: existing is { } id ? $"concierge {id} has this phone number" : "another concierge has this phone number",
        extensions: new Dictionary<string, object?> { ["conciergeId"] = existing });

    internal static IResult UnknownConcierge(long id) =>
        Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown concierge", detail: $"there is no concierge {id}");

    /// <summary>Concierges (of a building when <c>building</c> is given), those whose name or number holds <c>q</c> (case aside) when it is given.</summary>
    private static Task<IResult> ListAsync(string? building, string? q, [AsParameters] PageQuery page, HttpRequest request, NpgsqlDataSource db,
        IOptions<ApiLimits> limits, CancellationToken ct) =>
        Paging.RespondAsync<ConciergeView>(page, limits.Value, request, async () =>
            [.. (await ConciergeRecords.ReadAsync(db, null, building, ct)).Where(c => Paging.Holds(c.Name, Paging.Search(q)) || Paging.Holds(c.Phone, Paging.Search(q)))]);

    private static async Task<IResult> GetAsync(long id, NpgsqlDataSource db, CancellationToken ct) =>
        (await ConciergeRecords.ReadAsync(db, id, null, ct)).FirstOrDefault() is { } concierge ? Results.Ok(concierge) : UnknownConcierge(id);

    private static async Task<IResult> CreateAsync(ConciergeInput input, NpgsqlDataSource db, IOptions<NotificationOptions> options,
        SubscriberDirectory directory, TimeProvider time, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var name = ConciergeFields.Name(input.Name, errors);
        var phone = ConciergeFields.Phone(input.Phone, options.Value.DefaultRegion, errors);
        var language = ConciergeFields.Language(input.Language, errors);
        var now = time.GetUtcNow();
        var source = input.Consent?.Source?.Trim();
        if (input.Consent is null)
        {
            errors["consent"] = ["is required: {source: how the concierge agreed to receive alerts, at: when (default now)}"];
        }
        else if (string.IsNullOrEmpty(source) || source.Length > 500)
        {
            errors["consent.source"] = ["is required, up to 500 characters: how the concierge agreed to receive alerts"];
        }
        else if (input.Consent.At > now.AddMinutes(5))
        {
            errors["consent.at"] = ["is in the future"];
        }

        var subscriptions = new List<(string BuildingId, SubscriptionSettings Settings, int Index)>();
        for (var i = 0; i < (input.Subscriptions?.Length ?? 0); i++)
        {
            var prefix = $"subscriptions[{i}].";
            if (input.Subscriptions![i] is not { } subscription || string.IsNullOrWhiteSpace(subscription.BuildingId))
            {
                errors[prefix + "buildingId"] = ["is required"];
            }
            else if (subscriptions.Any(s => s.BuildingId == subscription.BuildingId))
            {
                errors[prefix + "buildingId"] = [$"building '{subscription.BuildingId}' is named twice"];
            }
            else if (SubscriptionSettings.Read(subscription, prefix, errors) is { } settings)
            {
                subscriptions.Add((subscription.BuildingId, settings, i));
            }
        }

        if (errors.Count > 0)
        {
            return Problems.Invalid(errors);
        }

        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var unknown = await ConciergeRecords.UnknownBuildingsAsync(connection, tx, subscriptions.Select(s => s.BuildingId), ct);
        if (unknown.Count > 0)
        {
            return Problems.Invalid(subscriptions.Where(s => unknown.Contains(s.BuildingId))
                .ToDictionary(s => $"subscriptions[{s.Index}].buildingId", s => new[] { $"there is no building '{s.BuildingId}'" }));
        }

        if (await ConciergeRecords.InsertAsync(connection, tx, name!, phone!, language!, input.Consent!.At ?? now, source!, ct) is not { } id)
        {
            return PhoneTaken(await ConciergeRecords.IdOfPhoneAsync(connection, tx, phone!, null, ct));
        }

        foreach (var (buildingId, settings, _) in subscriptions)
        {
            await ConciergeRecords.UpsertSubscriptionAsync(connection, tx, id, buildingId, settings, replace: true, ct);
        }

        await tx.CommitAsync(ct);
        directory.Invalidate();
        return Results.Created($"/api/concierges/{id}", (await ConciergeRecords.ReadAsync(db, id, null, ct)).Single());
    }

    /// <summary>Changes the name, number or language; a new number clears the number's problem, and pending SMS follow it.</summary>
    private static async Task<IResult> PatchAsync(long id, ConciergePatch input, NpgsqlDataSource db, IOptions<NotificationOptions> options,
        SubscriberDirectory directory, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var name = input.Name is null ? null : ConciergeFields.Name(input.Name, errors);
        var phone = input.Phone is null ? null : ConciergeFields.Phone(input.Phone, options.Value.DefaultRegion, errors);
        var language = input.Language is null ? null : ConciergeFields.Language(input.Language, errors);
        if (errors.Count > 0)
        {
            return Problems.Invalid(errors);
        }

        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        if (phone is not null && await ConciergeRecords.IdOfPhoneAsync(connection, tx, phone, id, ct) is { } other)
        {
            return PhoneTaken(other);
        }

        await using var cmd = new NpgsqlCommand("""
            WITH old AS (SELECT id, phone FROM concierges WHERE id = $1 FOR UPDATE),
            changed AS (
                UPDATE concierges c SET name = COALESCE($2, c.name), language = COALESCE($4, c.language), phone = COALESCE($3, c.phone),
                    phone_problem = CASE WHEN $3 IS DISTINCT FROM old.phone AND $3 IS NOT NULL THEN NULL ELSE c.phone_problem END,
                    phone_problem_at = CASE WHEN $3 IS DISTINCT FROM old.phone AND $3 IS NOT NULL THEN NULL ELSE c.phone_problem_at END
                FROM old WHERE c.id = old.id
                RETURNING old.phone AS before, c.phone AS after
            ),
            moved AS (
                UPDATE outbox o SET to_phone = changed.after FROM changed
                WHERE changed.before <> changed.after AND o.to_phone = changed.before AND o.status = 'pending'
                  AND o.alert_id IN (SELECT a.id FROM alerts a WHERE a.concierge_id = $1)
            )
            SELECT count(*) FROM changed
            """, connection, tx);
        cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = id });
        cmd.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = name, NpgsqlDbType = NpgsqlDbType.Text });
        cmd.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = phone, NpgsqlDbType = NpgsqlDbType.Text });
        cmd.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = language, NpgsqlDbType = NpgsqlDbType.Text });
        try
        {
            if ((long)(await cmd.ExecuteScalarAsync(ct))! == 0)
            {
                return UnknownConcierge(id);
            }

            await tx.CommitAsync(ct);
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            // Another request gave the number to someone else since the check above.
            return PhoneTaken(null);
        }

        directory.Invalidate();
        return Results.Ok((await ConciergeRecords.ReadAsync(db, id, null, ct)).Single());
    }

    private static async Task<IResult> EraseAsync(long id, NpgsqlDataSource db, SubscriberDirectory directory, TimeProvider time, CancellationToken ct)
    {
        if (!await ConciergeErasure.EraseAsync(db, id, time.GetUtcNow(), ct))
        {
            return UnknownConcierge(id);
        }

        directory.Invalidate();
        return Results.NoContent();
    }
}
