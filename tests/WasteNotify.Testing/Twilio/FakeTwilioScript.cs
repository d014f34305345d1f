namespace WasteNotify.Testing;

/// <summary>One scripted failure answer; <paramref name="RawBody"/> replaces Twilio's JSON error body (a gateway's HTML page, say).</summary>
public sealed record FakeTwilioScript(int HttpStatus, int Code, string Message, TimeSpan? RetryAfter, string? RawBody);
