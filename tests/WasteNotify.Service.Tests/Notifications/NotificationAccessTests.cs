using System.Net;
using WasteNotify.Service.Security;

namespace WasteNotify.Service.Tests.Notifications;

/// <summary>Who may use the notification API: any key reads, operators and admins change; no key is 401, a pilot's change 403.</summary>
public sealed class NotificationAccessTests : IAsyncLifetime
{
    private ServiceHost _host = null!;

    public async ValueTask InitializeAsync() => _host = await ServiceHost.StartOnNewDatabaseAsync();

    public async ValueTask DisposeAsync() => await _host.DisposeAsync();

    public static TheoryData<string, string, ApiRole> Endpoints() => new()
    {
        { "GET", "/api/concierges", ApiRole.Operator },
        { "GET", "/api/concierges/1", ApiRole.Operator },
        { "POST", "/api/concierges", ApiRole.Operator },
        { "PATCH", "/api/concierges/1", ApiRole.Operator },
        { "DELETE", "/api/concierges/1", ApiRole.Operator },
        { "PUT", "/api/concierges/1/subscriptions/b1", ApiRole.Operator },
        { "DELETE", "/api/concierges/1/subscriptions/b1", ApiRole.Operator },
        { "POST", "/api/buildings/b1/links", ApiRole.Operator },
        { "GET", "/api/templates", ApiRole.Pilot },
        { "PUT", "/api/templates/approaching/fr", ApiRole.Operator },
        { "DELETE", "/api/templates/approaching/fr", ApiRole.Operator },
        { "GET", "/api/outbox", ApiRole.Pilot },
        { "GET", "/api/alerts", ApiRole.Pilot },
    };

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task No_key_gets_401_and_a_lesser_role_403(string method, string path, ApiRole least)
    {
        using var noKey = await _host.Http.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));
        Assert.Equal(HttpStatusCode.Unauthorized, noKey.StatusCode);

        foreach (var role in Enum.GetValues<ApiRole>())
        {
            using var response = await (await _host.ClientAsync(role)).SendAsync(new HttpRequestMessage(new HttpMethod(method), path));
            if (role < least)
            {
                Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            }
            else
            {
                Assert.NotEqual(HttpStatusCode.Forbidden, response.StatusCode);
                Assert.NotEqual(HttpStatusCode.Unauthorized, response.StatusCode);
            }
        }
    }
}
