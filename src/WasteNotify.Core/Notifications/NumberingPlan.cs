using System.Collections.Frozen;
using System.Runtime.CompilerServices;

namespace WasteNotify.Core.Notifications;

/// <summary>
/// What a country's numbers look like: its calling code, the trunk prefix dialled in front of national
/// numbers, and the possible lengths of the number after the calling code (libphonenumber's metadata).
/// </summary>
internal sealed record NumberingPlan(string Name, string CallingCode, string TrunkPrefix, string InternationalPrefix, int[] Lengths)
{
    private static readonly NumberingPlan NorthAmerica = new("the United States or Canada", "1", "1", "011", [10]);

    private static readonly FrozenDictionary<string, NumberingPlan> ByRegion = new Dictionary<string, NumberingPlan>
    {
        ["FR"] = new("France", "33", "0", "00", [9]),
        ["BE"] = new("Belgium", "32", "0", "00", [8, 9]),
        ["CH"] = new("Switzerland", "41", "0", "00", [9]),
        ["LU"] = new("Luxembourg", "352", "", "00", [4, 5, 6, 7, 8, 9, 10, 11]),
        ["MC"] = new("Monaco", "377", "0", "00", [8, 9]),
        // libphonenumber allows up to 15; E.164's 15-digit ceiling leaves 13 after +49.
        ["DE"] = new("Germany", "49", "0", "00", [4, 5, 6, 7, 8, 9, 10, 11, 12, 13]),
        ["ES"] = new("Spain", "34", "", "00", [9]),
        // Italian landlines keep their leading 0 after +39: it is part of the number, not a trunk prefix.
        ["IT"] = new("Italy", "39", "", "00", [6, 7, 8, 9, 10, 11]),
        ["GB"] = new("the United Kingdom", "44", "0", "00", [7, 9, 10]),
        ["IE"] = new("Ireland", "353", "0", "00", [7, 8, 9, 10]),
        ["NL"] = new("the Netherlands", "31", "0", "00", [5, 6, 7, 8, 9, 10, 11]),
        ["PT"] = new("Portugal", "351", "", "00", [9]),
        ["US"] = NorthAmerica,
        ["CA"] = NorthAmerica,
    }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    private static readonly FrozenDictionary<string, NumberingPlan> ByCallingCode =
        ByRegion.Values.DistinctBy(p => p.CallingCode).ToFrozenDictionary(p => p.CallingCode, StringComparer.Ordinal);

    private static readonly FrozenSet<int> TwoDigitCodes = new[]
    {
        20, 27, 30, 31, 32, 33, 34, 36, 39, 40, 41, 43, 44, 45, 46, 47, 48, 49, 51, 52, 53, 54, 55, 56, 57, 58,
        60, 61, 62, 63, 64, 65, 66, 81, 82, 84, 86, 90, 91, 92, 93, 94, 95, 98,
    }.ToFrozenSet();

    /// <summary>The ISO 3166 codes of the supported default regions, sorted.</summary>
    public static IReadOnlyList<string> Regions { get; } = [.. ByRegion.Keys.Order(StringComparer.Ordinal)];

    public bool IsNorthAmerican => CallingCode == "1";

    public static NumberingPlan ForRegion(string region, [CallerArgumentExpression(nameof(region))] string? paramName = null)
    {
        ArgumentNullException.ThrowIfNull(region, paramName);
        return ByRegion.TryGetValue(region, out var plan)
            ? plan
            : throw new ArgumentException($"Unknown region '{region}'; supported regions: {string.Join(", ", Regions)}.", paramName);
    }

    public static NumberingPlan? ForCallingCode(ReadOnlySpan<char> callingCode) =>
        ByCallingCode.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(callingCode, out var plan) ? plan : null;

    /// <summary>
    /// The length of the calling code at the start of international digits. E.164 codes are prefix-free:
    /// 1 and 7 stand alone, a fixed set of two-digit codes exists, and every other code has three digits.
    /// </summary>
    public static int CallingCodeLength(ReadOnlySpan<char> digits)
    {
        if (digits[0] is '1' or '7')
        {
            return 1;
        }

        return digits.Length >= 2 && TwoDigitCodes.Contains((digits[0] - '0') * 10 + digits[1] - '0') ? 2 : 3;
    }

    public bool IsPossibleLength(int length) => Array.IndexOf(Lengths, length) >= 0;

    /// <summary>"9 digits", "8 or 9 digits", "7, 9 or 10 digits", "4 to 11 digits".</summary>
    public string DescribeLengths()
    {
        var lengths = Lengths;
        if (lengths.Length == 1)
        {
            return $"{lengths[0]} digits";
        }

        if (lengths.Length > 2 && lengths[^1] - lengths[0] == lengths.Length - 1)
        {
            return $"{lengths[0]} to {lengths[^1]} digits";
        }

        return $"{string.Join(", ", lengths[..^1])} or {lengths[^1]} digits";
    }
}
