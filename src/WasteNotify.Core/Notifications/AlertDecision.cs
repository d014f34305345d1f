namespace WasteNotify.Core.Notifications;

/// <summary>An alert to send: its kind, the event time it was decided at, and what the message says.</summary>
/// <param name="Minutes">For "approaching": whole minutes until the early bound (at least 1); for "delayed": minutes of slip.</param>
public sealed record AlertDecision(string Kind, DateTimeOffset At, int? Minutes, DateTimeOffset? Eta, DateTimeOffset? Early);
