using System.Text.Json;

namespace WasteNotify.Twilio;

public sealed partial class TwilioClient
{
    private const int BodyExcerptLength = 200;

    private static TwilioSendResult Classify(HttpResponseMessage response, string body)
    {
        var status = (int)response.StatusCode;
        if (response.IsSuccessStatusCode)
        {
            return Accepted(response, body);
        }

        var (code, message) = ReadError(body) ?? (null, Describe(response, body));
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

    private static TwilioSendResult Accepted(HttpResponseMessage response, string body)
    {
        var status = (int)response.StatusCode;
        try
        {
            using var json = JsonDocument.Parse(body);
            var root = json.RootElement;
            if (root.ValueKind == JsonValueKind.Object && String(root, "sid") is { } sid)
            {
                TwilioFormats.TryParseStatus(String(root, "status"), out var messageStatus);
                return new TwilioSendResult(
                    TwilioOutcome.Accepted,
                    sid,
                    messageStatus,
                    status,
                    Int(root, "error_code"),
                    String(root, "error_message"));
            }
        }
        catch (JsonException)
        {
        }

        // The message was most likely created: sending it again could text the resident twice.
        return new TwilioSendResult(TwilioOutcome.Accepted, HttpStatus: status, ErrorMessage: "Twilio's answer was not a Message resource: " + Describe(response, body));
    }

    /// <summary>Reads Twilio's error body: {"code":21610,"message":"...","more_info":"...","status":400}.</summary>
    private static (int? Code, string Message)? ReadError(string body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            var root = json.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            var code = Int(root, "code");
            var message = String(root, "message");
            return code is null && message is null ? null : (code, message ?? $"Twilio error {code}");
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string Describe(HttpResponseMessage response, string body)
    {
        var head = $"HTTP {(int)response.StatusCode} {response.ReasonPhrase}".TrimEnd();
        var text = body.Trim();
        return text.Length == 0 ? head + " with an empty body" : $"{head}: {(text.Length > BodyExcerptLength ? text[..BodyExcerptLength] : text)}";
    }

    /// <summary>Retry-After as delta-seconds, or as an HTTP-date counted from the response's Date header (so clock skew does not matter).</summary>
    private static TimeSpan? RetryAfter(HttpResponseMessage response)
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

    private static string? String(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>Twilio sends some numbers as JSON numbers and some as strings ("num_segments": "1").</summary>
    private static int? Int(JsonElement element, string name)
    {
        if (!element.TryGetProperty(name, out var value))
        {
            return null;
        }

        return value.ValueKind switch
        {
            JsonValueKind.Number when value.TryGetInt32(out var number) => number,
            JsonValueKind.String when int.TryParse(value.GetString(), System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var number) => number,
            _ => null,
        };
    }
}
