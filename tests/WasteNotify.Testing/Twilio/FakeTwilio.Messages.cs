using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace WasteNotify.Testing;

public sealed partial class FakeTwilio
{
    private static readonly IReadOnlyDictionary<string, string> NoForm = new Dictionary<string, string>();

    /// <summary>POST /2010-04-01/Accounts/{AccountSid}/Messages.json, checked in the order Twilio's answers suggest: credentials, account, To, sender, Body.</summary>
    private async Task CreateMessageAsync(HttpContext context)
    {
        var receivedAt = DateTimeOffset.UtcNow;
        var request = context.Request;
        // Twilio reads only form fields: a JSON body arrives as no fields at all, hence 21604 (its documented cause).
        var form = request.HasFormContentType ? Flatten(await request.ReadFormAsync(context.RequestAborted)) : NoForm;
        var to = Field(form, "To");
        var from = Field(form, "From");
        var service = Field(form, "MessagingServiceSid");
        var body = Field(form, "Body");
        var callback = Field(form, "StatusCallback");

        FakeTwilioScript? refusal = null;
        Uri? statusCallback = null;
        if (!Authorized(request))
        {
            refusal = Error(401, 20003, "Authenticate");
        }
        else if ((string?)context.GetRouteValue("accountSid") != AccountSid)
        {
            refusal = Error(404, 20404, $"The requested resource {request.Path} was not found");
        }
        else if (to is null)
        {
            refusal = Error(400, 21604, "A 'To' phone number is required.");
        }
        else if (from is null && service is null)
        {
            refusal = Error(400, 21603, "A 'From' or 'MessagingServiceSid' parameter is required to send a message.");
        }
        else if (body is null)
        {
            refusal = Error(400, 21602, "Message body is required.");
        }
        else if (callback is not null && (!Uri.TryCreate(callback, UriKind.Absolute, out statusCallback) || statusCallback.Scheme is not ("http" or "https")))
        {
            refusal = Error(400, 21609, "The StatusCallback URL " + callback + " is not a valid URL.");
        }

        if (refusal is not null)
        {
            Record(context, form, receivedAt, refusal.HttpStatus, refusal.Code, message: null);
            await WriteAsync(context, refusal);
            return;
        }

        var scripted = NextScript(to!);
        var sid = scripted is null ? NewSid("SM") : null;
        var message = new FakeTwilioMessage(sid, to!, from, service, body!, statusCallback, form, receivedAt, scripted?.HttpStatus ?? 201);
        Record(context, form, receivedAt, message.HttpStatus, scripted?.Code, message);
        if (scripted is not null)
        {
            await WriteAsync(context, scripted);
            return;
        }

        context.Response.StatusCode = 201;
        context.Response.ContentType = "application/json; charset=utf-8";
        context.Response.Headers["Twilio-Request-Id"] = NewSid("RQ");
        await context.Response.WriteAsync(Resource(message, receivedAt).ToJsonString(), context.RequestAborted);
    }

    private async Task NotFoundAsync(HttpContext context)
    {
        var refusal = Error(404, 20404, $"The requested resource {context.Request.Path} was not found");
        var form = context.Request.HasFormContentType ? Flatten(await context.Request.ReadFormAsync(context.RequestAborted)) : NoForm;
        Record(context, form, DateTimeOffset.UtcNow, refusal.HttpStatus, refusal.Code, message: null);
        await WriteAsync(context, refusal);
    }

    private FakeTwilioScript? NextScript(string to)
    {
        lock (_gate)
        {
            if (_scriptsByRecipient.TryGetValue(to, out var own) && own.TryDequeue(out var script))
            {
                return script;
            }

            return _scriptsForAll.TryDequeue(out script) ? script : null;
        }
    }

    private void Record(HttpContext context, IReadOnlyDictionary<string, string> form, DateTimeOffset receivedAt, int status, int? code, FakeTwilioMessage? message)
    {
        var request = context.Request;
        var entry = new FakeTwilioRequest(
            request.Method,
            request.Path + request.QueryString,
            request.ContentType,
            request.Headers.Authorization.ToString() is { Length: > 0 } authorization ? authorization : null,
            request.Headers.Accept.ToString() is { Length: > 0 } accept ? accept : null,
            form,
            receivedAt,
            status,
            code,
            request.Headers.UserAgent.ToString() is { Length: > 0 } agent ? agent : null);
        lock (_gate)
        {
            _requests.Add(entry);
            if (message is null)
            {
                return;
            }

            _messages.Add(message);
            foreach (var waiter in _waiters.Where(w => _messages.Count >= w.Count).ToList())
            {
                _waiters.Remove(waiter);
                waiter.Done.TrySetResult([.. _messages]);
            }
        }
    }

    private bool Authorized(HttpRequest request)
    {
        if (!AuthenticationHeaderValue.TryParse(request.Headers.Authorization.ToString(), out var header)
            || !string.Equals(header.Scheme, "Basic", StringComparison.OrdinalIgnoreCase)
            || header.Parameter is null)
        {
            return false;
        }

        try
        {
            return Encoding.UTF8.GetString(Convert.FromBase64String(header.Parameter)) == $"{AccountSid}:{AuthToken}";
        }
        catch (FormatException)
        {
            return false;
        }
    }

    private static string? Field(IReadOnlyDictionary<string, string> form, string name) =>
        form.TryGetValue(name, out var value) && value.Length > 0 ? value : null;

    private static IReadOnlyDictionary<string, string> Flatten(IFormCollection form) =>
        form.ToDictionary(f => f.Key, f => f.Value.ToString(), StringComparer.Ordinal);
}
