using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace WasteNotify.Service.Security;

/// <summary>Authenticates a building's page link, sent to its hub as a bearer token or as <c>access_token</c> in the query, as that building only.</summary>
public sealed class BuildingLinkAuthentication(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, SignedLinks links)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "BuildingLink";
    public const string BuildingClaim = "building";
    public const string BuildingHubPath = "/hubs/building";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var token = HubAccessToken.FromHeader(Request) ?? HubAccessToken.FromQuery(Request, BuildingHubPath);
        if (string.IsNullOrEmpty(token))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        if (links.Read(token, SignedLinks.Page, out var error) is not { } building)
        {
            return Task.FromResult(AuthenticateResult.Fail(error!));
        }

        var identity = new ClaimsIdentity([new Claim(BuildingClaim, building)], SchemeName);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
    }
}
