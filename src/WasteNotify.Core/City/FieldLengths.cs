namespace WasteNotify.Core.City;

/// <summary>
/// How long the city's text fields may be, wherever they come from (the API, a CSV or GeoJSON import): long enough
/// for any real value, short enough that one record cannot weigh megabytes.
/// </summary>
public static class FieldLengths
{
    /// <summary>Ids of buildings and routes (truck ids too: see <c>TruckIds</c>).</summary>
    public const int Id = 64;

    /// <summary>A truck's name.</summary>
    public const int Name = 200;

    public const int Address = 300;

    public const int AccessNotes = 2_000;

    /// <summary>An OwnTracks <c>user/device</c>.</summary>
    public const int Device = 129;

    /// <summary>The error for a text over its limit, or null: "at most N characters (this one has M)".</summary>
    public static string? TooLong(string? text, int max) =>
        text is not null && text.Length > max ? $"at most {max} characters (this one has {text.Length})" : null;
}
