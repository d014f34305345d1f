using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace WasteNotify.Core.Notifications;

/// <summary>A phone number in E.164 form ("+33612345678"); only <see cref="Parse"/> and <see cref="TryParse"/> make one.</summary>
public readonly record struct PhoneNumber
{
    private readonly string? _e164;
    private readonly bool? _mobile;

    private PhoneNumber(string e164, bool? mobile)
    {
        _e164 = e164;
        _mobile = mobile;
    }

    /// <summary>The number as "+" followed by up to 15 digits; empty for <c>default</c>.</summary>
    public string E164 => _e164 ?? "";

    /// <summary>The country code and the last two digits only ("+33•••••••78"), for logs.</summary>
    public string Masked => Mask(_e164);

    /// <summary>True for a mobile number, false for a landline or another kind, null where the plan does not tell them apart (+1).</summary>
    public bool? IsLikelyMobile => _mobile;

    /// <summary>The default regions <see cref="Parse"/> accepts: every ISO 3166 code libphonenumber has a plan for, sorted.</summary>
    public static IReadOnlyList<string> SupportedRegions => PhoneNumberParser.Regions;

    /// <summary>Parses an international number, or a national one of <paramref name="defaultRegion"/> (for instance "FR").</summary>
    /// <exception cref="FormatException">The input is not a possible phone number; the message says why.</exception>
    /// <exception cref="ArgumentException">The region is not one of <see cref="SupportedRegions"/> (case does not matter).</exception>
    public static PhoneNumber Parse(string input, string defaultRegion)
    {
        ArgumentNullException.ThrowIfNull(input);
        return TryParse(input, defaultRegion, out var number, out var error) ? number : throw new FormatException(error);
    }

    /// <summary>Like <see cref="Parse"/>, but returns the reason instead of throwing it; an unknown region still throws.</summary>
    public static bool TryParse(string? input, string defaultRegion, out PhoneNumber number, [NotNullWhen(false)] out string? error)
    {
        if (!PhoneNumberParser.TryParse(input, PhoneNumberParser.CheckRegion(defaultRegion, nameof(defaultRegion)), out var parsed, out error))
        {
            number = default;
            return false;
        }

        var util = PhoneNumberParser.Util;
        bool? mobile = util.GetNumberType(parsed) switch
        {
            PhoneNumbers.PhoneNumberType.MOBILE => true,
            PhoneNumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE or PhoneNumbers.PhoneNumberType.UNKNOWN => null,
            _ => false,
        };
        number = new PhoneNumber(util.Format(parsed, PhoneNumbers.PhoneNumberFormat.E164), mobile);
        return true;
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
            var prefix = 1 + CallingCodeLength(number.AsSpan(1));
            if (number.Length - prefix >= 4)
            {
                return string.Concat(number.AsSpan(0, prefix), new string('•', number.Length - prefix - 2), number.AsSpan(number.Length - 2));
            }
        }

        return number.Length <= 2 ? new string('•', number.Length) : string.Concat(new string('•', number.Length - 2), number.AsSpan(number.Length - 2));
    }

    public override string ToString() => E164;

    /// <summary>Country codes are prefix-free: the first of 1, 2 or 3 digits that is one (3 when none is).</summary>
    private static int CallingCodeLength(ReadOnlySpan<char> digits)
    {
        for (var length = 1; length < 3; length++)
        {
            if (PhoneNumberParser.Util.GetRegionCodeForCountryCode(int.Parse(digits[..length], CultureInfo.InvariantCulture)) != "ZZ")
            {
                return length;
            }
        }

        return 3;
    }
}
