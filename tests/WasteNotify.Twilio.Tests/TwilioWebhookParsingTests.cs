namespace WasteNotify.Twilio.Tests;

/// <summary>Reading status callbacks and inbound messages from their form fields, and saying what is wrong with a bad one.</summary>
public sealed class TwilioWebhookParsingTests
{
    private const string MessageSid = "SM0123456789abcdef0123456789abcdef";
    private const string AccountSid = "AC0123456789abcdef0123456789abcdef";

    [Fact]
    public void A_status_callback_is_read_from_twilios_fields()
    {
        var form = StatusForm();
        form["ErrorCode"] = "30003";
        form["ErrorMessage"] = "Unreachable destination handset";

        Assert.True(TwilioStatusCallback.TryParse(form, out var callback, out var error));

        Assert.Equal(
            new TwilioStatusCallback(MessageSid, TwilioMessageStatus.Undelivered, AccountSid, Sms.Sender, Sms.Resident, 30003, "Unreachable destination handset"),
            callback);
        Assert.Equal("", error);
    }

    [Theory]
    [InlineData("accepted", TwilioMessageStatus.Accepted)]
    [InlineData("scheduled", TwilioMessageStatus.Scheduled)]
    [InlineData("queued", TwilioMessageStatus.Queued)]
    [InlineData("sending", TwilioMessageStatus.Sending)]
    [InlineData("sent", TwilioMessageStatus.Sent)]
    [InlineData("delivered", TwilioMessageStatus.Delivered)]
    [InlineData("undelivered", TwilioMessageStatus.Undelivered)]
    [InlineData("failed", TwilioMessageStatus.Failed)]
    [InlineData("receiving", TwilioMessageStatus.Receiving)]
    [InlineData("received", TwilioMessageStatus.Received)]
    [InlineData("read", TwilioMessageStatus.Read)]
    [InlineData("canceled", TwilioMessageStatus.Canceled)]
    public void Every_documented_message_status_is_understood(string wire, TwilioMessageStatus status)
    {
        var form = StatusForm();
        form["MessageStatus"] = wire;

        Assert.True(TwilioStatusCallback.TryParse(form, out var callback, out _));
        Assert.Equal(status, callback.MessageStatus);
        Assert.Null(callback.ErrorCode);
        Assert.Null(callback.ErrorMessage);
    }

    [Theory]
    [InlineData("MessageSid", null, "MessageSid is missing.")]
    [InlineData("MessageSid", "SM123", "MessageSid 'SM123' is not a Twilio MessageSid.")]
    [InlineData("AccountSid", "AC123", "AccountSid 'AC123' is not a Twilio AccountSid.")]
    [InlineData("MessageStatus", null, "MessageStatus is missing.")]
    [InlineData("MessageStatus", "Delivered", "MessageStatus 'Delivered' is not a known message status.")]
    [InlineData("MessageStatus", "partially_delivered", "MessageStatus 'partially_delivered' is not a known message status.")]
    [InlineData("To", "", "To is missing.")]
    [InlineData("ErrorCode", "30003x", "ErrorCode '30003x' is not a number.")]
    public void A_status_callback_with_a_missing_or_malformed_field_is_refused_with_the_reason(string field, string? value, string reason)
    {
        var form = StatusForm();
        if (value is null)
        {
            form.Remove(field);
        }
        else
        {
            form[field] = value;
        }

        Assert.False(TwilioStatusCallback.TryParse(form, out var callback, out var error));
        Assert.Null(callback);
        Assert.Equal(reason, error);
    }

    [Fact]
    public void An_inbound_message_is_read_from_twilios_fields()
    {
        Assert.True(TwilioInboundMessage.TryParse(InboundForm(), out var message, out var error));

        Assert.Equal(new TwilioInboundMessage(MessageSid, AccountSid, Sms.Resident, Sms.Sender, "STOP"), message);
        Assert.Equal("", error);
    }

    [Fact]
    public void An_inbound_message_with_an_empty_body_is_a_picture_and_still_read()
    {
        var form = InboundForm();
        form["Body"] = "";

        Assert.True(TwilioInboundMessage.TryParse(form, out var message, out _));
        Assert.Equal("", message.Body);
    }

    [Theory]
    [InlineData("Body", "Body is missing.")]
    [InlineData("From", "From is missing.")]
    [InlineData("MessageSid", "MessageSid is missing.")]
    [InlineData("AccountSid", "AccountSid is missing.")]
    public void An_inbound_message_without_a_field_twilio_always_sends_is_refused(string field, string reason)
    {
        var form = InboundForm();
        form.Remove(field);

        Assert.False(TwilioInboundMessage.TryParse(form, out var message, out var error));
        Assert.Null(message);
        Assert.Equal(reason, error);
    }

    private static Dictionary<string, string> StatusForm() => new()
    {
        ["ApiVersion"] = "2010-04-01",
        ["AccountSid"] = AccountSid,
        ["MessageSid"] = MessageSid,
        ["SmsSid"] = MessageSid,
        ["MessageStatus"] = "undelivered",
        ["SmsStatus"] = "undelivered",
        ["From"] = Sms.Sender,
        ["To"] = Sms.Resident,
    };

    private static Dictionary<string, string> InboundForm() => new()
    {
        ["ApiVersion"] = "2010-04-01",
        ["AccountSid"] = AccountSid,
        ["MessageSid"] = MessageSid,
        ["SmsMessageSid"] = MessageSid,
        ["From"] = Sms.Resident,
        ["To"] = Sms.Sender,
        ["Body"] = "STOP",
        ["NumMedia"] = "0",
        ["NumSegments"] = "1",
    };
}
