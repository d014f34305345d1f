using System.Diagnostics.CodeAnalysis;

namespace WasteNotify.Twilio;

/// <summary>Twilio's status callback for an outbound message; check its X-Twilio-Signature before trusting it.</summary>
/// <param name="From">The sender Twilio used, also when the message went through a Messaging Service.</param>
/// <param name="ErrorCode">Set for undelivered and failed messages (30003 unreachable, 30005 unknown number, ...).</param>
public sealed record TwilioStatusCallback(
    string MessageSid,
    TwilioMessageStatus MessageStatus,
    string AccountSid,
    string From,
    string To,
    int? ErrorCode,
    string? ErrorMessage)
{
    /// <param name="error">Why the form was refused; empty on success.</param>
    public static bool TryParse(IReadOnlyDictionary<string, string> form, [NotNullWhen(true)] out TwilioStatusCallback? callback, out string error)
    {
        ArgumentNullException.ThrowIfNull(form);
        var reader = new TwilioFormReader(form);
        var parsed = new TwilioStatusCallback(
            reader.Required("MessageSid", TwilioFormats.MessageSid()),
            reader.Status("MessageStatus"),
            reader.Required("AccountSid", TwilioFormats.AccountSid()),
            reader.Required("From"),
            reader.Required("To"),
            reader.OptionalInt("ErrorCode"),
            reader.Optional("ErrorMessage"));
        callback = reader.Error is null ? parsed : null;
        error = reader.Error ?? "";
        return callback is not null;
    }
}
