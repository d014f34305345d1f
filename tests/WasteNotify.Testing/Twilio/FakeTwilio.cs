using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace WasteNotify.Testing;

/// <summary>
/// Twilio's Messages API on 127.0.0.1:0, speaking its formats: Basic auth, form fields, Message resource and error
/// JSON, Retry-After; scripted failures per recipient or for all; signed status callbacks and inbound messages.
/// </summary>
public sealed partial class FakeTwilio : IAsyncDisposable
{
    public const string ApiVersion = "2010-04-01";

    /// <summary>The number Twilio picks from a Messaging Service's pool, reported as From in its status callbacks.</summary>
    public const string ServiceSenderNumber = "+15017122661";

    private readonly WebApplication _app;
    private readonly HttpClient _webhooks = new() { Timeout = TimeSpan.FromSeconds(30) };
    private readonly Lock _gate = new();
    private readonly List<FakeTwilioMessage> _messages = [];
    private readonly List<FakeTwilioRequest> _requests = [];
    private readonly List<(int Count, TaskCompletionSource<IReadOnlyList<FakeTwilioMessage>> Done)> _waiters = [];
    private readonly Dictionary<string, Queue<FakeTwilioScript>> _scriptsByRecipient = new(StringComparer.Ordinal);
    private readonly Queue<FakeTwilioScript> _scriptsForAll = new();

    private FakeTwilio(WebApplication app, string accountSid, string authToken)
    {
        _app = app;
        AccountSid = accountSid;
        AuthToken = authToken;
    }

    /// <summary>The API root with a trailing slash, as TwilioOptions.BaseAddress expects it.</summary>
    public Uri BaseAddress { get; private set; } = null!;

    public string AccountSid { get; }

    public string AuthToken { get; }

    /// <summary>Well-formed sends in arrival order, whether answered 201 or with a scripted failure.</summary>
    public IReadOnlyList<FakeTwilioMessage> Messages
    {
        get
        {
            lock (_gate)
            {
                return [.. _messages];
            }
        }
    }

    /// <summary>Every request in arrival order, including those refused for auth, missing fields or an unknown path.</summary>
    public IReadOnlyList<FakeTwilioRequest> Requests
    {
        get
        {
            lock (_gate)
            {
                return [.. _requests];
            }
        }
    }

    public static async Task<FakeTwilio> StartAsync(string? accountSid = null, string? authToken = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var fake = new FakeTwilio(app, accountSid ?? NewSid("AC"), authToken ?? Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)));
        app.MapPost($"/{ApiVersion}/Accounts/{{accountSid}}/Messages.json", (RequestDelegate)fake.CreateMessageAsync);
        // The default fallback skips paths that look like files, and every Twilio path ends in .json.
        app.MapFallback("{**path}", (RequestDelegate)fake.NotFoundAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        fake.BaseAddress = new Uri(address.TrimEnd('/') + "/");
        return fake;
    }

    /// <summary>
    /// The next <paramref name="times"/> sends to <paramref name="to"/> get this failure instead of 201; a null code
    /// becomes Twilio's generic one (20003 for 401, else 20000 + status), and a Retry-After header is sent in whole seconds.
    /// </summary>
    public void Respond(string to, int httpStatus, int? code = null, string? message = null, TimeSpan? retryAfter = null, int times = 1, string? rawBody = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(to);
        var script = Script(httpStatus, code, message, retryAfter, times, rawBody);
        lock (_gate)
        {
            if (!_scriptsByRecipient.TryGetValue(to, out var queue))
            {
                _scriptsByRecipient[to] = queue = new Queue<FakeTwilioScript>();
            }

            for (var i = 0; i < times; i++)
            {
                queue.Enqueue(script);
            }
        }
    }

    /// <summary>As <see cref="Respond"/>, for the next sends to anyone; a recipient's own script is used first.</summary>
    public void RespondToAll(int httpStatus, int? code = null, string? message = null, TimeSpan? retryAfter = null, int times = 1, string? rawBody = null)
    {
        var script = Script(httpStatus, code, message, retryAfter, times, rawBody);
        lock (_gate)
        {
            for (var i = 0; i < times; i++)
            {
                _scriptsForAll.Enqueue(script);
            }
        }
    }

    /// <summary>Completes once <paramref name="count"/> well-formed sends have arrived (any answer); throws TimeoutException saying what did arrive.</summary>
    public async Task<IReadOnlyList<FakeTwilioMessage>> WaitForMessagesAsync(int count, TimeSpan timeout)
    {
        var done = new TaskCompletionSource<IReadOnlyList<FakeTwilioMessage>>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            if (_messages.Count >= count)
            {
                return [.. _messages];
            }

            _waiters.Add((count, done));
        }

        try
        {
            return await done.Task.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            lock (_gate)
            {
                _waiters.RemoveAll(w => w.Done == done);
            }

            var requests = Requests;
            throw new TimeoutException(
                $"Expected {count} messages at Twilio within {timeout}, got {Messages.Count}; requests: "
                + $"[{string.Join(", ", requests.Select(r => $"{r.Method} {r.PathAndQuery} -> {r.HttpStatus} {r.ErrorCode}".TrimEnd()))}]");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _webhooks.Dispose();
    }

    private static FakeTwilioScript Script(int httpStatus, int? code, string? message, TimeSpan? retryAfter, int times, string? rawBody)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(httpStatus, 400);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(httpStatus, 599);
        ArgumentOutOfRangeException.ThrowIfLessThan(times, 1);
        return new FakeTwilioScript(
            httpStatus,
            code ?? (httpStatus == 401 ? 20003 : 20000 + httpStatus),
            message ?? ReasonPhrases.GetReasonPhrase(httpStatus),
            retryAfter,
            rawBody);
    }

    private static string NewSid(string prefix) => prefix + Guid.NewGuid().ToString("N");
}
