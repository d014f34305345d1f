using Twilio.Exceptions;
using Twilio.Rest.Api.V2010.Account;

namespace WasteNotify.Twilio;

public sealed partial class TwilioClient
{
    private const int BodyExcerptLength = 200;

    /// <summary>Twilio created the message: its sid and status, or, when the SDK could not read the answer, accepted all the same.</summary>
    private static TwilioSendResult Accepted(TwilioResponse response, MessageResource? created)
    {
        var status = (int)response.Status;
        if (created?.Sid is { Length: > 0 } sid)
        {
            TwilioFormats.TryParseStatus(created.Status?.ToString(), out var messageStatus);
            return new TwilioSendResult(TwilioOutcome.Accepted, sid, messageStatus, status, created.ErrorCode, created.ErrorMessage);
        }

        // The message was most likely created: sending it again could text the resident twice.
        return new TwilioSendResult(TwilioOutcome.Accepted, HttpStatus: status, ErrorMessage: "Twilio's answer was not a Message resource: " + Describe(response));
    }

    /// <summary>An answer the SDK threw for: Twilio's error (code and message from its JSON body) or a body it could not read.</summary>
    private static TwilioSendResult Classify(TwilioResponse response, ApiException? error)
    {
        var status = (int)response.Status;
        if (status is >= 200 and < 300)
        {
            return Accepted(response, null);
        }

        // The SDK gives status 0 when the body was not Twilio's error JSON (a gateway's HTML page, an empty body).
        var (code, message) = error is { Status: > 0 } ? (error.Code == 0 ? null : (int?)error.Code, error.Message) : (null, Describe(response));
        var outcome = status switch
        {
            429 or >= 500 => TwilioOutcome.Retry,
            >= 400 => code switch
            {
                21610 => TwilioOutcome.RecipientUnsubscribed,
                21211 or 21614 => TwilioOutcome.InvalidRecipient,
                _ => TwilioOutcome.Rejected,
            },
            _ => TwilioOutcome.Rejected,
        };
        return new TwilioSendResult(outcome, HttpStatus: status, ErrorCode: code, ErrorMessage: message, RetryAfter: RetryAfter(response));
    }

    private static string Describe(TwilioResponse response)
    {
        var head = $"HTTP {(int)response.Status} {response.ReasonPhrase}".TrimEnd();
        var text = response.Body.Trim();
        return text.Length == 0 ? head + " with an empty body" : $"{head}: {(text.Length > BodyExcerptLength ? text[..BodyExcerptLength] : text)}";
    }

    /// <summary>Retry-After as delta-seconds, or as an HTTP-date counted from the response's Date header (so clock skew does not matter).</summary>
    private static TimeSpan? RetryAfter(TwilioResponse response)
    {
        var header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta)
        {
            return delta;
        }

        if (header?.Date is { } date)
        {
            var wait = date - (response.Headers.Date ?? DateTimeOffset.UtcNow);
            return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
        }

        return null;
    }
}
