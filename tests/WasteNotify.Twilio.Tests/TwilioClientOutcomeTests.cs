using WasteNotify.Testing;

namespace WasteNotify.Twilio.Tests;

/// <summary>How Twilio's refusals are classified: retry later, stop for this recipient, or give up on this request.</summary>
public sealed class TwilioClientOutcomeTests
{
    [Theory]
    [InlineData(21610, "Attempt to send to unsubscribed recipient", TwilioOutcome.RecipientUnsubscribed)]
    [InlineData(21211, "Invalid 'To' Phone Number", TwilioOutcome.InvalidRecipient)]
    [InlineData(21614, "'To' number is not a valid mobile number", TwilioOutcome.InvalidRecipient)]
    [InlineData(21408, "Permission to send an SMS has not been enabled for the region indicated by the 'To' number", TwilioOutcome.Rejected)]
    public async Task A_400_is_classified_by_twilios_error_code_and_carries_code_and_message(int code, string message, TwilioOutcome expected)
    {
        await using var twilio = await FakeTwilio.StartAsync();
        twilio.Respond(Sms.Resident, 400, code, message);

        var result = await Sms.Client(twilio).SendAsync(Sms.From(), CancellationToken.None);

        Assert.Equal(new TwilioSendResult(expected, HttpStatus: 400, ErrorCode: code, ErrorMessage: message), result);
    }

    [Fact]
    public async Task A_wrong_auth_token_is_rejected_with_twilios_20003()
    {
        await using var twilio = await FakeTwilio.StartAsync();

        var result = await Sms.Client(twilio, authToken: "not-the-token").SendAsync(Sms.From(), CancellationToken.None);

        Assert.Equal(new TwilioSendResult(TwilioOutcome.Rejected, HttpStatus: 401, ErrorCode: 20003, ErrorMessage: "Authenticate"), result);
        Assert.Empty(twilio.Messages);
    }

    [Fact]
    public async Task A_404_is_rejected_not_retried()
    {
        await using var twilio = await FakeTwilio.StartAsync();
        twilio.RespondToAll(404, 20404, "The requested resource was not found");

        var result = await Sms.Client(twilio).SendAsync(Sms.From(), CancellationToken.None);

        Assert.Equal(TwilioOutcome.Rejected, result.Outcome);
        Assert.Equal((404, 20404), (result.HttpStatus, result.ErrorCode));
    }

    [Fact]
    public async Task Too_many_requests_is_retried_after_the_seconds_twilio_asks_for()
    {
        await using var twilio = await FakeTwilio.StartAsync();
        twilio.Respond(Sms.Resident, 429, 20429, "Too Many Requests", retryAfter: TimeSpan.FromSeconds(7));

        var result = await Sms.Client(twilio).SendAsync(Sms.From(), CancellationToken.None);

        Assert.Equal(new TwilioSendResult(TwilioOutcome.Retry, HttpStatus: 429, ErrorCode: 20429, ErrorMessage: "Too Many Requests", RetryAfter: TimeSpan.FromSeconds(7)), result);
    }

    [Theory]
    [InlineData(500, null)]
    [InlineData(503, 120)]
    public async Task A_server_error_is_retried_with_retry_after_when_twilio_sends_it(int status, int? retryAfterSeconds)
    {
        await using var twilio = await FakeTwilio.StartAsync();
        var retryAfter = retryAfterSeconds is { } s ? TimeSpan.FromSeconds(s) : (TimeSpan?)null;
        twilio.Respond(Sms.Resident, status, retryAfter: retryAfter);

        var result = await Sms.Client(twilio).SendAsync(Sms.From(), CancellationToken.None);

        Assert.Equal(TwilioOutcome.Retry, result.Outcome);
        Assert.Equal((status, 20000 + status, retryAfter), (result.HttpStatus, result.ErrorCode, result.RetryAfter));
    }

    [Fact]
    public async Task A_gateways_html_502_is_retried_with_the_status_and_the_first_200_characters_of_the_body()
    {
        await using var twilio = await FakeTwilio.StartAsync();
        var page = "<html><head><title>502 Bad Gateway</title></head><body>" + new string('x', 300) + "TAIL</body></html>";
        twilio.Respond(Sms.Resident, 502, rawBody: page);

        var result = await Sms.Client(twilio).SendAsync(Sms.From(), CancellationToken.None);

        Assert.Equal(TwilioOutcome.Retry, result.Outcome);
        Assert.Equal(502, result.HttpStatus);
        Assert.Null(result.ErrorCode);
        Assert.Equal("HTTP 502 Bad Gateway: " + page[..200], result.ErrorMessage);
    }

    [Fact]
    public async Task A_retry_after_date_counts_from_the_responses_date_not_the_local_clock()
    {
        var sent = new DateTimeOffset(2001, 2, 3, 4, 5, 6, TimeSpan.Zero);
        using var http = new HttpClient(new StubHandler(() =>
        {
            var response = new HttpResponseMessage(System.Net.HttpStatusCode.ServiceUnavailable) { Content = new StringContent("") };
            response.Headers.Date = sent;
            response.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(sent.AddSeconds(90));
            return response;
        }));

        var result = await Sms.Client(Sms.Options(new Uri("http://twilio.invalid/")), http).SendAsync(Sms.From(), CancellationToken.None);

        Assert.Equal(TwilioOutcome.Retry, result.Outcome);
        Assert.Equal(TimeSpan.FromSeconds(90), result.RetryAfter);
        Assert.Equal("HTTP 503 Service Unavailable with an empty body", result.ErrorMessage);
    }

    [Fact]
    public async Task A_2xx_that_is_not_a_message_resource_still_counts_as_accepted_so_nobody_is_texted_twice()
    {
        using var http = new HttpClient(new StubHandler(() =>
            new HttpResponseMessage(System.Net.HttpStatusCode.Created) { Content = new StringContent("<Response/>") }));

        var result = await Sms.Client(Sms.Options(new Uri("http://twilio.invalid/")), http).SendAsync(Sms.From(), CancellationToken.None);

        Assert.Equal(TwilioOutcome.Accepted, result.Outcome);
        Assert.Null(result.Sid);
        Assert.Equal("Twilio's answer was not a Message resource: HTTP 201 Created: <Response/>", result.ErrorMessage);
    }
}
