using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

namespace WasteNotify.Twilio;

/// <summary>The shapes of Twilio's identifiers and of the status names on the wire.</summary>
internal static partial class TwilioFormats
{
    [GeneratedRegex(@"^\+[1-9][0-9]{1,14}$")]
    public static partial Regex E164();

    [GeneratedRegex("^AC[0-9a-fA-F]{32}$")]
    public static partial Regex AccountSid();

    [GeneratedRegex("^MG[0-9a-fA-F]{32}$")]
    public static partial Regex MessagingServiceSid();

    /// <summary>SM for SMS, MM for MMS.</summary>
    [GeneratedRegex("^(SM|MM)[0-9a-fA-F]{32}$")]
    public static partial Regex MessageSid();

    public static bool TryParseStatus(string? value, [NotNullWhen(true)] out TwilioMessageStatus? status)
    {
        status = value switch
        {
            "accepted" => TwilioMessageStatus.Accepted,
            "scheduled" => TwilioMessageStatus.Scheduled,
            "queued" => TwilioMessageStatus.Queued,
            "sending" => TwilioMessageStatus.Sending,
            "sent" => TwilioMessageStatus.Sent,
            "delivered" => TwilioMessageStatus.Delivered,
            "undelivered" => TwilioMessageStatus.Undelivered,
            "failed" => TwilioMessageStatus.Failed,
            "receiving" => TwilioMessageStatus.Receiving,
            "received" => TwilioMessageStatus.Received,
            "read" => TwilioMessageStatus.Read,
            "canceled" => TwilioMessageStatus.Canceled,
            _ => null,
        };
        return status is not null;
    }
}
