using System.Net;
using System.Net.Sockets;
using WasteNotify.Testing;

namespace WasteNotify.Twilio.Tests;

/// <summary>When no answer comes: a retry, unless the caller itself cancelled.</summary>
public sealed class TwilioClientTransportTests
{
    private static readonly TimeSpan Short = TimeSpan.FromMilliseconds(300);

    [Fact]
    public async Task A_refused_connection_is_retried()
    {
        var result = await Sms.Client(Sms.Options(new Uri($"http://127.0.0.1:{ClosedPort()}/"))).SendAsync(Sms.From(), CancellationToken.None);

        Assert.Equal(TwilioOutcome.Retry, result.Outcome);
        Assert.Null(result.HttpStatus);
        Assert.StartsWith("Twilio could not be reached: ", result.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task No_answer_within_the_configured_timeout_is_retried()
    {
        await using var server = new SilentServer();

        var result = await Sms.Client(Sms.Options(server.BaseAddress, Short)).SendAsync(Sms.From(), CancellationToken.None);

        Assert.Equal(TwilioOutcome.Retry, result.Outcome);
        Assert.Null(result.HttpStatus);
        Assert.StartsWith("Twilio did not answer within 0.3 s", result.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_http_clients_own_timeout_is_retried_not_taken_for_the_callers_cancellation()
    {
        await using var server = new SilentServer();
        using var http = new HttpClient { Timeout = Short };

        var result = await Sms.Client(Sms.Options(server.BaseAddress), http).SendAsync(Sms.From(), CancellationToken.None);

        Assert.Equal(TwilioOutcome.Retry, result.Outcome);
    }

    [Fact]
    public async Task The_callers_cancellation_of_a_send_under_way_propagates()
    {
        await using var server = new SilentServer();
        using var cancel = new CancellationTokenSource();

        var send = Sms.Client(Sms.Options(server.BaseAddress)).SendAsync(Sms.From(), cancel.Token);
        await server.Accepted.WaitAsync(TimeSpan.FromSeconds(30));
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => send);
    }

    [Fact]
    public async Task An_already_cancelled_send_throws_and_sends_nothing()
    {
        await using var twilio = await FakeTwilio.StartAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Sms.Client(twilio).SendAsync(Sms.From(), new CancellationToken(canceled: true)));

        Assert.Empty(twilio.Requests);
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
