using WasteNotify.Service.Http;

namespace WasteNotify.Service.Security;

public sealed record ApiKeyInput(string? Role, string? Name);

/// <summary>A key just created: the whole key is in this answer only.</summary>
public sealed record CreatedApiKey(string Id, string Key, string Role, string? Name);

/// <summary>/api/keys (admin): the API keys listed (ids and roles, never secrets), created and revoked.</summary>
public static class ApiKeyEndpoints
{
    private const int MaxName = 200;

    public static IEndpointRouteBuilder MapApiKeys(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/keys").WithTags("API keys").RequireAuthorization(Policies.Admin);
        group.MapGet("/", async (bool? all, ApiKeys keys, CancellationToken ct) => Results.Ok(await keys.ListAsync(all ?? false, ct)));
        group.MapPost("/", CreateAsync).Produces<CreatedApiKey>(StatusCodes.Status201Created).ProducesValidationProblem();
        group.MapDelete("/{id}", async (string id, ApiKeys keys, CancellationToken ct) => await keys.RevokeAsync(id, keepAnAdmin: true, ct) switch
        {
            RevokeOutcome.Revoked or RevokeOutcome.AlreadyRevoked => Results.NoContent(),
            RevokeOutcome.LastAdmin => Results.Problem(statusCode: StatusCodes.Status409Conflict, title: "The last admin key",
                detail: $"key {id} is the only admin key in use: create another first (POST /api/keys or 'wastenotify apikey create --role admin')"),
            _ => Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown key", detail: $"there is no key {id}"),
        }).ProducesDeleted().ProducesProblem(StatusCodes.Status409Conflict);
        return app;
    }

    private static async Task<IResult> CreateAsync(ApiKeyInput input, ApiKeys keys, CancellationToken ct)
    {
        if (!ApiKeys.TryParseRole(input.Role, out var role))
        {
            return Problems.Invalid("role", "must be admin, operator or pilot");
        }

        if (input.Name is { Length: > MaxName })
        {
            return Problems.Invalid("name", $"is longer than {MaxName} characters");
        }

        var name = string.IsNullOrWhiteSpace(input.Name) ? null : input.Name.Trim();
        var key = await keys.CreateAsync(role, name, ct);
        var id = ApiKeys.IdOf(key)!;
        return Results.Created($"/api/keys/{id}", new CreatedApiKey(id, key, role.ToString().ToLowerInvariant(), name));
    }
}
