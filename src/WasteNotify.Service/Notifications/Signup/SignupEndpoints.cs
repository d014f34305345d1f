using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using Npgsql;
using WasteNotify.Service.Security;
using WasteNotify.Service.Http;

namespace WasteNotify.Service.Notifications;

/// <summary>
/// Buildings' signed links (<c>POST /api/buildings/{id}/links</c>, operators) and self-registration through the sign-up
/// link (<c>/signup?token=…</c>, the page; <c>/api/signup/{token}</c>, anonymous: the token is the credential).
/// </summary>
public static class SignupEndpoints
{
    public const string RateLimitPolicy = "signup";
    public const string ConsentSource = "self-registration through the building link";

    public static IEndpointRouteBuilder MapSignup(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/buildings/{id}/links", LinksAsync).WithTags("Buildings").RequireAuthorization(Policies.Write);
        // The page the sign-up link opens, or a page saying why the link cannot be used.
        app.MapGet("/signup", (string? token, SignedLinks links) =>
                links.Read(token, SignedLinks.Signup, out var error) is null ? Pages.Refused(error ?? "no link", "l’inscription", "sign-up") : Pages.Page("signup.html"))
            .ExcludeFromDescription().AllowAnonymous();
        var group = app.MapGroup("/api/signup").WithTags("Sign-up").AllowAnonymous();
        group.MapGet("/{token}", BuildingAsync);
        // Anyone holding a building's link may post here: ASP.NET Core's rate limiter (RateLimit below) keeps one client
        // address from registering numbers in bulk.
        group.MapPost("/{token}", RegisterAsync).RequireRateLimiting(RateLimitPolicy);
        return app;
    }

    /// <summary>
    /// The sign-up policy for <c>AddRateLimiter</c>: a fixed window of 10 registrations a minute per client address, then
    /// 429 with Retry-After. Behind a reverse proxy every client shares its address unless forwarded headers are applied.
    /// </summary>
    public static void RateLimit(RateLimiterOptions options)
    {
        options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
        options.OnRejected = (context, _) =>
        {
            if (context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter))
            {
                context.HttpContext.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            }

            return ValueTask.CompletedTask;
        };
        options.AddPolicy(RateLimitPolicy, context => RateLimitPartition.GetFixedWindowLimiter(
            context.Connection.RemoteIpAddress?.ToString() ?? "unknown",
            _ => new FixedWindowRateLimiterOptions { PermitLimit = 10, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 }));
    }

    private static async Task<IResult> LinksAsync(string id, NpgsqlDataSource db, SignedLinks links, IOptions<NotificationOptions> options,
        CancellationToken ct)
    {
        if (await AddressAsync(db, id, ct) is null)
        {
            return SubscriptionEndpoints.UnknownBuilding(id);
        }

        var o = options.Value;
        var (signup, signupExpires) = links.Create(SignedLinks.Signup, id, o.SignupLinkValidFor);
        var (page, pageExpires) = links.Create(SignedLinks.Page, id, o.PageLinkValidFor);
        return Results.Ok(new BuildingLinksView(Url(o, "signup", signup), signup, signupExpires, Url(o, "building", page), page, pageExpires));
    }

    private static async Task<IResult> BuildingAsync(string token, NpgsqlDataSource db, SignedLinks links, CancellationToken ct)
    {
        if (Refusal(links, token, out var buildingId) is { } refusal)
        {
            return refusal;
        }

        return await AddressAsync(db, buildingId, ct) is { } address
            ? Results.Ok(new SignupBuildingView(buildingId, address))
            : SubscriptionEndpoints.UnknownBuilding(buildingId);
    }

    /// <summary>
    /// Registers the concierge and subscribes them to the link's building. A number already registered only gets that
    /// building's subscription (its name and language stay); the consent given is recorded either way.
    /// </summary>
    private static async Task<IResult> RegisterAsync(string token, SignupInput input, NpgsqlDataSource db, SignedLinks links,
        IOptions<NotificationOptions> options, SubscriberDirectory directory, TimeProvider time, CancellationToken ct)
    {
        if (Refusal(links, token, out var buildingId) is { } refusal)
        {
            return refusal;
        }

        var errors = new Dictionary<string, string[]>();
        var name = ConciergeFields.Name(input.Name, errors);
        var phone = ConciergeFields.Phone(input.Phone, options.Value.DefaultRegion, errors);
        var language = ConciergeFields.Language(input.Language, errors);
        if (input.Consent != true)
        {
            errors["consent"] = ["must be true: the concierge agrees to receive alerts by SMS or on the building's page"];
        }

        var settings = SubscriptionSettings.Read(input.ToSubscription(), "", errors);
        if (errors.Count > 0)
        {
            return Problems.Invalid(errors);
        }

        var now = time.GetUtcNow();
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        if ((await ConciergeRecords.UnknownBuildingsAsync(connection, tx, [buildingId], ct)).Count > 0)
        {
            return SubscriptionEndpoints.UnknownBuilding(buildingId);
        }

        if (await ConciergeRecords.InsertAsync(connection, tx, name!, phone!, language!, now, ConsentSource, ct) is not { } conciergeId)
        {
            conciergeId = (await ConciergeRecords.IdOfPhoneAsync(connection, tx, phone!, null, ct))!.Value;
            await ConciergeRecords.AddConsentAsync(connection, tx, conciergeId, now, ConsentSource, ct);
        }

        await ConciergeRecords.UpsertSubscriptionAsync(connection, tx, conciergeId, buildingId, settings!, replace: false, ct);
        await using var optedOut = new NpgsqlCommand("SELECT EXISTS (SELECT 1 FROM sms_opt_outs WHERE phone = $1)", connection, tx)
        {
            Parameters = { new() { Value = phone } },
        };
        var isOptedOut = (bool)(await optedOut.ExecuteScalarAsync(ct))!;
        await tx.CommitAsync(ct);
        directory.Invalidate();

        var (page, pageExpires) = links.Create(SignedLinks.Page, buildingId, options.Value.PageLinkValidFor);
        return Results.Json(new SignupResult(conciergeId, buildingId, Url(options.Value, "building", page), page, pageExpires, isOptedOut),
            statusCode: StatusCodes.Status201Created);
    }

    /// <summary>401 for a link that is malformed, forged or expired; 403 for a valid link of another purpose (a page link).</summary>
    private static IResult? Refusal(SignedLinks links, string token, out string buildingId)
    {
        if (links.Read(token, SignedLinks.Signup, out var error) is { } building)
        {
            buildingId = building;
            return null;
        }

        buildingId = "";
        var otherPurpose = links.Read(token, SignedLinks.Page, out _) is not null;
        return Results.Problem(statusCode: otherPurpose ? StatusCodes.Status403Forbidden : StatusCodes.Status401Unauthorized,
            title: "This sign-up link cannot be used", detail: error);
    }

    private static async Task<string?> AddressAsync(NpgsqlDataSource db, string buildingId, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("SELECT address FROM buildings WHERE id = $1");
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = buildingId });
        return await cmd.ExecuteScalarAsync(ct) as string;
    }

    /// <summary>A page of the public site with the token in its query, on <see cref="NotificationOptions.PublicBaseUrl"/>.</summary>
    private static string Url(NotificationOptions options, string page, string token)
    {
        var root = options.PublicBaseUrl!.AbsoluteUri;
        return $"{root}{(root.EndsWith('/') ? "" : "/")}{page}?token={Uri.EscapeDataString(token)}";
    }
}
