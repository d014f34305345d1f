namespace WasteNotify.Testing;

/// <summary>A well-formed send the fake received, and what it answered: 201 with a Sid, or a scripted failure without one.</summary>
/// <param name="From">Null when the message went through a Messaging Service.</param>
/// <param name="Form">Every form field as sent (repeated names joined with commas).</param>
public sealed record FakeTwilioMessage(
    string? Sid,
    string To,
    string? From,
    string? MessagingServiceSid,
    string Body,
    Uri? StatusCallback,
    IReadOnlyDictionary<string, string> Form,
    DateTimeOffset ReceivedAt,
    int HttpStatus)
{
    /// <summary>Twilio created the message (answered 201).</summary>
    public bool Created => HttpStatus == 201;
}
