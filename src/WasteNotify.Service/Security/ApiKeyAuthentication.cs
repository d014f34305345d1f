using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace WasteNotify.Service.Security;

/// <summary>Authenticates <c>X-Api-Key: wn_...</c> (or <c>Authorization: Bearer wn_...</c>; on the fleet hub also <c>?access_token=wn_...</c>) against the stored keys.</summary>
public sealed class ApiKeyAuthentication(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, ApiKeys keys)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string Header = "X-Api-Key";
    public const string FleetHubPath = "/hubs/fleet";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var key = Request.Headers[Header].FirstOrDefault() ?? HubAccessToken.FromHeader(Request) ?? HubAccessToken.FromQuery(Request, FleetHubPath);

        if (string.IsNullOrEmpty(key))
        {
            return AuthenticateResult.NoResult();
        }

        if (await keys.ValidateAsync(key, Context.RequestAborted) is not { } found)
        {
            return AuthenticateResult.Fail("unknown or revoked API key");
        }

        var identity = new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, found.Id), new Claim(ClaimTypes.Role, found.Role.ToString())], SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }
}

/// <summary>The three access levels: read (any key), write (operators and admins), admin.</summary>
public static class Policies
{
    public const string Read = "read";
    public const string Write = "write";
    public const string Admin = "admin";
    public const string Building = "building";

    /// <summary>Any key, or a building's page link: what the city's street map is for both.</summary>
    public const string ReadOrBuilding = "read-or-building";

    public static void Add(Microsoft.AspNetCore.Authorization.AuthorizationOptions options)
    {
        options.AddPolicy(Read, p => p.RequireRole(nameof(ApiRole.Pilot), nameof(ApiRole.Operator), nameof(ApiRole.Admin)));
        options.AddPolicy(Write, p => p.RequireRole(nameof(ApiRole.Operator), nameof(ApiRole.Admin)));
        options.AddPolicy(Admin, p => p.RequireRole(nameof(ApiRole.Admin)));
        options.AddPolicy(Building, p => p.AddAuthenticationSchemes(BuildingLinkAuthentication.SchemeName).RequireClaim(BuildingLinkAuthentication.BuildingClaim));
        options.AddPolicy(ReadOrBuilding, p => p.AddAuthenticationSchemes(ApiKeyAuthentication.SchemeName, BuildingLinkAuthentication.SchemeName)
            .RequireAssertion(c => c.User.IsInRole(nameof(ApiRole.Pilot)) || c.User.IsInRole(nameof(ApiRole.Operator)) || c.User.IsInRole(nameof(ApiRole.Admin))
                || c.User.HasClaim(claim => claim.Type == BuildingLinkAuthentication.BuildingClaim)));
    }
}
