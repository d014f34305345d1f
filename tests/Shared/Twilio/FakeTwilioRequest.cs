namespace WasteNotify.Testing;

/// <summary>Any request the fake received, including those it refused before a message was considered.</summary>
/// <param name="ErrorCode">The Twilio error code answered; null for 201.</param>
public sealed record FakeTwilioRequest(
    string Method,
    string PathAndQuery,
    string? ContentType,
    string? Authorization,
    string? Accept,
    IReadOnlyDictionary<string, string> Form,
    DateTimeOffset ReceivedAt,
    int HttpStatus,
    int? ErrorCode);
