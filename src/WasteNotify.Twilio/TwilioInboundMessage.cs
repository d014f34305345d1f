using System.Diagnostics.CodeAnalysis;

namespace WasteNotify.Twilio;

/// <summary>A message a resident sent to one of our numbers (Twilio's incoming message webhook); check its X-Twilio-Signature before trusting it.</summary>
/// <param name="Body">Empty for a picture-only MMS.</param>
public sealed record TwilioInboundMessage(string MessageSid, string AccountSid, string From, string To, string Body)
{
    /// <param name="error">Why the form was refused; empty on success.</param>
    public static bool TryParse(IReadOnlyDictionary<string, string> form, [NotNullWhen(true)] out TwilioInboundMessage? message, out string error)
    {
        ArgumentNullException.ThrowIfNull(form);
        var reader = new TwilioFormReader(form);
        var parsed = new TwilioInboundMessage(
            reader.Required("MessageSid", TwilioFormats.MessageSid()),
            reader.Required("AccountSid", TwilioFormats.AccountSid()),
            reader.Required("From"),
            reader.Required("To"),
            reader.Present("Body"));
        message = reader.Error is null ? parsed : null;
        error = reader.Error ?? "";
        return message is not null;
    }
}
