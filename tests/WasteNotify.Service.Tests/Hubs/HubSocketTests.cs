using System.Net;
using System.Net.WebSockets;
using System.Security.Claims;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WasteNotify.Testing;

namespace WasteNotify.Service.Tests.Hubs;

/// <summary>The test client against ASP.NET Core's own SignalR server, in process on 127.0.0.1:0.</summary>
public sealed class HubSocketTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private WebApplication _app = null!;
    private Uri _baseUrl = null!;

    private IHubContext<TestHub, ITestClient> Pushes => _app.Services.GetRequiredService<IHubContext<TestHub, ITestClient>>();

    public async ValueTask InitializeAsync()
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddSignalR().AddHubOptions<NoJsonHub>(o => o.SupportedProtocols = ["messagepack"]);
        builder.Services.AddAuthentication(TokenHandler.SchemeName).AddScheme<AuthenticationSchemeOptions, TokenHandler>(TokenHandler.SchemeName, null);
        builder.Services.AddAuthorization();
        _app = builder.Build();
        _app.UseWebSockets();
        _app.UseAuthentication();
        _app.UseAuthorization();
        _app.MapHub<TestHub>("/hubs/test");
        _app.MapHub<SecureHub>("/hubs/secure");
        _app.MapHub<NoJsonHub>("/hubs/nojson");
        _app.Map("/raw", RawServerAsync);
        await _app.StartAsync();
        _baseUrl = new Uri(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private Task<HubSocket> ConnectAsync(string path, string? token = null, IReadOnlyDictionary<string, string>? headers = null) =>
        HubSocket.ConnectAsync(new Uri(_baseUrl, path), token, headers);

    [Fact]
    public async Task The_handshake_completes_and_hub_methods_return_their_results()
    {
        await using var socket = await ConnectAsync("/hubs/test");

        Assert.Equal(5, await socket.InvokeAsync<int>(nameof(TestHub.Add), 2, 3));
        var echoed = await socket.InvokeAsync<Reading>(nameof(TestHub.Echo), new Reading("b-17", 4.5));
        Assert.Equal(new Reading("b-17", 9), echoed);
        await socket.InvokeAsync(nameof(TestHub.Shout), "a method returning only a completion");
    }

    [Fact]
    public async Task SendAsync_calls_a_method_without_waiting_for_its_completion()
    {
        await using var socket = await ConnectAsync("/hubs/test");

        await socket.SendAsync(nameof(TestHub.Shout), "truck 3 is late");

        var shouted = await socket.WaitForAsync(nameof(ITestClient.Notify));
        Assert.Equal("truck 3 is late", shouted.Argument<string>(0));
    }

    [Fact]
    public async Task A_push_to_a_group_reaches_only_the_sockets_in_that_group()
    {
        await using var first = await ConnectAsync("/hubs/test");
        await using var second = await ConnectAsync("/hubs/test");
        await using var outsider = await ConnectAsync("/hubs/test");
        var firstId = await first.InvokeAsync<string>(nameof(TestHub.Join), "building:b-1");
        var secondId = await second.InvokeAsync<string>(nameof(TestHub.Join), "building:b-1");
        await outsider.InvokeAsync<string>(nameof(TestHub.Join), "building:b-2");
        Assert.NotEqual(firstId, secondId);

        await Pushes.Clients.Group("building:b-1").Notify("eta 07:42");
        // Pushes to one connection arrive in order: once the marker is in, the group push would have been too.
        await Pushes.Clients.All.Notify("marker");

        foreach (var member in new[] { first, second })
        {
            await member.WaitForAsync(nameof(ITestClient.Notify), i => i.Argument<string>(0) == "marker");
            Assert.Equal(["eta 07:42", "marker"], member.Received.Select(i => i.Argument<string>(0)));
        }

        await outsider.WaitForAsync(nameof(ITestClient.Notify), i => i.Argument<string>(0) == "marker");
        Assert.Equal(["marker"], outsider.Received.Select(i => i.Argument<string>(0)));
    }

    [Fact]
    public async Task A_push_larger_than_64_KiB_arrives_intact()
    {
        await using var socket = await ConnectAsync("/hubs/test");
        await socket.InvokeAsync<string>(nameof(TestHub.Join), "big");
        // Non-ASCII, quotes and the record separator itself, which JSON escapes inside a string.
        var payload = string.Concat(Enumerable.Range(0, 20_000).Select(i => $"{i % 10}ü\"\u001e€")) + "end";

        await Pushes.Clients.Group("big").Payload(payload);
        await Pushes.Clients.Group("big").Notify("after");

        var received = await socket.WaitForAsync(nameof(ITestClient.Notify));
        Assert.Equal([nameof(ITestClient.Payload), nameof(ITestClient.Notify)], socket.Received.Select(i => i.Target));
        Assert.True(Encoding.UTF8.GetByteCount(socket.Received[0].Arguments[0].GetRawText()) > 64 * 1024);
        Assert.Equal(payload, socket.Received[0].Argument<string>(0));
        Assert.Equal("after", received.Argument<string>(0));
    }

    [Fact]
    public async Task A_HubException_thrown_by_a_method_surfaces_its_message_and_the_connection_stays_usable()
    {
        await using var socket = await ConnectAsync("/hubs/test");

        var error = await Assert.ThrowsAsync<HubException>(() => socket.InvokeAsync<int>(nameof(TestHub.Fail), "bin b-9 is not on this route"));

        Assert.Contains("bin b-9 is not on this route", error.Message, StringComparison.Ordinal);
        Assert.Equal(7, await socket.InvokeAsync<int>(nameof(TestHub.Add), 3, 4));
    }

    [Theory]
    [InlineData(null, HttpStatusCode.Unauthorized)]
    [InlineData("forged-token", HttpStatusCode.Unauthorized)]
    [InlineData("pilot-token", HttpStatusCode.Forbidden)]
    public async Task A_missing_bad_or_insufficient_token_is_refused_with_its_status_code(string? token, HttpStatusCode expected)
    {
        var refused = await Assert.ThrowsAsync<HttpRequestException>(() => ConnectAsync("/hubs/secure", token));

        Assert.Equal(expected, refused.StatusCode);
        Assert.DoesNotContain("access_token", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_token_travels_as_access_token_and_the_headers_reach_the_hub()
    {
        await using var socket = await ConnectAsync("/hubs/secure", "operator-token", new Dictionary<string, string> { ["X-Depot"] = "north" });

        Assert.Equal("operator-user", await socket.InvokeAsync<string>(nameof(SecureHub.WhoAmI)));
        Assert.Equal("north", await socket.InvokeAsync<string>(nameof(SecureHub.Header), "X-Depot"));
    }

    [Fact]
    public async Task A_handshake_the_server_refuses_throws_its_error()
    {
        var refused = await Assert.ThrowsAsync<HubException>(() => ConnectAsync("/hubs/nojson"));

        Assert.Contains("The protocol 'json' is not supported.", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_close_message_from_the_server_records_its_error_and_fails_later_calls()
    {
        await using var socket = await ConnectAsync("/hubs/test?reject=closed%20for%20maintenance");

        var error = await socket.Closed.WaitAsync(Timeout);

        Assert.Contains("closed for maintenance", error, StringComparison.Ordinal);
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => socket.InvokeAsync<int>(nameof(TestHub.Add), 1, 1));
        Assert.Contains("closed for maintenance", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task After_CloseAsync_no_more_messages_arrive()
    {
        await using var leaving = await ConnectAsync("/hubs/test");
        await using var staying = await ConnectAsync("/hubs/test");
        await leaving.InvokeAsync<string>(nameof(TestHub.Join), "street:elm");
        await staying.InvokeAsync<string>(nameof(TestHub.Join), "street:elm");
        await Pushes.Clients.Group("street:elm").Notify("before");
        await leaving.WaitForAsync(nameof(ITestClient.Notify), i => i.Argument<string>(0) == "before");

        await leaving.CloseAsync();
        await Pushes.Clients.Group("street:elm").Notify("after");

        await staying.WaitForAsync(nameof(ITestClient.Notify), i => i.Argument<string>(0) == "after");
        Assert.True(leaving.Closed.IsCompletedSuccessfully);
        Assert.Equal(["before"], leaving.Received.Select(i => i.Argument<string>(0)));
        await Assert.ThrowsAsync<InvalidOperationException>(() => leaving.WaitForAsync(nameof(ITestClient.Notify), i => i.Argument<string>(0) == "after"));
    }

    [Fact]
    public async Task WaitForAsync_times_out_listing_what_was_received()
    {
        await using var socket = await ConnectAsync("/hubs/test");
        await socket.SendAsync(nameof(TestHub.Shout), "only this");
        await socket.WaitForAsync(nameof(ITestClient.Notify));

        var timedOut = await Assert.ThrowsAsync<TimeoutException>(() => socket.WaitForAsync(nameof(ITestClient.Payload), timeout: TimeSpan.FromMilliseconds(200)));

        Assert.Contains("Notify(\"only this\")", timedOut.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Messages_split_across_frames_and_several_in_one_frame_are_all_read()
    {
        await using var socket = await ConnectAsync("/raw");

        var error = await socket.Closed.WaitAsync(Timeout);

        Assert.Equal("going away", error);
        Assert.Equal(["First", "Second"], socket.Received.Select(i => i.Target));
        Assert.Equal(2, socket.Received[1].Argument<int>(0));
    }

    /// <summary>Speaks the protocol by hand so the framing is exactly known: three messages in one frame, one message over three.</summary>
    private static async Task RawServerAsync(HttpContext context)
    {
        var ct = context.RequestAborted;
        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        var buffer = new byte[1024];
        var handshake = 0;
        while (Array.IndexOf(buffer, (byte)0x1E, 0, handshake) < 0)
        {
            handshake += (await socket.ReceiveAsync(buffer.AsMemory(handshake), ct)).Count;
        }

        string[] frames = ["{}\u001e{\"type\":1,\"target\":\"First\",\"arguments\":[1]}\u001e{\"type\":6}\u001e{\"type\":1,\"target\":\"Sec", "ond\",\"argu", "ments\":[2]}\u001e"];
        for (var i = 0; i < frames.Length; i++)
        {
            await socket.SendAsync(Encoding.UTF8.GetBytes(frames[i]), WebSocketMessageType.Text, endOfMessage: i == frames.Length - 1, ct);
        }

        await socket.SendAsync("{\"type\":7,\"error\":\"going away\"}\u001e"u8.ToArray(), WebSocketMessageType.Text, endOfMessage: true, ct);
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, ct);
    }

    public sealed record Reading(string BuildingId, double Kilograms);

    public interface ITestClient
    {
        Task Notify(string text);

        Task Payload(string data);
    }

    public sealed class TestHub : Hub<ITestClient>
    {
        public override Task OnConnectedAsync() =>
            Context.GetHttpContext()?.Request.Query["reject"].ToString() is { Length: > 0 } reason ? throw new HubException(reason) : Task.CompletedTask;

        public async Task<string> Join(string group)
        {
            await Groups.AddToGroupAsync(Context.ConnectionId, group);
            return Context.ConnectionId;
        }

        public int Add(int a, int b) => a + b;

        public Reading Echo(Reading reading) => reading with { Kilograms = reading.Kilograms * 2 };

        public Task Shout(string text) => Clients.Caller.Notify(text);

        public void Fail(string why) => throw new HubException(why);
    }

    [Authorize(Roles = "operator")]
    public sealed class SecureHub : Hub<ITestClient>
    {
        public string? WhoAmI() => Context.User?.Identity?.Name;

        public string? Header(string name) => Context.GetHttpContext()?.Request.Headers[name].ToString();
    }

    /// <summary>Offers only MessagePack (an empty list would fail before the handshake), so it refuses the JSON handshake.</summary>
    public sealed class NoJsonHub : Hub<ITestClient>;

    /// <summary>Reads <c>access_token</c> from the query, as SignalR apps do for browser WebSockets.</summary>
    private sealed class TokenHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
        : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
    {
        public const string SchemeName = "Token";

        protected override Task<AuthenticateResult> HandleAuthenticateAsync()
        {
            var token = Request.Query["access_token"].ToString();
            var role = token switch { "operator-token" => "operator", "pilot-token" => "pilot", _ => null };
            if (token.Length == 0 || role is null)
            {
                return Task.FromResult(token.Length == 0 ? AuthenticateResult.NoResult() : AuthenticateResult.Fail("unknown token"));
            }

            var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, $"{role}-user"), new Claim(ClaimTypes.Role, role)], SchemeName);
            return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
        }
    }
}
