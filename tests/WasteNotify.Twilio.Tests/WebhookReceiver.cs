using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace WasteNotify.Twilio.Tests;

/// <summary>Our side of Twilio's webhooks on 127.0.0.1:0: checks X-Twilio-Signature like the host will, answers 204 or 403, and records what came.</summary>
internal sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly string _authToken;
    private readonly Lock _gate = new();
    private readonly List<ReceivedWebhook> _received = [];
    private string _origin = "";

    private WebhookReceiver(WebApplication app, string authToken)
    {
        _app = app;
        _authToken = authToken;
    }

    public IReadOnlyList<ReceivedWebhook> Received
    {
        get
        {
            lock (_gate)
            {
                return [.. _received];
            }
        }
    }

    public static async Task<WebhookReceiver> StartAsync(string authToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var receiver = new WebhookReceiver(app, authToken);
        app.MapPost("/{**path}", (RequestDelegate)receiver.ReceiveAsync);
        await app.StartAsync();
        receiver._origin = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');
        return receiver;
    }

    public Uri Url(string pathAndQuery) => new(_origin + pathAndQuery);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task ReceiveAsync(HttpContext context)
    {
        // The URL as Twilio called it: the raw request target, not a re-encoded path.
        var url = _origin + context.Features.Get<IHttpRequestFeature>()!.RawTarget;
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        var fields = form.SelectMany(f => f.Value.Select(v => new KeyValuePair<string, string>(f.Key, v ?? ""))).ToList();
        var signature = context.Request.Headers["X-Twilio-Signature"].ToString();
        var valid = TwilioSignature.IsValid(_authToken, url, fields, signature);
        lock (_gate)
        {
            _received.Add(new ReceivedWebhook(url, fields, signature, valid));
        }

        context.Response.StatusCode = valid ? StatusCodes.Status204NoContent : StatusCodes.Status403Forbidden;
    }
}
