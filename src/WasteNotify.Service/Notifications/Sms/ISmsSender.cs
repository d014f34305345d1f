namespace WasteNotify.Service.Notifications;

/// <summary>Sends an SMS: Twilio, or the log when no provider is configured (local runs, the demo).</summary>
public interface ISmsSender
{
    /// <summary>The provider's name as the outbox shows it ("twilio", "log").</summary>
    string Name { get; }

    Task<SmsResult> SendAsync(SmsRequest request, CancellationToken ct);
}
