namespace WasteNotify.Twilio;

/// <summary>
/// Under Twilio's SDK: sends each request to the configured base address through the given client (the factory's
/// pooled handlers, its timeout), cancelled with the current <see cref="TwilioCall"/>, and records the answer there.
/// </summary>
internal sealed class TwilioCallHandler(HttpClient http, Uri baseAddress) : HttpMessageHandler
{
    // Without the trailing slash a base such as https://proxy/twilio would lose its last segment.
    private readonly Uri _root = baseAddress.AbsoluteUri.EndsWith('/') ? baseAddress : new Uri(baseAddress.AbsoluteUri + "/");

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var call = TwilioCall.Current;
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, call?.CancellationToken ?? CancellationToken.None);
        // A request message goes out once: the SDK's client has sent this one, so the given client sends a copy.
        using var forwarded = new HttpRequestMessage(request.Method, new Uri(_root, request.RequestUri!.PathAndQuery.TrimStart('/')))
        {
            Content = request.Content,
            Version = request.Version,
            VersionPolicy = request.VersionPolicy,
        };
        foreach (var (name, values) in request.Headers)
        {
            forwarded.Headers.TryAddWithoutValidation(name, values);
        }

        try
        {
            var response = await http.SendAsync(forwarded, HttpCompletionOption.ResponseContentRead, linked.Token);
            if (call is not null)
            {
                var body = await response.Content.ReadAsStringAsync(linked.Token);
                call.Response = new TwilioResponse(response.StatusCode, response.ReasonPhrase, response.Headers, body);
            }

            return response;
        }
        catch (Exception e) when (call is not null)
        {
            call.Failure = e;
            throw;
        }
    }
}
