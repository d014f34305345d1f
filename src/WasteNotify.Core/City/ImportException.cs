namespace WasteNotify.Core.City;

/// <summary>An import refused whole, naming the line, feature or element at fault and the field.</summary>
public sealed class ImportException(string location, string field, string message)
    : Exception($"{location}: {field}: {message}")
{
    /// <summary>Where: "line 12", "feature 3", "way 123456".</summary>
    public string Location { get; } = location;

    public string Field { get; } = field;

    public string Problem { get; } = message;
}
