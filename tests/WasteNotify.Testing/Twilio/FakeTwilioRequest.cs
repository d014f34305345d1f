namespace WasteNotify.Testing;

/// <summary>Any request the fake received, including those it refused before a message was considered.</summary>
/// <param name="ErrorCode">The Twilio error code answered; null for 201.</param>
/// <param name="UserAgent">The client's User-Agent (Twilio's SDKs send theirs, e.g. twilio-csharp/8.2.0).</param>
public sealed record FakeTwilioRequest(
    string Method,
    string PathAndQuery,
    string? ContentType,
    string? Authorization,
    string? Accept,
    IReadOnlyDictionary<string, string> Form,
    DateTimeOffset ReceivedAt,
    int HttpStatus,
    int? ErrorCode,
    string? UserAgent);
