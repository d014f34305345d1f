namespace WasteNotify.Service.Notifications;

/// <summary>An alert just stored, for the live pushes: to the operators, and to its building's pages when <c>Web</c> (the subscriber wants web alerts).</summary>
public sealed record DecidedAlert(AlertView Alert, bool Web);
