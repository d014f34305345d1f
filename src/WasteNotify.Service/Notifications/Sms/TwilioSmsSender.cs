using WasteNotify.Twilio;

namespace WasteNotify.Service.Notifications;

/// <summary>The SMS sender through Twilio's REST API (a Messaging Service when configured, else the given sender number).</summary>
/// <remarks>A client per message, from the factory's pooled handlers, so that DNS changes are followed.</remarks>
public sealed class TwilioSmsSender(Func<TwilioClient> client, SmsOptions options) : ISmsSender
{
    public string Name => "twilio";

    public async Task<SmsResult> SendAsync(SmsRequest request, CancellationToken ct)
    {
        var message = options.MessagingServiceSid is { Length: > 0 } service
            ? new TwilioMessage(request.To, request.Body, messagingServiceSid: service, statusCallback: request.StatusCallback)
            : new TwilioMessage(request.To, request.Body, from: request.From, statusCallback: request.StatusCallback);
        var result = await client().SendAsync(message, ct);
        var outcome = result.Outcome switch
        {
            TwilioOutcome.Accepted => SmsOutcome.Accepted,
            TwilioOutcome.Retry => SmsOutcome.Retry,
            TwilioOutcome.RecipientUnsubscribed => SmsOutcome.Unsubscribed,
            TwilioOutcome.InvalidRecipient when result.ErrorCode == 21614 => SmsOutcome.NotMobile,
            TwilioOutcome.InvalidRecipient => SmsOutcome.InvalidNumber,
            _ => SmsOutcome.Rejected,
        };
        return new SmsResult(outcome, result.Sid, result.Status?.ToString().ToLowerInvariant(), result.HttpStatus, result.ErrorCode, result.ErrorMessage,
            result.RetryAfter);
    }
}
