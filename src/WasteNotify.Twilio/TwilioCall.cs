using System.Net;
using System.Net.Http.Headers;

namespace WasteNotify.Twilio;

/// <summary>One send as the HTTP layer saw it: its response or its failure, and the token that cancels it.</summary>
/// <remarks>
/// Carried by an <see cref="AsyncLocal{T}"/> from <see cref="TwilioClient.SendAsync"/> down through the SDK into
/// <see cref="TwilioCallHandler"/>, so concurrent sends on one client never see each other's answers.
/// </remarks>
internal sealed class TwilioCall(CancellationToken cancellationToken)
{
    private static readonly AsyncLocal<TwilioCall?> Ambient = new();

    public static TwilioCall? Current => Ambient.Value;

    public CancellationToken CancellationToken { get; } = cancellationToken;

    public TwilioResponse? Response { get; set; }

    public Exception? Failure { get; set; }

    /// <summary>Starts a call in the current flow; an async caller's flow goes back to its own value when it returns.</summary>
    public static TwilioCall Begin(CancellationToken cancellationToken) => Ambient.Value = new TwilioCall(cancellationToken);
}

/// <summary>The status, headers and body of Twilio's answer to one request.</summary>
internal sealed record TwilioResponse(HttpStatusCode Status, string? ReasonPhrase, HttpResponseHeaders Headers, string Body);
