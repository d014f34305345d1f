namespace WasteNotify.Core.Notifications;

/// <summary>The languages alerts are written in (ISO 639-1 codes).</summary>
public static class Languages
{
    public const string French = "fr";
    public const string English = "en";

    public static IReadOnlyList<string> All { get; } = [French, English];
}
