using System.Globalization;

namespace WasteNotify.Core.Notifications;

/// <summary>
/// Turns what people type into E.164. Error messages say what is wrong without repeating the number,
/// because they end up in logs.
/// </summary>
internal static class PhoneNumberParser
{
    /// <summary>Longer input is refused before looking at it: no real number needs it.</summary>
    private const int MaxInputLength = 64;

    private const string Allowed = "only digits, spaces, dots, dashes, slashes and parentheses are allowed, with + or 00 in front of an international number";

    /// <summary>The E.164 text, or null with <paramref name="error"/> set.</summary>
    public static string? Parse(string? input, NumberingPlan defaultPlan, out string? error)
    {
        error = null;
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

        Span<char> buffer = stackalloc char[input.Length];
        error = ReadDigits(input, buffer, out var count, out var plus, out var zeroInParentheses);
        if (error is not null)
        {
            return null;
        }

        ReadOnlySpan<char> digits = buffer[..count];
        if (plus)
        {
            if (digits[0] == '0')
            {
                error = digits.StartsWith("00")
                    ? "The phone number has both + and 00 in front; write one of them."
                    : "The country code after + cannot start with 0.";
                return null;
            }

            return International(digits, zeroInParentheses, out error);
        }

        foreach (var prefix in (ReadOnlySpan<string>)["00", defaultPlan.InternationalPrefix])
        {
            if (digits.StartsWith(prefix) && digits.Length > prefix.Length)
            {
                if (digits[prefix.Length] == '0')
                {
                    error = $"The country code after {prefix} cannot start with 0.";
                    return null;
                }

                return International(digits[prefix.Length..], zeroInParentheses - prefix.Length, out error);
            }
        }

        return National(digits, defaultPlan, out error);
    }

    private static string? ReadDigits(string input, Span<char> digits, out int count, out bool plus, out int zeroInParentheses)
    {
        count = 0;
        plus = false;
        zeroInParentheses = -1;
        var open = -1;
        for (var i = 0; i < input.Length; i++)
        {
            var c = input[i];
            switch (c)
            {
                case >= '0' and <= '9':
                    digits[count++] = c;
                    break;
                case '+' when count == 0 && !plus:
                    plus = true;
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
                    // "(0)" marks a trunk prefix that is not dialled from abroad: "+33 (0)6 12 34 56 78".
                    if (count - open == 1 && digits[open] == '0' && zeroInParentheses < 0)
                    {
                        zeroInParentheses = open;
                    }

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

        return count == 0 ? "The phone number has no digits." : null;
    }

    private static string? International(ReadOnlySpan<char> digits, int zeroInParentheses, out string? error)
    {
        var codeLength = NumberingPlan.CallingCodeLength(digits);
        var callingCode = digits[..Math.Min(codeLength, digits.Length)];
        var national = digits[callingCode.Length..];
        var plan = NumberingPlan.ForCallingCode(callingCode);

        // Where 0 is not a trunk prefix (Italy), a "(0)" is part of the number.
        if (zeroInParentheses == codeLength && (plan is null || plan.TrunkPrefix == "0"))
        {
            national = national[1..];
        }

        if (plan is null)
        {
            return General(callingCode, national, out error);
        }

        // libphonenumber also drops a trunk prefix written after the calling code ("+33 06 ..."), when
        // only the number without it has a possible length.
        if (plan.TrunkPrefix.Length > 0 && national.StartsWith(plan.TrunkPrefix)
            && !plan.IsPossibleLength(national.Length) && plan.IsPossibleLength(national.Length - plan.TrunkPrefix.Length))
        {
            national = national[plan.TrunkPrefix.Length..];
        }

        return Validate(plan, national, out error);
    }

    private static string? National(ReadOnlySpan<char> digits, NumberingPlan plan, out string? error)
    {
        var national = digits.StartsWith(plan.TrunkPrefix) ? digits[plan.TrunkPrefix.Length..] : digits;

        // "33 6 12 34 56 78": the calling code typed without + or 00.
        if (!plan.IsPossibleLength(national.Length) && digits.StartsWith(plan.CallingCode))
        {
            var rest = digits[plan.CallingCode.Length..];
            if (rest.StartsWith(plan.TrunkPrefix))
            {
                rest = rest[plan.TrunkPrefix.Length..];
            }

            if (plan.IsPossibleLength(rest.Length))
            {
                national = rest;
            }
        }

        return Validate(plan, national, out error);
    }

    private static string? Validate(NumberingPlan plan, ReadOnlySpan<char> national, out string? error)
    {
        var trunk = plan.TrunkPrefix.Length > 0 ? $" (not counting the leading {plan.TrunkPrefix})" : "";
        if (!plan.IsPossibleLength(national.Length))
        {
            var what = national.Length < plan.Lengths[0] ? "too short" : national.Length > plan.Lengths[^1] ? "too long" : "not a possible length";
            error = $"The phone number is {what}: a number in {plan.Name} has {plan.DescribeLengths()} after +{plan.CallingCode}{trunk}, this one has {national.Length}.";
            return null;
        }

        if (plan.TrunkPrefix == "0" && national[0] == '0')
        {
            error = $"A number in {plan.Name} cannot start with 0 after +{plan.CallingCode}.";
            return null;
        }

        if (plan.IsNorthAmerican && (national[0] < '2' || national[3] < '2'))
        {
            error = "The phone number is not a North American number: its area code and exchange cannot start with 0 or 1.";
            return null;
        }

        error = null;
        return $"+{plan.CallingCode}{national}";
    }

    private static string? General(ReadOnlySpan<char> callingCode, ReadOnlySpan<char> national, out string? error)
    {
        const int MinNational = 4;
        const int MaxDigits = 15;
        if (national.Length < MinNational)
        {
            error = $"The phone number is too short: an international number has at least {MinNational} digits after its country code.";
            return null;
        }

        if (callingCode.Length + national.Length > MaxDigits)
        {
            error = $"The phone number is too long: an international number has at most {MaxDigits} digits, this one has {callingCode.Length + national.Length}.";
            return null;
        }

        error = null;
        return $"+{callingCode}{national}";
    }
}
