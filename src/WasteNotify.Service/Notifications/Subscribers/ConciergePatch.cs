namespace WasteNotify.Service.Notifications;

/// <summary>The fields of a concierge an operator may change; null leaves a field as it is.</summary>
public sealed record ConciergePatch(string? Name, string? Phone, string? Language);
