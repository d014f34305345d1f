namespace WasteNotify.Service.Notifications;

/// <summary>An alert decided, for operators: what, where, when, on which channels; nothing about who.</summary>
public sealed record DecidedAlertView(long Id, long RunId, string BuildingId, string Kind, DateTimeOffset At, DateTimeOffset? Eta, DateTimeOffset? Early,
    string[] Channels, DateTimeOffset DecidedAtWall);
