using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace WasteNotify.Testing;

public sealed partial class FakeTwilio
{
    /// <summary>The Message resource as Twilio returns it on create; through a Messaging Service it is "accepted" with no sender yet.</summary>
    private JsonObject Resource(FakeTwilioMessage message, DateTimeOffset now)
    {
        var viaService = message.From is null;
        var uri = $"/{ApiVersion}/Accounts/{AccountSid}/Messages/{message.Sid}";
        return new JsonObject
        {
            ["account_sid"] = AccountSid,
            ["api_version"] = ApiVersion,
            ["body"] = message.Body,
            ["date_created"] = Rfc2822(now),
            ["date_sent"] = null,
            ["date_updated"] = Rfc2822(now),
            ["direction"] = "outbound-api",
            ["error_code"] = null,
            ["error_message"] = null,
            ["from"] = message.From,
            ["messaging_service_sid"] = message.MessagingServiceSid,
            ["num_media"] = "0",
            ["num_segments"] = viaService ? "0" : Segments(message.Body).ToString(CultureInfo.InvariantCulture),
            ["price"] = null,
            ["price_unit"] = "USD",
            ["sid"] = message.Sid,
            ["status"] = viaService ? "accepted" : "queued",
            ["subresource_uris"] = new JsonObject { ["media"] = uri + "/Media.json" },
            ["to"] = message.To,
            ["uri"] = uri + ".json",
        };
    }

    private static async Task WriteAsync(HttpContext context, FakeTwilioScript answer)
    {
        var response = context.Response;
        response.StatusCode = answer.HttpStatus;
        if (answer.RetryAfter is { } wait)
        {
            response.Headers.RetryAfter = ((int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        }

        if (answer.RawBody is { } raw)
        {
            response.ContentType = "text/html; charset=utf-8";
            await response.WriteAsync(raw, context.RequestAborted);
            return;
        }

        response.ContentType = "application/json; charset=utf-8";
        var error = new JsonObject
        {
            ["code"] = answer.Code,
            ["message"] = answer.Message,
            ["more_info"] = $"https://www.twilio.com/docs/errors/{answer.Code}",
            ["status"] = answer.HttpStatus,
        };
        await response.WriteAsync(error.ToJsonString(), context.RequestAborted);
    }

    private static FakeTwilioScript Error(int status, int code, string message) => new(status, code, message, null, null);

    private static string Rfc2822(DateTimeOffset time) =>
        time.ToUniversalTime().ToString("ddd, dd MMM yyyy HH:mm:ss '+0000'", CultureInfo.InvariantCulture);

    /// <summary>GSM-7 (taken here as plain ASCII) fits 160 characters, 153 per part when split; anything else is UCS-2 with 70 and 67.</summary>
    private static int Segments(string body)
    {
        var (single, part) = body.All(c => c < 128) ? (160, 153) : (70, 67);
        return body.Length <= single ? 1 : (body.Length + part - 1) / part;
    }
}
