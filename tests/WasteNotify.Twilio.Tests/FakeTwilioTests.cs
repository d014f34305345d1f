using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using WasteNotify.Testing;

namespace WasteNotify.Twilio.Tests;

/// <summary>The fake itself: Twilio's validation answers, the Message resource, scripting and waiting.</summary>
public sealed class FakeTwilioTests
{
    [Theory]
    [InlineData("From=%2B43676800100&Body=Hallo", 21604)]
    [InlineData("To=%2B436641234567&Body=Hallo", 21603)]
    [InlineData("To=%2B436641234567&From=%2B43676800100", 21602)]
    [InlineData("To=%2B436641234567&From=%2B43676800100&Body=Hallo&StatusCallback=not-a-url", 21609)]
    public async Task A_send_missing_a_required_field_gets_twilios_400_and_its_code(string form, int code)
    {
        await using var twilio = await FakeTwilio.StartAsync();

        using var response = await PostAsync(twilio, new StringContent(form, Encoding.UTF8, "application/x-www-form-urlencoded"));

        await AssertTwilioErrorAsync(response, 400, code);
        Assert.Empty(twilio.Messages);
        Assert.Equal(code, Assert.Single(twilio.Requests).ErrorCode);
    }

    [Fact]
    public async Task A_json_body_is_read_as_no_fields_at_all_as_twilio_does()
    {
        await using var twilio = await FakeTwilio.StartAsync();

        using var response = await PostAsync(twilio, new StringContent("""{"To":"+436641234567","From":"+43676800100","Body":"Hallo"}""", Encoding.UTF8, "application/json"));

        await AssertTwilioErrorAsync(response, 400, 21604);
    }

    [Fact]
    public async Task A_send_without_credentials_gets_401_with_20003()
    {
        await using var twilio = await FakeTwilio.StartAsync();

        using var response = await PostAsync(twilio, Form(Sms.Resident), authorize: false);

        await AssertTwilioErrorAsync(response, 401, 20003);
    }

    [Fact]
    public async Task A_created_message_is_a_realistic_message_resource()
    {
        await using var twilio = await FakeTwilio.StartAsync();

        using var response = await PostAsync(twilio, Form(Sms.Resident));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var resource = json.RootElement;
        var sid = resource.GetProperty("sid").GetString()!;
        Assert.Equal(Assert.Single(twilio.Messages).Sid, sid);
        Assert.Equal(twilio.AccountSid, resource.GetProperty("account_sid").GetString());
        Assert.Equal("queued", resource.GetProperty("status").GetString());
        Assert.Equal("2010-04-01", resource.GetProperty("api_version").GetString());
        Assert.Equal("1", resource.GetProperty("num_segments").GetString());
        Assert.Equal(JsonValueKind.Null, resource.GetProperty("error_code").ValueKind);
        Assert.Equal($"/2010-04-01/Accounts/{twilio.AccountSid}/Messages/{sid}.json", resource.GetProperty("uri").GetString());
        Assert.True(DateTimeOffset.TryParse(resource.GetProperty("date_created").GetString(), out _));
    }

    [Fact]
    public async Task Scripted_answers_for_a_recipient_are_used_in_order_then_201_resumes_and_others_are_untouched()
    {
        await using var twilio = await FakeTwilio.StartAsync();
        twilio.Respond(Sms.Resident, 503, times: 2);
        twilio.Respond(Sms.Resident, 400, 21610, "Attempt to send to unsubscribed recipient");
        var client = Sms.Client(twilio);

        var other = await client.SendAsync(Sms.From(Sms.OtherResident), CancellationToken.None);
        List<TwilioOutcome> outcomes = [];
        for (var i = 0; i < 4; i++)
        {
            outcomes.Add((await client.SendAsync(Sms.From(), CancellationToken.None)).Outcome);
        }

        Assert.Equal(TwilioOutcome.Accepted, other.Outcome);
        Assert.Equal([TwilioOutcome.Retry, TwilioOutcome.Retry, TwilioOutcome.RecipientUnsubscribed, TwilioOutcome.Accepted], outcomes);
        Assert.Equal([201, 503, 503, 400, 201], twilio.Messages.Select(m => m.HttpStatus));
        Assert.Equal([true, false, false, false, true], twilio.Messages.Select(m => m.Sid is not null));
    }

    [Fact]
    public async Task A_recipients_own_script_comes_before_the_script_for_all()
    {
        await using var twilio = await FakeTwilio.StartAsync();
        twilio.RespondToAll(500);
        twilio.Respond(Sms.Resident, 429, retryAfter: TimeSpan.FromSeconds(1));
        var client = Sms.Client(twilio);

        var first = await client.SendAsync(Sms.From(), CancellationToken.None);
        var second = await client.SendAsync(Sms.From(), CancellationToken.None);
        var third = await client.SendAsync(Sms.From(), CancellationToken.None);

        Assert.Equal((429, 500, 201), (first.HttpStatus, second.HttpStatus, third.HttpStatus));
    }

    [Fact]
    public async Task Waiting_for_messages_completes_when_the_last_one_arrives()
    {
        await using var twilio = await FakeTwilio.StartAsync();
        var waiting = twilio.WaitForMessagesAsync(2, TimeSpan.FromSeconds(30));

        await Sms.Client(twilio).SendAsync(Sms.From(), CancellationToken.None);
        Assert.False(waiting.IsCompleted);
        await Sms.Client(twilio).SendAsync(Sms.From(Sms.OtherResident), CancellationToken.None);

        Assert.Equal([Sms.Resident, Sms.OtherResident], (await waiting).Select(m => m.To));
    }

    [Fact]
    public async Task Waiting_for_more_messages_than_arrive_times_out_saying_what_did_arrive()
    {
        await using var twilio = await FakeTwilio.StartAsync();
        await Sms.Client(twilio, authToken: "wrong").SendAsync(Sms.From(), CancellationToken.None);

        var timeout = await Assert.ThrowsAsync<TimeoutException>(() => twilio.WaitForMessagesAsync(1, TimeSpan.FromMilliseconds(200)));

        Assert.Contains("got 0", timeout.Message, StringComparison.Ordinal);
        Assert.Contains("-> 401 20003", timeout.Message, StringComparison.Ordinal);
    }

    private static FormUrlEncodedContent Form(string to) =>
        new([new("To", to), new("From", Sms.Sender), new("Body", Sms.Text)]);

    private static async Task<HttpResponseMessage> PostAsync(FakeTwilio twilio, HttpContent content, bool authorize = true)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(twilio.BaseAddress, $"2010-04-01/Accounts/{twilio.AccountSid}/Messages.json")) { Content = content };
        if (authorize)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{twilio.AccountSid}:{twilio.AuthToken}")));
        }

        var response = await http.SendAsync(request);
        await response.Content.LoadIntoBufferAsync();
        return response;
    }

    private static async Task AssertTwilioErrorAsync(HttpResponseMessage response, int status, int code)
    {
        Assert.Equal(status, (int)response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var error = json.RootElement;
        Assert.Equal(code, error.GetProperty("code").GetInt32());
        Assert.Equal(status, error.GetProperty("status").GetInt32());
        Assert.Equal($"https://www.twilio.com/docs/errors/{code}", error.GetProperty("more_info").GetString());
        Assert.False(string.IsNullOrEmpty(error.GetProperty("message").GetString()));
    }
}
