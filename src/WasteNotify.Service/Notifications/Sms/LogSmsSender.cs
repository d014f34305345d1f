using WasteNotify.Core.Notifications;

namespace WasteNotify.Service.Notifications;

/// <summary>The SMS sender without Twilio credentials: writes each message to the log (number masked) and sends nothing.</summary>
public sealed partial class LogSmsSender(ILogger<LogSmsSender> logger) : ISmsSender
{
    public string Name => "log";

    public Task<SmsResult> SendAsync(SmsRequest request, CancellationToken ct)
    {
        Log.NotSent(logger, request.OutboxId, PhoneNumber.Mask(request.To), request.Body.Length);
        return Task.FromResult(new SmsResult(SmsOutcome.Logged, Detail: "no SMS provider configured: logged, not sent"));
    }
}
