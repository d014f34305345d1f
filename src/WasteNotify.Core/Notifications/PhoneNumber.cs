using System.Diagnostics.CodeAnalysis;

namespace WasteNotify.Core.Notifications;

/// <summary>A phone number in E.164 form ("+33612345678"); only <see cref="Parse"/> and <see cref="TryParse"/> make one.</summary>
public readonly record struct PhoneNumber
{
    private readonly string? _e164;

    private PhoneNumber(string e164) => _e164 = e164;

    /// <summary>The number as "+" followed by up to 15 digits; empty for <c>default</c>.</summary>
    public string E164 => _e164 ?? "";

    /// <summary>The country code and the last two digits only ("+33•••••••78"), for logs.</summary>
    public string Masked => Mask(_e164);

    /// <summary>True for a French 06/07 number, false for another French number, null where it is not known.</summary>
    public bool? IsLikelyMobile => _e164 is not null && _e164.StartsWith("+33", StringComparison.Ordinal) ? _e164[3] is '6' or '7' : null;

    /// <summary>The default regions <see cref="Parse"/> accepts (ISO 3166 codes, sorted).</summary>
    public static IReadOnlyList<string> SupportedRegions => NumberingPlan.Regions;

    /// <summary>Parses an international number, or a national one of <paramref name="defaultRegion"/> (for instance "FR").</summary>
    /// <exception cref="FormatException">The input is not a possible phone number; the message says why.</exception>
    /// <exception cref="ArgumentException">The region is not one of <see cref="SupportedRegions"/>.</exception>
    public static PhoneNumber Parse(string input, string defaultRegion)
    {
        ArgumentNullException.ThrowIfNull(input);
        return TryParse(input, defaultRegion, out var number, out var error) ? number : throw new FormatException(error);
    }

    /// <summary>Like <see cref="Parse"/>, but returns the reason instead of throwing it; an unknown region still throws.</summary>
    public static bool TryParse(string? input, string defaultRegion, out PhoneNumber number, [NotNullWhen(false)] out string? error)
    {
        var e164 = PhoneNumberParser.Parse(input, NumberingPlan.ForRegion(defaultRegion), out error);
        number = e164 is null ? default : new PhoneNumber(e164);
        return e164 is not null;
    }

    /// <summary>
    /// Masks a number held as text (such as a webhook's sender) for logs: E.164 text as <see cref="Masked"/> does,
    /// anything else down to its last two characters.
    /// </summary>
    public static string Mask(string? number)
    {
        if (string.IsNullOrEmpty(number))
        {
            return "";
        }

        if (number.Length > 6 && number[0] == '+' && number[1] != '0' && !number.AsSpan(1).ContainsAnyExceptInRange('0', '9'))
        {
            var prefix = 1 + NumberingPlan.CallingCodeLength(number.AsSpan(1));
            if (number.Length - prefix >= 4)
            {
                return string.Concat(number.AsSpan(0, prefix), new string('•', number.Length - prefix - 2), number.AsSpan(number.Length - 2));
            }
        }

        return number.Length <= 2 ? new string('•', number.Length) : string.Concat(new string('•', number.Length - 2), number.AsSpan(number.Length - 2));
    }

    public override string ToString() => E164;
}
