using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace WasteNotify.Testing;

public sealed partial class FakeTwilio
{
    /// <summary>
    /// Posts a status callback for a created message to its StatusCallback, with the fields Twilio sends and a valid
    /// X-Twilio-Signature (or one made with another token when <paramref name="forgeSignature"/>).
    /// </summary>
    public async Task<HttpResponseMessage> SendStatusCallbackAsync(FakeTwilioMessage message, string status, int? errorCode = null, bool forgeSignature = false)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.Sid is null)
        {
            throw new InvalidOperationException($"The fake answered this send with {message.HttpStatus}: there is no message to report on.");
        }

        if (message.StatusCallback is null)
        {
            throw new InvalidOperationException("The message was sent without a StatusCallback.");
        }

        List<KeyValuePair<string, string>> fields =
        [
            new("ApiVersion", ApiVersion),
            new("AccountSid", AccountSid),
            new("MessageSid", message.Sid),
            new("SmsSid", message.Sid),
            new("MessageStatus", status),
            new("SmsStatus", status),
            new("From", message.From ?? ServiceSenderNumber),
            new("To", message.To),
        ];
        if (message.MessagingServiceSid is { } service)
        {
            fields.Add(new("MessagingServiceSid", service));
        }

        if (errorCode is { } code)
        {
            fields.Add(new("ErrorCode", code.ToString(CultureInfo.InvariantCulture)));
        }

        if (status is "delivered" or "undelivered")
        {
            fields.Add(new("RawDlrDoneDate", DateTimeOffset.UtcNow.ToString("yyMMddHHmm", CultureInfo.InvariantCulture)));
        }

        return await PostSignedAsync(message.StatusCallback, fields, forgeSignature);
    }

    /// <summary>Posts an incoming message as Twilio's incoming message webhook does, signed like <see cref="SendStatusCallbackAsync"/>.</summary>
    public async Task<HttpResponseMessage> SendInboundAsync(Uri webhook, string from, string to, string body, bool forgeSignature = false, string? messagingServiceSid = null)
    {
        ArgumentNullException.ThrowIfNull(webhook);
        var sid = NewSid("SM");
        List<KeyValuePair<string, string>> fields =
        [
            new("ToCountry", Country(to)),
            new("ToState", ""),
            new("SmsMessageSid", sid),
            new("NumMedia", "0"),
            new("ToCity", ""),
            new("FromZip", ""),
            new("SmsSid", sid),
            new("FromState", ""),
            new("SmsStatus", "received"),
            new("FromCity", ""),
            new("Body", body),
            new("FromCountry", Country(from)),
            new("To", to),
            new("ToZip", ""),
            new("NumSegments", Segments(body).ToString(CultureInfo.InvariantCulture)),
            new("ReferralNumMedia", "0"),
            new("MessageSid", sid),
            new("AccountSid", AccountSid),
            new("From", from),
            new("ApiVersion", ApiVersion),
        ];
        if (messagingServiceSid is not null)
        {
            fields.Add(new("MessagingServiceSid", messagingServiceSid));
        }

        return await PostSignedAsync(webhook, fields, forgeSignature);
    }

    private async Task<HttpResponseMessage> PostSignedAsync(Uri url, List<KeyValuePair<string, string>> fields, bool forge)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new FormUrlEncodedContent(fields) };
        request.Headers.Add("X-Twilio-Signature", Sign(forge ? "forged-" + AuthToken : AuthToken, url.OriginalString, fields));
        request.Headers.Add("I-Twilio-Idempotency-Token", Guid.NewGuid().ToString());
        request.Headers.UserAgent.ParseAdd("TwilioProxy/1.1");
        return await _webhooks.SendAsync(request);
    }

    /// <summary>Twilio's documented scheme, written out here on its own so tests check the binding against a second implementation.</summary>
    private static string Sign(string authToken, string url, IEnumerable<KeyValuePair<string, string>> fields)
    {
        var data = url + string.Concat(fields.OrderBy(f => f.Key, StringComparer.Ordinal).Select(f => f.Key + f.Value));
        using var hmac = new HMACSHA1(Encoding.UTF8.GetBytes(authToken));
        return Convert.ToBase64String(hmac.ComputeHash(Encoding.UTF8.GetBytes(data)));
    }

    private static string Country(string number) => number switch
    {
        _ when number.StartsWith("+1", StringComparison.Ordinal) => "US",
        _ when number.StartsWith("+43", StringComparison.Ordinal) => "AT",
        _ when number.StartsWith("+41", StringComparison.Ordinal) => "CH",
        _ when number.StartsWith("+44", StringComparison.Ordinal) => "GB",
        _ when number.StartsWith("+49", StringComparison.Ordinal) => "DE",
        _ => "",
    };
}
