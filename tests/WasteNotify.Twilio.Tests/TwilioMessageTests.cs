using System.ComponentModel.DataAnnotations;

namespace WasteNotify.Twilio.Tests;

/// <summary>A message and the options refuse what Twilio would refuse, before anything is sent.</summary>
public sealed class TwilioMessageTests
{
    [Fact]
    public void A_message_with_both_a_number_and_a_messaging_service_is_refused() =>
        Assert.Throws<ArgumentException>(() => new TwilioMessage(Sms.Resident, Sms.Text, Sms.Sender, Sms.ServiceSid));

    [Fact]
    public void A_message_without_a_sender_is_refused() =>
        Assert.Throws<ArgumentException>(() => new TwilioMessage(Sms.Resident, Sms.Text));

    [Theory]
    [InlineData("")]
    [InlineData("06641234567")]
    [InlineData("436641234567")]
    [InlineData("+06641234567")]
    [InlineData("+43 664 1234567")]
    [InlineData("+4366412345678901")]
    public void A_recipient_that_is_not_e164_is_refused(string to) =>
        Assert.Throws<ArgumentException>(() => new TwilioMessage(to, Sms.Text, Sms.Sender));

    [Fact]
    public void An_empty_body_is_refused() =>
        Assert.Throws<ArgumentException>(() => new TwilioMessage(Sms.Resident, "", Sms.Sender));

    [Fact]
    public void A_malformed_messaging_service_sid_is_refused() =>
        Assert.Throws<ArgumentException>(() => new TwilioMessage(Sms.Resident, Sms.Text, messagingServiceSid: "MG123"));

    [Fact]
    public void A_relative_status_callback_is_refused() =>
        Assert.Throws<ArgumentException>(() => new TwilioMessage(Sms.Resident, Sms.Text, Sms.Sender, statusCallback: new Uri("/twilio/status", UriKind.Relative)));

    [Fact]
    public void Options_default_to_twilios_api_and_ten_seconds()
    {
        var options = new TwilioOptions();

        Assert.Equal(new Uri("https://api.twilio.com/"), options.BaseAddress);
        Assert.Equal(TimeSpan.FromSeconds(10), options.Timeout);
    }

    [Fact]
    public void Options_with_an_account_sid_and_token_are_valid() =>
        Assert.Empty(Validate(new TwilioOptions { AccountSid = "AC0123456789abcdef0123456789ABCDEF", AuthToken = "secret" }));

    [Theory]
    [InlineData("", "secret", "AccountSid")]
    [InlineData("AC123", "secret", "AccountSid")]
    [InlineData("SK0123456789abcdef0123456789abcdef", "secret", "AccountSid")]
    [InlineData("AC0123456789abcdef0123456789abcdef", "", "AuthToken")]
    public void Options_without_a_proper_account_sid_or_token_fail_validation(string accountSid, string authToken, string member)
    {
        var errors = Validate(new TwilioOptions { AccountSid = accountSid, AuthToken = authToken });

        Assert.Contains(errors, e => e.MemberNames.Contains(member));
    }

    [Fact]
    public void Options_with_a_zero_timeout_fail_validation()
    {
        var errors = Validate(new TwilioOptions { AccountSid = "AC0123456789abcdef0123456789abcdef", AuthToken = "secret", Timeout = TimeSpan.Zero });

        Assert.Contains(errors, e => e.MemberNames.Contains(nameof(TwilioOptions.Timeout)));
    }

    private static List<ValidationResult> Validate(TwilioOptions options)
    {
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true);
        return results;
    }
}
