using System.Globalization;
using System.Net.Http.Headers;
using System.Text;

namespace WasteNotify.Twilio;

/// <summary>Sends SMS through Twilio's Messages resource; meant as a typed HttpClient client.</summary>
public sealed partial class TwilioClient(HttpClient http, TwilioOptions options)
{
    private const string ApiVersion = "2010-04-01";

    /// <summary>Sends one message and classifies Twilio's answer; only the caller's own cancellation throws.</summary>
    /// <exception cref="ArgumentException">The message is not valid (nothing is sent).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task<TwilioSendResult> SendAsync(TwilioMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        message.Validate();
        cancellationToken.ThrowIfCancellationRequested();

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Timeout);
        using var request = CreateRequest(message);
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            var body = await response.Content.ReadAsStringAsync(timeout.Token);
            return Classify(response, body);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // Our own timeout or HttpClient.Timeout: Twilio may or may not have created the message; retrying is the caller's call.
            return new TwilioSendResult(
                TwilioOutcome.Retry,
                ErrorMessage: string.Create(CultureInfo.InvariantCulture, $"Twilio did not answer within {options.Timeout.TotalSeconds:0.###} s (or the HttpClient's own timeout)."));
        }
        catch (HttpRequestException e)
        {
            return new TwilioSendResult(TwilioOutcome.Retry, HttpStatus: (int?)e.StatusCode, ErrorMessage: "Twilio could not be reached: " + e.Message);
        }
        catch (IOException e)
        {
            return new TwilioSendResult(TwilioOutcome.Retry, ErrorMessage: "The connection to Twilio broke: " + e.Message);
        }
    }

    private HttpRequestMessage CreateRequest(TwilioMessage message)
    {
        List<KeyValuePair<string, string>> fields =
        [
            new("To", message.To),
            message.From is { } from ? new("From", from) : new("MessagingServiceSid", message.MessagingServiceSid!),
            new("Body", message.Body),
        ];
        if (message.StatusCallback is { } callback)
        {
            fields.Add(new("StatusCallback", callback.AbsoluteUri));
        }

        var request = new HttpRequestMessage(HttpMethod.Post, MessagesUri()) { Content = new FormUrlEncodedContent(fields) };
        var credentials = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{options.AccountSid}:{options.AuthToken}"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", credentials);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        return request;
    }

    private Uri MessagesUri()
    {
        // Without the trailing slash a base such as https://proxy/twilio would lose its last segment.
        var root = options.BaseAddress.AbsoluteUri.EndsWith('/') ? options.BaseAddress : new Uri(options.BaseAddress.AbsoluteUri + "/");
        return new Uri(root, $"{ApiVersion}/Accounts/{Uri.EscapeDataString(options.AccountSid)}/Messages.json");
    }
}
