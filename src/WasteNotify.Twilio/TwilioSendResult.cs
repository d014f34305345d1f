namespace WasteNotify.Twilio;

/// <summary>The outcome of one send, with Twilio's own error code and message when it refused.</summary>
/// <param name="HttpStatus">Null when no response arrived (timeout, connection failure).</param>
/// <param name="ErrorMessage">Twilio's message, or a description of the transport failure or unreadable body; never the request body.</param>
/// <param name="RetryAfter">From the Retry-After header; an HTTP-date counts from the response's Date header.</param>
public sealed record TwilioSendResult(
    TwilioOutcome Outcome,
    string? Sid = null,
    TwilioMessageStatus? Status = null,
    int? HttpStatus = null,
    int? ErrorCode = null,
    string? ErrorMessage = null,
    TimeSpan? RetryAfter = null);
