using System.Net;
using System.Xml.Linq;
using WasteNotify.Core.Notifications;
using WasteNotify.Testing;

namespace WasteNotify.Service.Tests.Notifications;

/// <summary>Twilio's status callbacks and incoming SMS, signed by the fake Twilio and posted to the real service.</summary>
public sealed class TwilioWebhookTests
{
    private const string Phone = "+33612345678";
    private const string Body = "WasteNotify : le camion arrive au 12 rue de la Paix dans 10 min (vers 07:40).";

    [Fact]
    public async Task Sent_then_delivered_callbacks_move_the_message_to_delivered()
    {
        await using var rig = await SmsRig.StartAsync();
        var (id, message) = await SendAsync(rig);

        using (var sent = await rig.Twilio.SendStatusCallbackAsync(message, "sent"))
        {
            AssertSuccess(sent);
        }

        Assert.Equal("sent", (await rig.Data.OutboxAsync(id)).Status);
        using (var delivered = await rig.Twilio.SendStatusCallbackAsync(message, "delivered"))
        {
            AssertSuccess(delivered);
        }

        var row = await rig.Data.OutboxAsync(id);
        Assert.Equal(("delivered", message.Sid), (row.Status, row.ProviderSid));
    }

    [Fact]
    public async Task A_sent_callback_arriving_after_delivered_does_not_move_the_message_back()
    {
        await using var rig = await SmsRig.StartAsync();
        var (id, message) = await SendAsync(rig);

        using (var delivered = await rig.Twilio.SendStatusCallbackAsync(message, "delivered"))
        {
            AssertSuccess(delivered);
        }

        using (var late = await rig.Twilio.SendStatusCallbackAsync(message, "sent"))
        {
            AssertSuccess(late);
        }

        Assert.Equal("delivered", (await rig.Data.OutboxAsync(id)).Status);
    }

    [Fact]
    public async Task An_undelivered_callback_records_Twilio_s_error_code()
    {
        await using var rig = await SmsRig.StartAsync();
        var (id, message) = await SendAsync(rig);

        using (var undelivered = await rig.Twilio.SendStatusCallbackAsync(message, "undelivered", errorCode: 30003))
        {
            AssertSuccess(undelivered);
        }

        var row = await rig.Data.OutboxAsync(id);
        Assert.Equal(("undelivered", 30003), (row.Status, row.ErrorCode));
    }

    [Fact]
    public async Task A_status_callback_with_a_forged_signature_is_refused_and_changes_nothing()
    {
        await using var rig = await SmsRig.StartAsync();
        var (id, message) = await SendAsync(rig);
        var before = await rig.Data.OutboxAsync(id);

        using var forged = await rig.Twilio.SendStatusCallbackAsync(message, "delivered", forgeSignature: true);

        Assert.Equal(HttpStatusCode.Forbidden, forged.StatusCode);
        Assert.Equal(before, await rig.Data.OutboxAsync(id));
    }

    [Theory]
    [InlineData("twilio/status")]
    [InlineData("twilio/status?outbox=999999")]
    [InlineData("twilio/status?outbox={id}")]
    public async Task A_status_callback_for_a_message_sid_we_do_not_know_is_acknowledged_and_changes_nothing(string callback)
    {
        await using var rig = await SmsRig.StartAsync();
        var (id, message) = await SendAsync(rig);
        var before = await rig.Data.OutboxAsync(id);
        var stranger = message with
        {
            Sid = "SM" + Guid.NewGuid().ToString("N"),
            StatusCallback = rig.Url(callback.Replace("{id}", id.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)),
        };

        using var response = await rig.Twilio.SendStatusCallbackAsync(stranger, "delivered");

        AssertSuccess(response);
        Assert.Equal(before, await rig.Data.OutboxAsync(id));
    }

    [Fact]
    public async Task A_callback_for_a_message_whose_send_was_never_recorded_settles_it_by_its_outbox_id()
    {
        await using var rig = await SmsRig.StartAsync();
        var concierge = await rig.Data.ConciergeAsync(Phone);
        // Sent just now by a process that crashed before recording Twilio's answer: well inside the grace, so not sent again.
        var id = await rig.Data.LeftSendingAsync(concierge, Body, TimeSpan.Zero);
        var sid = "SM" + Guid.NewGuid().ToString("N");
        var message = new FakeTwilioMessage(sid, Phone, SmsRig.Sender, null, Body, rig.Url($"twilio/status?outbox={id}"),
            new Dictionary<string, string>(), DateTimeOffset.UtcNow, 201);

        using (var delivered = await rig.Twilio.SendStatusCallbackAsync(message, "delivered"))
        {
            AssertSuccess(delivered);
        }

        var row = await rig.Data.OutboxAsync(id);
        Assert.Equal(("delivered", sid), (row.Status, row.ProviderSid));
    }

    [Theory]
    [InlineData("twilio/status?outbox=1")]
    [InlineData("twilio/inbound")]
    public async Task Without_Twilio_configured_the_webhooks_answer_404(string path)
    {
        await using var rig = await SmsRig.StartWithoutTwilioAsync();
        await rig.Data.ConciergeAsync(Phone);
        var message = new FakeTwilioMessage("SM" + Guid.NewGuid().ToString("N"), Phone, SmsRig.Sender, null, Body, rig.Url(path),
            new Dictionary<string, string>(), DateTimeOffset.UtcNow, 201);

        using var response = path.StartsWith("twilio/status", StringComparison.Ordinal)
            ? await rig.Twilio.SendStatusCallbackAsync(message, "delivered")
            : await rig.Twilio.SendInboundAsync(rig.Url(path), Phone, SmsRig.Sender, "STOP");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Null(await rig.Data.OptOutAsync(Phone));
    }

    [Fact]
    public async Task Stop_opts_a_concierge_out_in_their_language_and_start_opts_them_back_in()
    {
        await using var rig = await SmsRig.StartAsync();
        var concierge = await rig.Data.ConciergeAsync(Phone, Languages.English);

        using (var stop = await rig.Twilio.SendInboundAsync(rig.Url("twilio/inbound"), Phone, SmsRig.Sender, "STOP"))
        {
            Assert.Equal(DefaultTemplates.StopConfirmation(Languages.English), await ReplyAsync(stop));
        }

        Assert.Equal("STOP reply", await rig.Data.OptOutAsync(Phone));
        Assert.Equal(new ConsentRow("stop", concierge, "STOP reply"), Assert.Single(await rig.Data.ConsentEventsAsync(Phone)));
        var whileOut = await rig.Data.MessageAsync(concierge, "While out: " + Body);
        rig.Wake();
        Assert.Equal("opted out", (await rig.Data.WaitForStatusAsync(whileOut, "suppressed")).Reason);

        using (var start = await rig.Twilio.SendInboundAsync(rig.Url("twilio/inbound"), Phone, SmsRig.Sender, "START"))
        {
            Assert.Equal(DefaultTemplates.StartConfirmation(Languages.English), await ReplyAsync(start));
        }

        Assert.Null(await rig.Data.OptOutAsync(Phone));
        Assert.Equal(["stop", "start"], (await rig.Data.ConsentEventsAsync(Phone)).Select(e => e.Kind));
        var afterStart = await rig.Data.MessageAsync(concierge, Body);
        rig.Wake();
        await rig.Data.WaitForStatusAsync(afterStart, "queued");
        Assert.Equal(Body, Assert.Single(rig.Twilio.Messages).Body);
    }

    [Theory]
    [InlineData("arret")]
    [InlineData("ARRÊT")]
    public async Task Arret_with_or_without_its_accent_counts_as_stop(string word)
    {
        await using var rig = await SmsRig.StartAsync();
        var concierge = await rig.Data.ConciergeAsync(Phone, Languages.French);

        using var reply = await rig.Twilio.SendInboundAsync(rig.Url("twilio/inbound"), Phone, SmsRig.Sender, word);

        Assert.Equal(DefaultTemplates.StopConfirmation(Languages.French), await ReplyAsync(reply));
        Assert.Equal("STOP reply", await rig.Data.OptOutAsync(Phone));
        Assert.Equal(new ConsentRow("stop", concierge, "STOP reply"), Assert.Single(await rig.Data.ConsentEventsAsync(Phone)));
    }

    [Fact]
    public async Task Help_is_answered_with_the_help_text_and_recorded_without_opting_out()
    {
        await using var rig = await SmsRig.StartAsync();
        var concierge = await rig.Data.ConciergeAsync(Phone, Languages.English);

        using var reply = await rig.Twilio.SendInboundAsync(rig.Url("twilio/inbound"), Phone, SmsRig.Sender, "HELP");

        Assert.Equal(DefaultTemplates.Help(Languages.English), await ReplyAsync(reply));
        Assert.Equal(new ConsentRow("help", concierge, "HELP reply"), Assert.Single(await rig.Data.ConsentEventsAsync(Phone)));
        Assert.Null(await rig.Data.OptOutAsync(Phone));
    }

    [Fact]
    public async Task Any_other_text_gets_an_empty_response_and_records_nothing()
    {
        await using var rig = await SmsRig.StartAsync();
        await rig.Data.ConciergeAsync(Phone);

        using var reply = await rig.Twilio.SendInboundAsync(rig.Url("twilio/inbound"), Phone, SmsRig.Sender, "Merci, le local poubelles est ouvert.");

        Assert.Null(await ReplyAsync(reply));
        Assert.Empty(await rig.Data.ConsentEventsAsync(Phone));
        Assert.Equal(0, await rig.Data.CountAsync("sms_opt_outs"));
    }

    [Fact]
    public async Task An_incoming_stop_with_a_forged_signature_is_refused_and_records_nothing()
    {
        await using var rig = await SmsRig.StartAsync();
        await rig.Data.ConciergeAsync(Phone);

        using var forged = await rig.Twilio.SendInboundAsync(rig.Url("twilio/inbound"), Phone, SmsRig.Sender, "STOP", forgeSignature: true);

        Assert.Equal(HttpStatusCode.Forbidden, forged.StatusCode);
        Assert.Null(await rig.Data.OptOutAsync(Phone));
        Assert.Equal(0, await rig.Data.CountAsync("consent_events"));
    }

    /// <summary>A message sent through the fake and recorded as queued, to report on.</summary>
    private static async Task<(long Id, FakeTwilioMessage Message)> SendAsync(SmsRig rig)
    {
        var concierge = await rig.Data.ConciergeAsync(Phone);
        var id = await rig.Data.MessageAsync(concierge, Body);
        rig.Wake();
        var message = Assert.Single(await rig.Twilio.WaitForMessagesAsync(1, SmsRig.Timeout));
        await rig.Data.WaitForStatusAsync(id, "queued");
        return (id, message);
    }

    /// <summary>The text of a TwiML answer's Message, or null for an empty Response; fails unless it is a 200 with TwiML.</summary>
    private static async Task<string?> ReplyAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {text}");
        Assert.Equal("application/xml", response.Content.Headers.ContentType?.MediaType);
        var root = XDocument.Parse(text).Root!;
        Assert.Equal("Response", root.Name.LocalName);
        if (!root.HasElements)
        {
            return null;
        }

        var message = Assert.Single(root.Elements());
        Assert.Equal("Message", message.Name.LocalName);
        return message.Value;
    }

    private static void AssertSuccess(HttpResponseMessage response) =>
        Assert.True(response.IsSuccessStatusCode, $"Twilio's callback was answered {(int)response.StatusCode}");
}
