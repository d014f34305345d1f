using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using PhoneNumbers;

namespace WasteNotify.Core.Notifications;

/// <summary>
/// Turns what people type into E.164 with libphonenumber (parse with the default region, then
/// <c>IsValidNumber</c>: a possible length alone lets through numbers no plan has). Before it, what was typed is
/// checked for what libphonenumber forgives but a form should not: letters (it reads them as a keypad's digits), stray
/// '+' and unbalanced parentheses. Error messages say what is wrong without repeating the number, because they end
/// up in logs.
/// </summary>
internal static class PhoneNumberParser
{
    /// <summary>Longer input is refused before looking at it: no real number needs it.</summary>
    private const int MaxInputLength = 64;

    private const string Allowed = "only digits, spaces, dots, dashes, slashes and parentheses are allowed, with + or 00 in front of an international number";

    public static PhoneNumberUtil Util { get; } = PhoneNumberUtil.GetInstance();

    /// <summary>English names for messages, with the article English puts in front of some.</summary>
    private static readonly FrozenDictionary<string, string> Names = new Dictionary<string, string>
    {
        ["FR"] = "France", ["BE"] = "Belgium", ["CH"] = "Switzerland", ["LU"] = "Luxembourg", ["MC"] = "Monaco",
        ["DE"] = "Germany", ["AT"] = "Austria", ["ES"] = "Spain", ["IT"] = "Italy", ["GB"] = "the United Kingdom",
        ["IE"] = "Ireland", ["NL"] = "the Netherlands", ["PT"] = "Portugal", ["US"] = "the United States or Canada",
        ["CA"] = "the United States or Canada", ["JP"] = "Japan",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>The ISO 3166 codes of every region libphonenumber has a plan for, sorted.</summary>
    public static IReadOnlyList<string> Regions { get; } = [.. Util.GetSupportedRegions().Order(StringComparer.Ordinal)];

    private static readonly FrozenSet<string> RegionSet = Regions.ToFrozenSet(StringComparer.OrdinalIgnoreCase);

    /// <exception cref="ArgumentException">The region is not one libphonenumber knows.</exception>
    public static string CheckRegion(string region, string paramName)
    {
        ArgumentNullException.ThrowIfNull(region, paramName);
        return RegionSet.Contains(region)
            ? region.ToUpperInvariant()
            : throw new ArgumentException($"Unknown region '{region}': a default region is an ISO 3166 code with a numbering plan, such as FR, BE, CH or US.", paramName);
    }

    /// <summary>The number, or false with the reason.</summary>
    public static bool TryParse(string? input, string region, [NotNullWhen(true)] out global::PhoneNumbers.PhoneNumber? number, [NotNullWhen(false)] out string? error)
    {
        number = Parse(input, region, out error);
        return number is not null;
    }

    private static global::PhoneNumbers.PhoneNumber? Parse(string? input, string region, out string? error)
    {
        if (string.IsNullOrWhiteSpace(input))
        {
            error = "The phone number is empty.";
            return null;
        }

        if (input.Length > MaxInputLength)
        {
            error = $"The phone number is too long: more than {MaxInputLength} characters.";
            return null;
        }

        Span<char> buffer = stackalloc char[input.Length + 1];
        error = ReadDigits(input, buffer, out var count);
        if (error is not null)
        {
            return null;
        }

        global::PhoneNumbers.PhoneNumber number;
        try
        {
            number = Util.Parse(buffer[..count].ToString(), region);
        }
        catch (NumberParseException e)
        {
            error = e.ErrorType switch
            {
                ErrorType.INVALID_COUNTRY_CODE => "The phone number's country code does not exist.",
                ErrorType.TOO_LONG => "The phone number is too long.",
                ErrorType.NOT_A_NUMBER => "The phone number is too short to be one.",
                _ => "The phone number is too short.",
            };
            return null;
        }

        error = Check(number);
        return error is null ? number : null;
    }

    /// <summary>Into <paramref name="digits"/>: '+' if the input has one, then its digits; or the reason the input is not a number.</summary>
    private static string? ReadDigits(string input, Span<char> digits, out int count)
    {
        count = 0;
        var plus = false;
        var open = -1;
        foreach (var c in input)
        {
            switch (c)
            {
                case >= '0' and <= '9':
                    digits[count++] = c;
                    break;
                case '+' when count == 0 && !plus:
                    plus = true;
                    digits[count++] = c;
                    break;
                case '+':
                    return "'+' is only allowed at the start of the phone number.";
                case '(' when open >= 0:
                    return "The phone number has parentheses inside parentheses.";
                case '(':
                    open = count;
                    break;
                case ')' when open < 0:
                    return "The phone number has ')' without a matching '('.";
                case ')':
                    open = -1;
                    break;
                case '.' or '/':
                    break;
                case var _ when char.GetUnicodeCategory(c) is UnicodeCategory.SpaceSeparator or UnicodeCategory.DashPunctuation || char.IsWhiteSpace(c):
                    break;
                case var _ when char.IsLetter(c):
                    return $"The phone number contains a letter ('{c}'); {Allowed}.";
                default:
                    return $"The phone number contains '{c}', which is not allowed; {Allowed}.";
            }
        }

        if (open >= 0)
        {
            return "The phone number has a '(' that is never closed.";
        }

        var start = plus ? 1 : 0;
        if (count == start)
        {
            return "The phone number has no digits.";
        }

        // libphonenumber would read "+0033..." and "+0..." as something; people who type them mean something else.
        var afterPlus = digits[start..count];
        if (plus && afterPlus[0] == '0')
        {
            return afterPlus.StartsWith("00") ? "The phone number has both + and 00 in front; write one of them." : "The country code after + cannot start with 0.";
        }

        return !plus && afterPlus.StartsWith("000") ? "The country code after 00 cannot start with 0." : null;
    }

    /// <summary>Null when the number is one its country's plan has, else why not, in the plan's terms.</summary>
    private static string? Check(global::PhoneNumbers.PhoneNumber number)
    {
        if (Util.IsValidNumber(number))
        {
            return null;
        }

        const int MaxDigits = 15;
        var code = number.CountryCode;
        var region = Util.GetRegionCodeForCountryCode(code);
        if (region == "ZZ")
        {
            return "The phone number's country code does not exist.";
        }

        var nsn = Util.GetNationalSignificantNumber(number);
        var digits = code.ToString(CultureInfo.InvariantCulture).Length + nsn.Length;
        if (digits > MaxDigits)
        {
            return $"The phone number is too long: an international number has at most {MaxDigits} digits, this one has {digits}.";
        }

        var metadata = region == "001" ? Util.GetMetadataForNonGeographicalRegion(code) : Util.GetMetadataForRegion(region);
        var name = Names.TryGetValue(region, out var known) ? known : $"the country of +{code}";
        var prefix = metadata?.NationalPrefix ?? "";
        // libphonenumber keeps a trunk prefix it could not strip ("06 12 34 56 7" stays 0612345 67): the number people
        // meant is the one after it.
        var national = prefix.Length > 0 && nsn.StartsWith(prefix, StringComparison.Ordinal) ? nsn[prefix.Length..] : nsn;
        var lengths = metadata?.GeneralDesc.PossibleLengthList.Where(l => l > 0).Order().ToArray() ?? [];
        if (lengths.Length > 0 && Array.IndexOf(lengths, national.Length) < 0)
        {
            var what = national.Length < lengths[0] ? "too short" : national.Length > lengths[^1] ? "too long" : "not a possible length";
            var trunk = prefix.Length > 0 ? $" (not counting the leading {prefix})" : "";
            return $"The phone number is {what}: a number in {name} has {Describe(lengths)} after +{code}{trunk}, this one has {national.Length}.";
        }

        return $"The phone number is not a number in use in {name}: no number there starts with these digits after +{code}.";
    }

    /// <summary>"9 digits", "8 or 9 digits", "7, 9 or 10 digits", "4 to 11 digits".</summary>
    private static string Describe(int[] lengths) => lengths switch
    {
        [] => "a number of digits",
        [var one] => $"{one} digits",
        _ when lengths.Length > 2 && lengths[^1] - lengths[0] == lengths.Length - 1 => $"{lengths[0]} to {lengths[^1]} digits",
        _ => $"{string.Join(", ", lengths[..^1])} or {lengths[^1]} digits",
    };
}
