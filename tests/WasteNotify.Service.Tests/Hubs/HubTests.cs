using System.Net;
using System.Net.WebSockets;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.Extensions.DependencyInjection;
using WasteNotify.Core.Notifications;
using WasteNotify.Service.Live;
using WasteNotify.Service.Notifications;
using WasteNotify.Service.Security;
using WasteNotify.Testing;

namespace WasteNotify.Service.Tests.Hubs;

/// <summary>
/// The service's hubs through the official SignalR .NET client: the credential as a bearer header (what
/// <c>AccessTokenProvider</c> sends) or in the query (what a browser's WebSocket sends), who is refused, and who hears what.
/// </summary>
public sealed class HubTests(HubTests.Service service) : IClassFixture<HubTests.Service>
{
    /// <summary>How a test sends its credential.</summary>
    public enum Via
    {
        /// <summary><c>Authorization: Bearer</c>, through <c>AccessTokenProvider</c>: on negotiate and on the transport.</summary>
        Header,

        /// <summary><c>?access_token=</c> in the hub's URL, as browsers send it on WebSockets and Server-Sent Events.</summary>
        Query,
    }

    public static TheoryData<HttpTransportType, bool, Via> Transports => new()
    {
        { HttpTransportType.WebSockets, false, Via.Header },
        { HttpTransportType.WebSockets, false, Via.Query },
        { HttpTransportType.WebSockets, true, Via.Header },
        { HttpTransportType.WebSockets, true, Via.Query }, // the browser client's skipNegotiation: true
        { HttpTransportType.ServerSentEvents, false, Via.Header },
        { HttpTransportType.ServerSentEvents, false, Via.Query },
        { HttpTransportType.LongPolling, false, Via.Header },
        { HttpTransportType.LongPolling, false, Via.Query },
    };

    public static TheoryData<string, Via> RefusedLinks => Refusals(["none", "not-a-token", "tampered", "signup link", "expired", "api key"]);

    public static TheoryData<string, Via> RefusedKeys => Refusals(["none", "not-a-key", "unknown secret", "revoked", "page link"]);

    private static TheoryData<string, Via> Refusals(string[] credentials)
    {
        var data = new TheoryData<string, Via>();
        foreach (var credential in credentials)
        {
            data.Add(credential, Via.Header);
            data.Add(credential, Via.Query);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task A_page_link_opens_its_building_hub_in_a_bearer_header_or_in_the_query(HttpTransportType transport, bool skipNegotiation, Via via)
    {
        var building = NewBuilding();
        await using var page = await PageAsync(building, via, transport, skipNegotiation);

        var alert = service.Alert(building, AlertKinds.Approaching);

        var received = await page.WaitForAsync(nameof(IBuildingClient.AlertDecided));
        Assert.Equal(alert.Id, received.Argument<AlertView>(0).Id);
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task An_api_key_opens_the_fleet_hub_in_a_bearer_header_or_in_the_query(HttpTransportType transport, bool skipNegotiation, Via via)
    {
        await using var operators = await ConnectAsync<IFleetClient>(ApiKeyAuthentication.FleetHubPath, service.PilotKey, via, transport, skipNegotiation);

        var alert = service.Alert(NewBuilding(), AlertKinds.Approaching);

        await operators.WaitForAsync(nameof(IFleetClient.AlertDecided), a => a.Argument<AlertView>(0).Id == alert.Id);
    }

    [Theory]
    [MemberData(nameof(RefusedLinks))]
    public async Task The_building_hub_refuses_anything_but_a_valid_page_link(string credential, Via via)
    {
        var token = credential switch
        {
            "none" => null,
            "not-a-token" => "not-a-token",
            "tampered" => service.PageLink("b-1")[..^2] + "AA",
            "signup link" => service.Links.Create(SignedLinks.Signup, "b-1", TimeSpan.FromHours(1)).Token,
            "expired" => service.Links.Create(SignedLinks.Page, "b-1", TimeSpan.FromMinutes(-1)).Token,
            "api key" => service.PilotKey,
            _ => throw new ArgumentOutOfRangeException(nameof(credential)),
        };

        await AssertUnauthorizedAsync<IBuildingClient>(BuildingLinkAuthentication.BuildingHubPath, token, via);
    }

    [Theory]
    [MemberData(nameof(RefusedKeys))]
    public async Task The_fleet_hub_refuses_anything_but_a_valid_api_key(string credential, Via via)
    {
        var token = credential switch
        {
            "none" => null,
            "not-a-key" => "not-a-key",
            "unknown secret" => service.PilotKey[..^4] + "0000",
            "revoked" => await service.RevokedKeyAsync(),
            "page link" => service.PageLink("b-1"),
            _ => throw new ArgumentOutOfRangeException(nameof(credential)),
        };

        await AssertUnauthorizedAsync<IFleetClient>(ApiKeyAuthentication.FleetHubPath, token, via);
    }

    [Fact]
    public async Task A_bearer_header_is_read_everywhere_but_access_token_in_the_query_on_the_hubs_only()
    {
        var ct = TestContext.Current.CancellationToken;
        using var bearer = new HttpRequestMessage(HttpMethod.Get, "/api/trucks") { Headers = { { "Authorization", $"bearer {service.PilotKey}" } } };
        using var query = new HttpRequestMessage(HttpMethod.Get, $"/api/trucks?access_token={Uri.EscapeDataString(service.PilotKey)}");

        using var withBearer = await service.Host.Http.SendAsync(bearer, ct);
        using var withQuery = await service.Host.Http.SendAsync(query, ct);

        Assert.Equal(HttpStatusCode.OK, withBearer.StatusCode); // the scheme's name is case-insensitive (RFC 9110)
        Assert.Equal(HttpStatusCode.Unauthorized, withQuery.StatusCode);
    }

    [Fact]
    public async Task Each_page_hears_only_its_own_building_and_the_operators_hear_every_building()
    {
        var (mine, other) = (NewBuilding(), NewBuilding());
        await using var page = await PageAsync(mine, Via.Header);
        await using var otherPage = await PageAsync(other, Via.Query);
        await using var operators = await ConnectAsync<IFleetClient>(ApiKeyAuthentication.FleetHubPath, service.PilotKey, Via.Header);

        AlertView[] alerts =
        [
            service.Alert(mine, AlertKinds.Approaching),
            service.Alert(other, AlertKinds.Approaching),
            service.Alert(mine, AlertKinds.Collected),
            service.Alert(other, AlertKinds.Collected),
        ];

        // Pushes to one connection arrive in the order they were made: once a page has its building's last alert, the
        // other building's alerts pushed before it would have arrived too, had they been sent to it.
        await page.WaitForAsync(nameof(IBuildingClient.AlertDecided), a => a.Argument<AlertView>(0).Id == alerts[2].Id);
        await otherPage.WaitForAsync(nameof(IBuildingClient.AlertDecided), a => a.Argument<AlertView>(0).Id == alerts[3].Id);
        await operators.WaitForAsync(nameof(IFleetClient.AlertDecided), a => a.Argument<AlertView>(0).Id == alerts[3].Id);
        Assert.Equal([alerts[0].Id, alerts[2].Id], page.Received.Select(r => r.Argument<AlertView>(0).Id));
        Assert.Equal([alerts[1].Id, alerts[3].Id], otherPage.Received.Select(r => r.Argument<AlertView>(0).Id));
        Assert.Equal(alerts.Select(a => a.Id), operators.Received.Where(r => r.Target == nameof(IFleetClient.AlertDecided)).Select(r => r.Argument<AlertView>(0).Id));
        Assert.Equal(mine, page.Received[0].Arguments[0].GetProperty("buildingId").GetString()); // camelCase, as a browser reads it
    }

    [Fact]
    public async Task A_wait_that_times_out_lists_what_was_received()
    {
        var building = NewBuilding();
        await using var page = await PageAsync(building, Via.Header);
        var alert = service.Alert(building, AlertKinds.Approaching);
        await page.WaitForAsync(nameof(IBuildingClient.AlertDecided));

        var timedOut = await Assert.ThrowsAsync<TimeoutException>(() => page.WaitForAsync(nameof(IBuildingClient.EtaUpdated), timeout: TimeSpan.FromMilliseconds(200)));

        Assert.Contains($"AlertDecided({{\"id\":{alert.Id},", timedOut.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_stopped_connection_records_nothing_more_and_fails_a_wait_at_once()
    {
        var building = NewBuilding();
        await using var leaving = await PageAsync(building, Via.Header);
        await using var staying = await PageAsync(building, Via.Query);
        var before = service.Alert(building, AlertKinds.Approaching);
        await leaving.WaitForAsync(nameof(IBuildingClient.AlertDecided));

        await leaving.Connection.StopAsync();
        var after = service.Alert(building, AlertKinds.Collected);

        await staying.WaitForAsync(nameof(IBuildingClient.AlertDecided), a => a.Argument<AlertView>(0).Id == after.Id);
        Assert.Equal([before.Id], leaving.Received.Select(r => r.Argument<AlertView>(0).Id));
        // Well inside the default timeout: a stopped connection does not make a test wait for messages that cannot come.
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => leaving.WaitForAsync(nameof(IBuildingClient.EtaUpdated)));
        Assert.Contains("stopped", refused.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// A building page, once the service has it in the building's group: the client's start returns at the handshake,
    /// before the hub's OnConnectedAsync has joined it, and a push in between would not reach it.
    /// </summary>
    private async Task<HubClient> PageAsync(string building, Via via, HttpTransportType transport = HttpTransportType.WebSockets, bool skipNegotiation = false)
    {
        var push = service.Host.App.Services.GetRequiredService<LivePush>();
        var before = push.Watchers(building);
        var page = await ConnectAsync<IBuildingClient>(BuildingLinkAuthentication.BuildingHubPath, service.PageLink(building), via, transport, skipNegotiation);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (push.Watchers(building) <= before)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(5), timeout.Token);
        }

        return page;
    }

    private static string NewBuilding() => $"hub-{Guid.NewGuid():N}"[..16];

    private Task<HubClient> ConnectAsync<TClient>(string path, string? token, Via via, HttpTransportType transport = HttpTransportType.WebSockets, bool skipNegotiation = false)
    {
        var url = new Uri(service.Host.Http.BaseAddress!, path);
        if (token is not null && via == Via.Query)
        {
            url = HubClient.WithAccessToken(url, token);
        }

        return HubClient.ConnectAsync<TClient>(url, o =>
        {
            o.Transports = transport;
            o.SkipNegotiation = skipNegotiation;
            if (token is not null && via == Via.Header)
            {
                o.AccessTokenProvider = () => Task.FromResult<string?>(token);
            }
        }, TestContext.Current.CancellationToken);
    }

    private async Task AssertUnauthorizedAsync<TClient>(string path, string? token, Via via)
    {
        // Negotiating is where the client meets the refusal, and it throws the status as HttpRequestException.
        var refused = await Assert.ThrowsAsync<HttpRequestException>(() => ConnectAsync<TClient>(path, token, via));
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);

        // Without negotiating (the browser client's skipNegotiation: true) the WebSocket upgrade itself is refused.
        var upgrade = await Assert.ThrowsAsync<WebSocketException>(() => ConnectAsync<TClient>(path, token, via, skipNegotiation: true));
        Assert.Equal(WebSocketError.NotAWebSocket, upgrade.WebSocketErrorCode);
        Assert.Contains("status code '401'", upgrade.Message, StringComparison.Ordinal);
    }

    /// <summary>One service for the class (each test has buildings of its own), with a pilot's key, the weakest that may watch the fleet.</summary>
    public sealed class Service : IAsyncLifetime
    {
        private long _nextAlert;

        internal ServiceHost Host { get; private set; } = null!;

        internal SignedLinks Links => Host.App.Services.GetRequiredService<SignedLinks>();

        public string PilotKey { get; private set; } = null!;

        public string PageLink(string building) => Links.Create(SignedLinks.Page, building, TimeSpan.FromHours(1)).Token;

        /// <summary>An alert as the notifier hands it to the live pushes, wanted on the web.</summary>
        public AlertView Alert(string building, string kind)
        {
            var id = Interlocked.Increment(ref _nextAlert);
            var alert = new AlertView(id, RunId: 1_000_000 + id, building, kind, DateTimeOffset.UtcNow, Minutes: 7, Eta: null, Early: null);
            Assert.True(Host.App.Services.GetRequiredKeyedService<StageChannel<DecidedAlert>>(PipelineLinks.DecidedAlerts).TryWrite(new DecidedAlert(alert, Web: true)));
            return alert;
        }

        public async Task<string> RevokedKeyAsync()
        {
            var key = await Host.App.Services.GetRequiredService<ApiKeys>().CreateAsync(ApiRole.Operator, "revoked", TestContext.Current.CancellationToken);
            var revoked = await Host.Database!.ScalarAsync<long>($"""
                WITH r AS (UPDATE api_keys SET revoked_at = now() WHERE id = '{key.Split('_')[1]}' RETURNING 1) SELECT count(*) FROM r
                """);
            Assert.Equal(1, revoked);
            return key;
        }

        public async ValueTask InitializeAsync()
        {
            Host = await ServiceHost.StartOnNewDatabaseAsync();
            PilotKey = await Host.App.Services.GetRequiredService<ApiKeys>().CreateAsync(ApiRole.Pilot, "hub tests", CancellationToken.None);
        }

        public async ValueTask DisposeAsync() => await Host.DisposeAsync();
    }
}
