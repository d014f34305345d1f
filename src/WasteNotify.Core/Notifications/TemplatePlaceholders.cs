namespace WasteNotify.Core.Notifications;

/// <summary>The names a <see cref="MessageTemplate"/> may use between braces.</summary>
public static class TemplatePlaceholders
{
    /// <summary>The building's address.</summary>
    public const string Building = "building";

    /// <summary>Whole minutes until the truck arrives.</summary>
    public const string Minutes = "minutes";

    /// <summary>The local time, as HH:mm.</summary>
    public const string Time = "time";

    /// <summary>Minutes of delay.</summary>
    public const string Delay = "delay";

    public static IReadOnlyList<string> All { get; } = [Building, Minutes, Time, Delay];
}
