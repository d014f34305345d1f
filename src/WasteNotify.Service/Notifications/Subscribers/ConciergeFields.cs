using WasteNotify.Core.Notifications;

namespace WasteNotify.Service.Notifications;

/// <summary>Checks of a concierge's name, phone and language, each adding an error named after its field.</summary>
public static class ConciergeFields
{
    public const int MaxNameLength = 200;

    public static string? Name(string? name, Dictionary<string, string[]> errors)
    {
        var trimmed = name?.Trim();
        if (string.IsNullOrEmpty(trimmed) || trimmed.Length > MaxNameLength)
        {
            errors["name"] = [$"is required, 1 to {MaxNameLength} characters"];
            return null;
        }

        return trimmed;
    }

    /// <summary>The number in E.164; a national number is read as one of <paramref name="region"/>.</summary>
    public static string? Phone(string? phone, string region, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrWhiteSpace(phone))
        {
            errors["phone"] = ["is required"];
            return null;
        }

        // The parser's messages say what is wrong without repeating the number.
        if (!PhoneNumber.TryParse(phone, region, out var number, out var error))
        {
            errors["phone"] = [error];
            return null;
        }

        return number.E164;
    }

    public static string? Language(string? language, Dictionary<string, string[]> errors)
    {
        if (language is null || !Languages.All.Contains(language))
        {
            errors["language"] = [$"is required, one of {string.Join(", ", Languages.All)}"];
            return null;
        }

        return language;
    }
}
