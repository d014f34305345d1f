using System.Text;
using WasteNotify.Testing;

namespace WasteNotify.Twilio.Tests;

/// <summary>What the client puts on the wire and what it makes of Twilio's 201.</summary>
public sealed class TwilioClientRequestTests
{
    [Fact]
    public async Task A_send_from_a_number_posts_exactly_To_From_and_Body_with_basic_auth_asking_for_json()
    {
        await using var twilio = await FakeTwilio.StartAsync();

        await Sms.Client(twilio).SendAsync(Sms.From(), CancellationToken.None);

        var request = Assert.Single(twilio.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal($"/2010-04-01/Accounts/{twilio.AccountSid}/Messages.json", request.PathAndQuery);
        Assert.StartsWith("application/x-www-form-urlencoded", request.ContentType, StringComparison.Ordinal);
        Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{twilio.AccountSid}:{twilio.AuthToken}")), request.Authorization);
        Assert.Equal("application/json", request.Accept);
        Assert.Equal(
            [new("Body", Sms.Text), new("From", Sms.Sender), new("To", Sms.Resident)],
            request.Form.OrderBy(f => f.Key, StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_send_goes_out_through_twilios_csharp_sdk()
    {
        await using var twilio = await FakeTwilio.StartAsync();

        await Sms.Client(twilio).SendAsync(Sms.From(), CancellationToken.None);

        Assert.StartsWith("twilio-csharp/8.", Assert.Single(twilio.Requests).UserAgent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Concurrent_sends_on_one_client_each_get_their_own_answer_and_retry_after()
    {
        await using var twilio = await FakeTwilio.StartAsync();
        twilio.Respond(Sms.Resident, 429, 20429, "Too Many Requests", retryAfter: TimeSpan.FromSeconds(7), times: 20);
        var client = Sms.Client(twilio);

        var results = await Task.WhenAll(Enumerable.Range(0, 40).Select(i =>
            Task.Run(() => client.SendAsync(i % 2 == 0 ? Sms.From() : Sms.From(Sms.OtherResident), CancellationToken.None))));

        var limited = new TwilioSendResult(TwilioOutcome.Retry, HttpStatus: 429, ErrorCode: 20429, ErrorMessage: "Too Many Requests", RetryAfter: TimeSpan.FromSeconds(7));
        Assert.All(results.Where((_, i) => i % 2 == 0), r => Assert.Equal(limited, r));
        Assert.All(results.Where((_, i) => i % 2 == 1), r =>
        {
            Assert.Equal((TwilioOutcome.Accepted, 201, null, null), (r.Outcome, r.HttpStatus, r.ErrorCode, r.RetryAfter));
            Assert.Matches("^SM[0-9a-f]{32}$", r.Sid);
        });
        var created = twilio.Messages.Where(m => m.Created).ToList();
        Assert.Equal(20, created.Count);
        Assert.All(created, m => Assert.Equal(Sms.OtherResident, m.To));
        Assert.Equal(created.Select(m => m.Sid).Order(StringComparer.Ordinal), results.Where((_, i) => i % 2 == 1).Select(r => r.Sid).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_send_through_a_messaging_service_posts_MessagingServiceSid_instead_of_From()
    {
        await using var twilio = await FakeTwilio.StartAsync();

        await Sms.Client(twilio).SendAsync(Sms.ViaService(), CancellationToken.None);

        var request = Assert.Single(twilio.Requests);
        Assert.Equal(
            [new("Body", Sms.Text), new("MessagingServiceSid", Sms.ServiceSid), new("To", Sms.Resident)],
            request.Form.OrderBy(f => f.Key, StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_status_callback_is_posted_as_StatusCallback_only_when_given()
    {
        await using var twilio = await FakeTwilio.StartAsync();
        var callback = new Uri("https://wastenotify.example/twilio/status?notification=42");

        await Sms.Client(twilio).SendAsync(Sms.From(statusCallback: callback), CancellationToken.None);
        await Sms.Client(twilio).SendAsync(Sms.From(), CancellationToken.None);

        var messages = twilio.Messages;
        Assert.Equal(callback.AbsoluteUri, messages[0].Form["StatusCallback"]);
        Assert.Equal(callback, messages[0].StatusCallback);
        Assert.False(messages[1].Form.ContainsKey("StatusCallback"));
        Assert.Null(messages[1].StatusCallback);
    }

    [Fact]
    public async Task A_created_message_is_accepted_with_the_sid_and_queued_status_twilio_returned()
    {
        await using var twilio = await FakeTwilio.StartAsync();

        var result = await Sms.Client(twilio).SendAsync(Sms.From(), CancellationToken.None);

        var created = Assert.Single(twilio.Messages);
        Assert.Equal(new TwilioSendResult(TwilioOutcome.Accepted, created.Sid, TwilioMessageStatus.Queued, 201), result);
        Assert.Matches("^SM[0-9a-f]{32}$", result.Sid);
    }

    [Fact]
    public async Task A_message_through_a_messaging_service_is_accepted_with_status_accepted()
    {
        await using var twilio = await FakeTwilio.StartAsync();

        var result = await Sms.Client(twilio).SendAsync(Sms.ViaService(), CancellationToken.None);

        Assert.Equal(TwilioOutcome.Accepted, result.Outcome);
        Assert.Equal(TwilioMessageStatus.Accepted, result.Status);
        Assert.Equal(twilio.Messages.Single().Sid, result.Sid);
    }

    [Fact]
    public async Task A_base_address_with_a_path_but_no_trailing_slash_keeps_its_path()
    {
        await using var twilio = await FakeTwilio.StartAsync();
        var options = Sms.Options(twilio);
        options.BaseAddress = new Uri(twilio.BaseAddress, "proxy");

        var result = await Sms.Client(options).SendAsync(Sms.From(), CancellationToken.None);

        // The fake knows no /proxy/ prefix, so the 404 proves the segment was kept rather than dropped.
        Assert.Equal($"/proxy/2010-04-01/Accounts/{twilio.AccountSid}/Messages.json", Assert.Single(twilio.Requests).PathAndQuery);
        Assert.Equal(TwilioOutcome.Rejected, result.Outcome);
        Assert.Equal(20404, result.ErrorCode);
    }

    [Fact]
    public async Task A_message_changed_by_a_with_expression_into_two_senders_is_refused_before_anything_is_sent()
    {
        await using var twilio = await FakeTwilio.StartAsync();
        var invalid = Sms.From() with { MessagingServiceSid = Sms.ServiceSid };

        await Assert.ThrowsAsync<ArgumentException>(() => Sms.Client(twilio).SendAsync(invalid, CancellationToken.None));

        Assert.Empty(twilio.Requests);
    }
}
