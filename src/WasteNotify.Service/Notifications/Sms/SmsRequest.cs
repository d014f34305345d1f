namespace WasteNotify.Service.Notifications;

/// <summary>One SMS to send; <c>StatusCallback</c> is where the provider reports delivery.</summary>
public sealed record SmsRequest(long OutboxId, string To, string Body, string? From, Uri? StatusCallback);
