namespace WasteNotify.Twilio.Tests;

/// <summary>Answers every request with a response built by the test, for header forms the fake does not send.</summary>
internal sealed class StubHandler(Func<HttpResponseMessage> respond) : HttpMessageHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        Task.FromResult(respond());
}
