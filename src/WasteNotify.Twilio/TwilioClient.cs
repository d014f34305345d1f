using System.Globalization;
using Twilio.Clients;
using Twilio.Exceptions;
using Twilio.Rest.Api.V2010.Account;
using Twilio.Types;
using SdkHttpClient = Twilio.Http.SystemNetHttpClient;

namespace WasteNotify.Twilio;

/// <summary>
/// Sends SMS through Twilio's C# SDK (<c>MessageResource.CreateAsync</c>) and classifies its answer by our rules: what
/// to retry, what stops a recipient, what to give up on. Meant as a typed HttpClient client.
/// </summary>
/// <remarks>
/// The SDK takes no cancellation token, reads the answer's headers (Retry-After) only through its client's shared last
/// response, and turns a non-JSON error into code 0 and status 0. So each send runs in a <see cref="TwilioCall"/> that a
/// handler under the SDK fills with this request's own response (or transport failure) and that supplies the send's
/// cancellation; the handler also sends to <see cref="TwilioOptions.BaseAddress"/> (a proxy, or the fake in tests).
/// </remarks>
public sealed partial class TwilioClient
{
    private readonly TwilioOptions _options;
    private readonly TwilioRestClient _rest;

    public TwilioClient(HttpClient http, TwilioOptions options)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        var pipeline = new HttpClient(new TwilioCallHandler(http, options.BaseAddress), disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan };
        _rest = new TwilioRestClient(options.AccountSid, options.AuthToken, httpClient: new SdkHttpClient(pipeline));
    }

    /// <summary>Sends one message and classifies Twilio's answer; only the caller's own cancellation throws.</summary>
    /// <exception cref="ArgumentException">The message is not valid (nothing is sent).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task<TwilioSendResult> SendAsync(TwilioMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        message.Validate();
        cancellationToken.ThrowIfCancellationRequested();

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.Timeout);
        var call = TwilioCall.Begin(timeout.Token);
        try
        {
            var created = await MessageResource.CreateAsync(Options(message), _rest);
            return call.Response is { } response ? Accepted(response, created) : Unanswered(call, cancellationToken);
        }
        catch (Exception e) when (e is TwilioException or Newtonsoft.Json.JsonException)
        {
            // An answer the SDK refused (an error, or a body it could not read) is classified from the answer itself.
            return call.Response is { } response ? Classify(response, e as ApiException) : Unanswered(call, cancellationToken);
        }
    }

    private static CreateMessageOptions Options(TwilioMessage message) => new(new PhoneNumber(message.To))
    {
        From = message.From is { } from ? new PhoneNumber(from) : null,
        MessagingServiceSid = message.MessagingServiceSid,
        Body = message.Body,
        StatusCallback = message.StatusCallback,
    };

    /// <summary>No answer came: the caller's cancellation throws, anything else (timeout, transport) is a retry.</summary>
    private TwilioSendResult Unanswered(TwilioCall call, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return call.Failure switch
        {
            // Our own timeout or HttpClient.Timeout: Twilio may or may not have created the message; retrying is the caller's call.
            OperationCanceledException => new TwilioSendResult(
                TwilioOutcome.Retry,
                ErrorMessage: string.Create(CultureInfo.InvariantCulture, $"Twilio did not answer within {_options.Timeout.TotalSeconds:0.###} s (or the HttpClient's own timeout).")),
            HttpRequestException e => new TwilioSendResult(TwilioOutcome.Retry, HttpStatus: (int?)e.StatusCode, ErrorMessage: "Twilio could not be reached: " + e.Message),
            { } e => new TwilioSendResult(TwilioOutcome.Retry, ErrorMessage: "The connection to Twilio broke: " + e.Message),
            null => new TwilioSendResult(TwilioOutcome.Retry, ErrorMessage: "Twilio's SDK sent nothing."),
        };
    }
}
