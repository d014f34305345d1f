using System.Net.Http.Headers;

namespace WasteNotify.Service.Security;

/// <summary>
/// Where SignalR's clients put a credential: a bearer header wherever they can set one (negotiate, long polling, the
/// .NET client's WebSockets), <c>?access_token=</c> on a browser's WebSockets and Server-Sent Events, which take no headers.
/// </summary>
internal static class HubAccessToken
{
    public const string QueryName = "access_token";

    public static string? FromHeader(HttpRequest request) =>
        AuthenticationHeaderValue.TryParse(request.Headers.Authorization, out var header)
        && string.Equals(header.Scheme, "Bearer", StringComparison.OrdinalIgnoreCase)
        && !string.IsNullOrWhiteSpace(header.Parameter)
            ? header.Parameter.Trim()
            : null;

    /// <summary>The query form, on the hub's own path only (negotiate and the transports below it): a URL is logged more than a header.</summary>
    public static string? FromQuery(HttpRequest request, PathString hubPath) =>
        request.Path.StartsWithSegments(hubPath, StringComparison.OrdinalIgnoreCase) ? request.Query[QueryName].FirstOrDefault() : null;
}
