using System.Globalization;
using System.Security;
using Microsoft.Extensions.Options;
using Npgsql;
using WasteNotify.Core.Notifications;
using WasteNotify.Service.City;
using WasteNotify.Twilio;

namespace WasteNotify.Service.Notifications;

/// <summary>
/// Twilio's webhooks: delivery status callbacks (<c>/twilio/status</c>) and incoming SMS (<c>/twilio/inbound</c>: STOP,
/// ARRET, START, HELP, and the bins reported: OUT / SORTIS, IN / RENTRES, for the collection of the latest alert sent
/// to that number in the last 12 hours). Every request must carry a valid X-Twilio-Signature, computed over the public URL Twilio called.
/// </summary>
public static partial class TwilioWebhooks
{
    public static IEndpointRouteBuilder MapTwilioWebhooks(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/twilio").WithTags("Twilio webhooks").DisableAntiforgery().AllowAnonymous();
        group.MapPost("/status", StatusAsync);
        group.MapPost("/inbound", InboundAsync);
        return app;
    }

    private static async Task<IResult> StatusAsync(HttpRequest request, long? outbox, NpgsqlDataSource db, IOptions<TwilioOptions> twilio,
        IOptions<NotificationOptions> options, TimeProvider time, ILoggerFactory loggers, CancellationToken ct)
    {
        if (await VerifiedFormAsync(request, twilio.Value, options.Value, loggers, ct) is not { } form)
        {
            return Refusal(request);
        }

        if (!TwilioStatusCallback.TryParse(form, out var callback, out var error))
        {
            return Results.Problem(statusCode: 400, title: "Not a Twilio status callback", detail: error);
        }

        var known = await OutboxRecords.DeliveryAsync(db, outbox, callback.MessageSid, callback.MessageStatus.ToString().ToLowerInvariant(),
            callback.ErrorCode, time.GetUtcNow(), ct);
        // Twilio retries a callback that fails; one for a message we do not know (erased, or another system's) is acknowledged all the same.
        Log.Delivery(loggers.CreateLogger(nameof(TwilioWebhooks)), callback.MessageSid, callback.MessageStatus.ToString(), callback.ErrorCode, known);
        return Results.NoContent();
    }

    private static async Task<IResult> InboundAsync(HttpRequest request, NpgsqlDataSource db, IOptions<TwilioOptions> twilio,
        IOptions<NotificationOptions> options, RunScheduler scheduler, TimeProvider time, ILoggerFactory loggers, CancellationToken ct)
    {
        if (await VerifiedFormAsync(request, twilio.Value, options.Value, loggers, ct) is not { } form)
        {
            return Refusal(request);
        }

        if (!TwilioInboundMessage.TryParse(form, out var message, out var error))
        {
            return Results.Problem(statusCode: 400, title: "Not a Twilio incoming message", detail: error);
        }

        var keyword = SmsKeyword.Parse(message.Body);
        var language = await ConsentRecords.ReplyAsync(db, message.From, keyword, time.GetUtcNow(), ct);
        Log.Inbound(loggers.CreateLogger(nameof(TwilioWebhooks)), PhoneNumber.Mask(message.From), keyword.ToString());
        var reply = keyword switch
        {
            SmsKeywordKind.Stop => DefaultTemplates.StopConfirmation(language),
            SmsKeywordKind.Start => DefaultTemplates.StartConfirmation(language),
            SmsKeywordKind.Help => DefaultTemplates.Help(language),
            SmsKeywordKind.BinsOut or SmsKeywordKind.BinsIn => await BinsAsync(db, message.From, keyword == SmsKeywordKind.BinsOut, language, scheduler.Zone, time.GetUtcNow(), ct),
            _ => null,
        };
        var twiml = reply is null ? "<Response/>" : $"<Response><Message>{SecurityElement.Escape(reply)}</Message></Response>";
        return Results.Text($"<?xml version=\"1.0\" encoding=\"UTF-8\"?>{twiml}", "application/xml");
    }

    /// <summary>A bins report by SMS, put on the collection of the latest alert sent to the number (12 h at most before); the answer says what stands.</summary>
    private static async Task<string> BinsAsync(NpgsqlDataSource db, string phone, bool binsOut, string language, TimeZoneInfo zone, DateTimeOffset now, CancellationToken ct)
    {
        if (await BinReports.RepliedCollectionAsync(db, phone, now, ct) is not { } collection)
        {
            return DefaultTemplates.NoCollectionToReport(language);
        }

        try
        {
            var (outAt, inAt) = await BinReports.RecordAsync(db, collection.RunId, collection.BuildingId, binsOut, "sms", now, ct);
            var stands = (binsOut ? outAt : inAt) ?? now;
            return DefaultTemplates.BinsNoted(language, binsOut, TimeZoneInfo.ConvertTime(stands, zone).ToString("HH:mm", CultureInfo.InvariantCulture));
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.ForeignKeyViolation)
        {
            return DefaultTemplates.NoCollectionToReport(language); // the run or building was deleted meanwhile
        }
    }

    /// <summary>The form of a request signed by Twilio with our auth token; null when Twilio is not configured or the signature is wrong.</summary>
    private static async Task<Dictionary<string, string>?> VerifiedFormAsync(HttpRequest request, TwilioOptions twilio, NotificationOptions options,
        ILoggerFactory loggers, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(twilio.AuthToken) || !request.HasFormContentType)
        {
            return null;
        }

        var form = await request.ReadFormAsync(ct);
        var pairs = form.SelectMany(f => f.Value.Select(v => new KeyValuePair<string, string>(f.Key, v ?? "")));
        // Twilio signs the URL it called: the public one, which a proxy in front of us may have rewritten.
        var url = new Uri(options.PublicBaseUrl!, request.Path.Value!.TrimStart('/') + request.QueryString.Value).ToString();
        if (!TwilioSignature.IsValid(twilio.AuthToken, url, pairs, request.Headers["X-Twilio-Signature"].FirstOrDefault()))
        {
            Log.BadSignature(loggers.CreateLogger(nameof(TwilioWebhooks)), request.Path.Value!);
            return null;
        }

        return form.ToDictionary(f => f.Key, f => f.Value.FirstOrDefault() ?? "", StringComparer.Ordinal);
    }

    private static IResult Refusal(HttpRequest request) =>
        request.HttpContext.RequestServices.GetRequiredService<IOptions<TwilioOptions>>().Value.AuthToken is { Length: > 0 }
            ? Results.Problem(statusCode: 403, title: "Bad Twilio signature", detail: "X-Twilio-Signature does not match this request")
            : Results.Problem(statusCode: 404, title: "Twilio is not configured", detail: "this service sends no SMS through Twilio");
}
