using System.Net;
using WasteNotify.Testing;

namespace WasteNotify.Twilio.Tests;

/// <summary>Webhooks as the fake Twilio sends them (signed by its own implementation), checked and read by the binding.</summary>
public sealed class TwilioWebhookTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_status_callback_for_a_sent_message_passes_the_signature_check_and_reads_back_the_message()
    {
        await using var twilio = await FakeTwilio.StartAsync();
        await using var receiver = await WebhookReceiver.StartAsync(twilio.AuthToken);
        var sent = await Sms.Client(twilio).SendAsync(Sms.From(statusCallback: receiver.Url("/twilio/status?notification=42")), CancellationToken.None);
        var message = (await twilio.WaitForMessagesAsync(1, Timeout)).Single();

        using var response = await twilio.SendStatusCallbackAsync(message, "delivered");

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        var received = Assert.Single(receiver.Received);
        Assert.EndsWith("/twilio/status?notification=42", received.Url, StringComparison.Ordinal);
        Assert.True(TwilioStatusCallback.TryParse(received.Fields, out var callback, out var error), error);
        Assert.Equal(
            new TwilioStatusCallback(sent.Sid!, TwilioMessageStatus.Delivered, twilio.AccountSid, Sms.Sender, Sms.Resident, null, null),
            callback);
    }

    [Fact]
    public async Task An_undelivered_callback_carries_twilios_error_code()
    {
        await using var twilio = await FakeTwilio.StartAsync();
        await using var receiver = await WebhookReceiver.StartAsync(twilio.AuthToken);
        await Sms.Client(twilio).SendAsync(Sms.ViaService(statusCallback: receiver.Url("/twilio/status")), CancellationToken.None);

        using var response = await twilio.SendStatusCallbackAsync(twilio.Messages.Single(), "undelivered", errorCode: 30003);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.True(TwilioStatusCallback.TryParse(receiver.Received.Single().Fields, out var callback, out var error), error);
        Assert.Equal((TwilioMessageStatus.Undelivered, 30003), (callback.MessageStatus, callback.ErrorCode));
        Assert.Equal(FakeTwilio.ServiceSenderNumber, callback.From);
    }

    [Fact]
    public async Task A_forged_status_callback_is_refused()
    {
        await using var twilio = await FakeTwilio.StartAsync();
        await using var receiver = await WebhookReceiver.StartAsync(twilio.AuthToken);
        await Sms.Client(twilio).SendAsync(Sms.From(statusCallback: receiver.Url("/twilio/status")), CancellationToken.None);

        using var response = await twilio.SendStatusCallbackAsync(twilio.Messages.Single(), "delivered", forgeSignature: true);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.False(receiver.Received.Single().Valid);
    }

    [Theory]
    [InlineData("STOP")]
    [InlineData("Bitte + & = ?%20 Grüße 🗑️")]
    public async Task An_inbound_message_passes_the_signature_check_and_reads_back_whatever_its_text(string text)
    {
        await using var twilio = await FakeTwilio.StartAsync();
        await using var receiver = await WebhookReceiver.StartAsync(twilio.AuthToken);

        using var response = await twilio.SendInboundAsync(receiver.Url("/twilio/inbound"), Sms.Resident, Sms.Sender, text, messagingServiceSid: Sms.ServiceSid);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.True(TwilioInboundMessage.TryParse(receiver.Received.Single().Fields, out var inbound, out var error), error);
        Assert.Equal((Sms.Resident, Sms.Sender, text, twilio.AccountSid), (inbound.From, inbound.To, inbound.Body, inbound.AccountSid));
    }

    [Fact]
    public async Task A_forged_inbound_message_is_refused()
    {
        await using var twilio = await FakeTwilio.StartAsync();
        await using var receiver = await WebhookReceiver.StartAsync(twilio.AuthToken);

        using var response = await twilio.SendInboundAsync(receiver.Url("/twilio/inbound"), Sms.Resident, Sms.Sender, "STOP", forgeSignature: true);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task A_genuine_webhook_no_longer_validates_once_a_parameter_is_changed_or_checked_against_another_url()
    {
        await using var twilio = await FakeTwilio.StartAsync();
        await using var receiver = await WebhookReceiver.StartAsync(twilio.AuthToken);
        using var response = await twilio.SendInboundAsync(receiver.Url("/twilio/inbound?city=graz"), Sms.Resident, Sms.Sender, "JA");
        var genuine = receiver.Received.Single();
        Assert.True(genuine.Valid);

        var tampered = genuine.Form.Select(f => f.Key == "Body" ? new KeyValuePair<string, string>("Body", "STOP") : f).ToList();
        Assert.False(TwilioSignature.IsValid(twilio.AuthToken, genuine.Url, tampered, genuine.Signature));
        Assert.False(TwilioSignature.IsValid(twilio.AuthToken, genuine.Url.Replace("127.0.0.1", "localhost", StringComparison.Ordinal), genuine.Form, genuine.Signature));
        Assert.False(TwilioSignature.IsValid(twilio.AuthToken, genuine.Url.Replace("?city=graz", "", StringComparison.Ordinal), genuine.Form, genuine.Signature));
        Assert.True(TwilioSignature.IsValid(twilio.AuthToken, genuine.Url, genuine.Form.Reverse(), genuine.Signature));
    }
}
