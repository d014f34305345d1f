namespace WasteNotify.Service.Notifications;

/// <summary>
/// An alert text as operators edit it: custom or built-in, its placeholders, and what it costs once rendered for a
/// long address (<c>sample</c>): encoding, SMS count and length in that encoding's units.
/// </summary>
public sealed record TemplateView(string Kind, string Language, string Text, bool Custom, IReadOnlyList<string> Placeholders, string Sample,
    string Encoding, int Segments, int Characters, DateTimeOffset? UpdatedAt, string? UpdatedBy);
