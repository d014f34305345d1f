using System.Text.RegularExpressions;

namespace WasteNotify.Core.Pilot;

/// <summary>A building's street, read from its address: the open data's finest place.</summary>
public static partial class StreetNames
{
    /// <summary>
    /// The street of an address: its first part (before a comma), without the house number and its suffix
    /// ("12 bis, rue de la Paix" and "12bis rue de la Paix" are "rue de la Paix"; "123 Main St, Jersey City" is "Main St");
    /// null when nothing is left.
    /// </summary>
    public static string? FromAddress(string? address)
    {
        if (string.IsNullOrWhiteSpace(address))
        {
            return null;
        }

        var text = HouseNumber().Replace(address.Trim(), "");
        var comma = text.IndexOf(',', StringComparison.Ordinal);
        var street = (comma >= 0 ? text[..comma] : text).Trim();
        return street.Length == 0 || !street.Any(char.IsLetter) ? null : Spaces().Replace(street, " ");
    }

    [GeneratedRegex(@"^\d+(\s*[-/]\s*\d+)?\s*(bis|ter|quater|[a-z](?![a-z]))?\s*,?\s*", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex HouseNumber();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();
}
