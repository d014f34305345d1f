using WasteNotify.Testing;

namespace WasteNotify.Twilio.Tests;

/// <summary>Messages and clients for the tests: a resident in Austria, our sender number, a client pointed at a fake.</summary>
internal static class Sms
{
    public const string Resident = "+436641234567";

    public const string OtherResident = "+436769876543";

    public const string Sender = "+43676800100";

    public const string ServiceSid = "MG0123456789abcdef0123456789abcdef";

    /// <summary>Not plain ASCII, so the form encoding is exercised too.</summary>
    public const string Text = "Biotonne morgen ab 6:30 – bitte bis 6:00 rausstellen & danke!";

    private static readonly HttpClient Http = new() { Timeout = Timeout.InfiniteTimeSpan };

    public static TwilioMessage From(string to = Resident, Uri? statusCallback = null) => new(to, Text, from: Sender, statusCallback: statusCallback);

    public static TwilioMessage ViaService(string to = Resident, Uri? statusCallback = null) =>
        new(to, Text, messagingServiceSid: ServiceSid, statusCallback: statusCallback);

    public static TwilioOptions Options(FakeTwilio twilio, string? authToken = null, TimeSpan? timeout = null) => new()
    {
        AccountSid = twilio.AccountSid,
        AuthToken = authToken ?? twilio.AuthToken,
        BaseAddress = twilio.BaseAddress,
        Timeout = timeout ?? TimeSpan.FromSeconds(30),
    };

    public static TwilioClient Client(FakeTwilio twilio, string? authToken = null) => new(Http, Options(twilio, authToken));

    public static TwilioClient Client(TwilioOptions options, HttpClient? http = null) => new(http ?? Http, options);

    /// <summary>Options for an account that is not a fake's, for servers that never check it.</summary>
    public static TwilioOptions Options(Uri baseAddress, TimeSpan? timeout = null) => new()
    {
        AccountSid = "AC0123456789abcdef0123456789abcdef",
        AuthToken = "token",
        BaseAddress = baseAddress,
        Timeout = timeout ?? TimeSpan.FromSeconds(30),
    };
}
