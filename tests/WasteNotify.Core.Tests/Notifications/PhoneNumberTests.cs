using WasteNotify.Core.Notifications;

namespace WasteNotify.Core.Tests.Notifications;

public sealed class PhoneNumberTests
{
    public static TheoryData<string, string, string> ValidNumbers => new()
    {
        // French national forms.
        { "06 12 34 56 78", "FR", "+33612345678" },
        { "06.12.34.56.78", "FR", "+33612345678" },
        { "06-12-34-56-78", "FR", "+33612345678" },
        { "0612345678", "FR", "+33612345678" },
        { "(06) 12 34 56 78", "FR", "+33612345678" },
        { "  06 12 34 56 78\t", "FR", "+33612345678" },
        { "06\u00A012\u00A034\u00A056\u00A078", "FR", "+33612345678" },
        { "06\u201112\u201134\u201156\u201178", "FR", "+33612345678" },
        { "612345678", "FR", "+33612345678" },
        { "07 98 76 54 32", "FR", "+33798765432" },
        { "01 23 45 67 89", "FR", "+33123456789" },
        // International forms, whatever the default region.
        { "+33 6 12 34 56 78", "FR", "+33612345678" },
        { "+33612345678", "US", "+33612345678" },
        { "0033 6 12 34 56 78", "FR", "+33612345678" },
        { "+33 (0)6 12 34 56 78", "FR", "+33612345678" },
        { "+33 (0) 6 12 34 56 78", "BE", "+33612345678" },
        { "(+33) 6 12 34 56 78", "FR", "+33612345678" },
        { "0033 (0)6 12 34 56 78", "FR", "+33612345678" },
        { "+33 06 12 34 56 78", "FR", "+33612345678" },
        { "33 6 12 34 56 78", "FR", "+33612345678" },
        { "+32 470 12 34 56", "FR", "+32470123456" },
        { "+32 2 511 12 34", "FR", "+3225111234" },
        { "+41 79 123 45 67", "FR", "+41791234567" },
        { "+352 621 123 456", "FR", "+352621123456" },
        { "+377 6 12 34 56 78", "FR", "+377612345678" },
        { "+49 151 23456789", "FR", "+4915123456789" },
        { "+34 612 34 56 78", "FR", "+34612345678" },
        { "+39 06 1234 5678", "FR", "+390612345678" },
        { "+39 (0)6 1234 5678", "FR", "+390612345678" },
        { "+39 312 345 6789", "FR", "+393123456789" },
        { "+44 (0)20 7946 0958", "FR", "+442079460958" },
        { "+353 85 123 4567", "FR", "+353851234567" },
        { "+31 6 12345678", "FR", "+31612345678" },
        { "+351 912 345 678", "FR", "+351912345678" },
        { "+1 (212) 555-0123", "FR", "+12125550123" },
        { "+81 3-1234-5678", "FR", "+81312345678" },
        { "+880 1712-345678", "FR", "+8801712345678" },
        // National forms of the other regions.
        { "0470 12 34 56", "BE", "+32470123456" },
        { "02 511 12 34", "BE", "+3225111234" },
        { "079 123 45 67", "CH", "+41791234567" },
        { "621 123 456", "LU", "+352621123456" },
        { "06 12 34 56 78", "MC", "+377612345678" },
        { "93 15 12 34", "MC", "+37793151234" },
        { "0151 23456789", "DE", "+4915123456789" },
        { "030 123456", "DE", "+4930123456" },
        { "612 34 56 78", "ES", "+34612345678" },
        { "06 1234 5678", "IT", "+390612345678" },
        { "312 345 6789", "IT", "+393123456789" },
        { "020 7946 0958", "GB", "+442079460958" },
        { "07400 123456", "GB", "+447400123456" },
        { "085 123 4567", "IE", "+353851234567" },
        { "06 12345678", "NL", "+31612345678" },
        { "912 345 678", "PT", "+351912345678" },
        { "(212) 555-0123", "US", "+12125550123" },
        { "1-212-555-0123", "US", "+12125550123" },
        { "212.555.0123", "US", "+12125550123" },
        { "604 555 0123", "CA", "+16045550123" },
        { "011 33 6 12 34 56 78", "US", "+33612345678" },
        { "06 12 34 56 78", "fr", "+33612345678" },
    };

    public static TheoryData<string, string, string> InvalidNumbers => new()
    {
        { "", "FR", "is empty" },
        { "   ", "FR", "is empty" },
        { "06 12 34 56 7", "FR", "too short: a number in France has 9 digits after +33 (not counting the leading 0), this one has 8" },
        { "06 12 34 56", "FR", "too short: a number in France has 9 digits after +33 (not counting the leading 0), this one has 7" },
        { "06 12 34 56 78 9", "FR", "too long: a number in France has 9 digits after +33 (not counting the leading 0), this one has 10" },
        { "06 12 AB 56 78", "FR", "contains a letter ('A'); only digits, spaces, dots, dashes, slashes and parentheses are allowed" },
        { "06 12 34 56 78 ext 12", "FR", "contains a letter ('e')" },
        { "06#12345678", "FR", "contains '#', which is not allowed" },
        { "06,12,34,56,78", "FR", "contains ',', which is not allowed" },
        { "+33 6 12+34 56 78", "FR", "'+' is only allowed at the start" },
        { "++33 6 12 34 56 78", "FR", "'+' is only allowed at the start" },
        { "(06) +12 34 56 78", "FR", "'+' is only allowed at the start" },
        { "(06 12 34 56 78", "FR", "'(' that is never closed" },
        { "06) 12 34 56 78", "FR", "')' without a matching '('" },
        { "((06)) 12 34 56 78", "FR", "parentheses inside parentheses" },
        { "- . -", "FR", "has no digits" },
        { "+0 33 6 12 34 56 78", "FR", "country code after + cannot start with 0" },
        { "+0033 6 12 34 56 78", "FR", "both + and 00" },
        { "000 33 6 12 34 56 78", "FR", "country code after 00 cannot start with 0" },
        { "+33 012345678", "FR", "too short: a number in France has 9 digits after +33 (not counting the leading 0), this one has 8" },
        { "07 12 34 56 78", "FR", "not a number in use in France" },
        { "+33 6 12 34", "FR", "too short" },
        { "+32 12 34 56 7", "FR", "Belgium has 8 or 9 digits after +32" },
        { "+44 1234 5678", "FR", "not a possible length: a number in the United Kingdom has 7, 9 or 10 digits after +44" },
        { "+49 1512 3456 7890 12", "FR", "too long: an international number has at most 15 digits, this one has 16" },
        { "+49 1912 3456", "FR", "not a number in use in Germany" },
        { "+352 123", "FR", "Luxembourg has 4 to 11 digits after +352, this one has 3" },
        { "+1 012 555 0123", "FR", "not a number in use in the United States or Canada" },
        { "(212) 155-0123", "US", "not a number in use in the United States or Canada" },
        { "555-0123", "US", "the United States or Canada has 10 digits after +1" },
        { "+999 12 34 56 78", "FR", "country code does not exist" },
        { "+999 12", "FR", "country code does not exist" },
        { "+81 1234 5678 9012 34", "FR", "at most 15 digits, this one has 16" },
        { "+3", "FR", "too short" },
        { new string('0', 65), "FR", "more than 64 characters" },
    };

    public static TheoryData<string, string> Masks => new()
    {
        { "+33612345678", "+33•••••••78" },
        { "+352621123456", "+352•••••••56" },
        { "+16045550123", "+1••••••••23" },
        { "+442079460958", "+44••••••••58" },
    };

    [Theory]
    [InlineData("06 12 34 56 78")]
    [InlineData("07 58 12 34 56")]
    [InlineData("06.12.34.56.78")]
    public void French_national_mobile_becomes_e164(string input)
    {
        var number = PhoneNumber.Parse(input, "FR");

        Assert.Matches(@"^\+33[67][0-9]{8}$", number.E164);
        Assert.True(number.IsLikelyMobile);
    }

    [Theory]
    [MemberData(nameof(ValidNumbers))]
    public void Written_forms_become_e164(string input, string region, string e164)
    {
        var number = PhoneNumber.Parse(input, region);

        Assert.Equal(e164, number.E164);
        Assert.Equal(e164, number.ToString());
    }

    [Theory]
    [MemberData(nameof(ValidNumbers))]
    public void E164_text_parses_back_to_the_same_number_from_any_region(string input, string region, string _)
    {
        var number = PhoneNumber.Parse(input, region);

        Assert.Equal(number, PhoneNumber.Parse(number.ToString(), "FR"));
        Assert.Equal(number, PhoneNumber.Parse(number.ToString(), "US"));
        Assert.Equal(number, PhoneNumber.Parse(number.E164.Replace("+", "00", StringComparison.Ordinal), "IT"));
    }

    [Theory]
    [MemberData(nameof(InvalidNumbers))]
    public void Impossible_numbers_are_refused_with_the_reason(string input, string region, string reason)
    {
        var error = Assert.Throws<FormatException>(() => PhoneNumber.Parse(input, region));

        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(InvalidNumbers))]
    public void TryParse_gives_the_same_reason_without_throwing(string input, string region, string reason)
    {
        Assert.False(PhoneNumber.TryParse(input, region, out var number, out var error));

        Assert.Contains(reason, error, StringComparison.Ordinal);
        Assert.Equal(default, number);
    }

    [Theory]
    [InlineData("06 12 34 56 7")]
    [InlineData("06 12 34 56 78 9")]
    [InlineData("+44 1234 5678")]
    [InlineData("+81 1234 5678 9012 34")]
    public void Error_messages_never_repeat_the_number(string input)
    {
        Assert.False(PhoneNumber.TryParse(input, "FR", out _, out var error));

        Assert.DoesNotContain("1234", error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryParse_gives_the_number_and_no_error()
    {
        Assert.True(PhoneNumber.TryParse("06 12 34 56 78", "FR", out var number, out var error));

        Assert.Equal("+33612345678", number.E164);
        Assert.Null(error);
    }

    [Fact]
    public void Null_input_is_an_empty_number_for_TryParse_and_an_argument_error_for_Parse()
    {
        Assert.False(PhoneNumber.TryParse(null, "FR", out _, out var error));
        Assert.Contains("empty", error, StringComparison.Ordinal);
        Assert.Throws<ArgumentNullException>(() => PhoneNumber.Parse(null!, "FR"));
    }

    [Theory]
    [InlineData("XX")]
    [InlineData("France")]
    [InlineData("")]
    public void Unknown_default_region_is_refused_naming_the_supported_ones(string region)
    {
        var parse = Assert.Throws<ArgumentException>(() => PhoneNumber.Parse("06 12 34 56 78", region));
        var tryParse = Assert.Throws<ArgumentException>(() => PhoneNumber.TryParse("06 12 34 56 78", region, out _, out _));

        Assert.Equal("defaultRegion", parse.ParamName);
        Assert.Contains("an ISO 3166 code with a numbering plan, such as FR", parse.Message, StringComparison.Ordinal);
        Assert.Equal(parse.Message, tryParse.Message);
    }

    [Fact]
    public void Every_region_with_a_numbering_plan_is_supported_listed_sorted()
    {
        Assert.Equal(PhoneNumber.SupportedRegions.Order(StringComparer.Ordinal), PhoneNumber.SupportedRegions);
        Assert.Superset(new HashSet<string>(["AT", "BE", "CA", "CH", "DE", "ES", "FR", "GB", "IE", "IT", "LU", "MC", "NL", "PT", "US"]), PhoneNumber.SupportedRegions.ToHashSet());
        Assert.InRange(PhoneNumber.SupportedRegions.Count, 200, 300);
        Assert.Equal("+436641234567", PhoneNumber.Parse("0664 1234567", "AT").E164);
    }

    [Theory]
    [MemberData(nameof(Masks))]
    public void Masked_keeps_the_country_code_and_the_last_two_digits(string e164, string masked)
    {
        Assert.Equal(masked, PhoneNumber.Parse(e164, "FR").Masked);
    }

    [Theory]
    [MemberData(nameof(ValidNumbers))]
    public void Masked_never_contains_the_middle_digits(string input, string region, string e164)
    {
        var masked = PhoneNumber.Parse(input, region).Masked;

        var digits = masked.Where(char.IsAsciiDigit).ToArray();
        var codeLength = digits.Length - 2;
        Assert.InRange(codeLength, 1, 3);
        Assert.Equal(e164.Length, masked.Length);
        Assert.Equal(e164[..(1 + codeLength)], masked[..(1 + codeLength)]);
        Assert.Equal(e164[^2..], masked[^2..]);
        Assert.All(masked[(1 + codeLength)..^2], c => Assert.Equal('•', c));
    }

    [Theory]
    [InlineData("+33612345678", "+33•••••••78")]
    [InlineData("+4915123456789", "+49•••••••••89")]
    [InlineData("06 12 34 56 78", "••••••••••••78")]
    [InlineData("+33 6 12 34 56 78", "•••••••••••••••78")]
    [InlineData("+35212", "••••12")]
    [InlineData("whatsapp:+33612345678", "•••••••••••••••••••78")]
    [InlineData("7", "•")]
    [InlineData("", "")]
    [InlineData(null, "")]
    public void Mask_hides_all_but_the_country_code_and_last_two_digits_of_any_text(string? text, string masked)
    {
        Assert.Equal(masked, PhoneNumber.Mask(text));
    }

    [Theory]
    [MemberData(nameof(ValidNumbers))]
    public void Mask_of_the_e164_text_is_the_masked_number(string input, string region, string e164)
    {
        Assert.Equal(PhoneNumber.Parse(input, region).Masked, PhoneNumber.Mask(e164));
    }

    [Theory]
    [InlineData("06 12 34 56 78", "FR", true)]
    [InlineData("07 98 76 54 32", "FR", true)]
    [InlineData("01 23 45 67 89", "FR", false)]
    [InlineData("09 87 65 43 21", "FR", false)]
    [InlineData("+32 470 12 34 56", "FR", true)]
    [InlineData("02 511 12 34", "BE", false)]
    [InlineData("07400 123456", "GB", true)]
    [InlineData("(212) 555-0123", "US", null)]
    public void Mobiles_are_told_apart_where_the_numbering_plan_does(string input, string region, bool? mobile)
    {
        Assert.Equal(mobile, PhoneNumber.Parse(input, region).IsLikelyMobile);
    }

    [Fact]
    public void Default_number_is_empty()
    {
        PhoneNumber number = default;

        Assert.Equal("", number.E164);
        Assert.Equal("", number.ToString());
        Assert.Equal("", number.Masked);
        Assert.Null(number.IsLikelyMobile);
    }

    [Fact]
    public void Numbers_written_differently_are_equal()
    {
        Assert.Equal(PhoneNumber.Parse("06 12 34 56 78", "FR"), PhoneNumber.Parse("+33 (0)6-12-34-56-78", "BE"));
        Assert.NotEqual(PhoneNumber.Parse("06 12 34 56 78", "FR"), PhoneNumber.Parse("06 12 34 56 78", "MC"));
    }
}
