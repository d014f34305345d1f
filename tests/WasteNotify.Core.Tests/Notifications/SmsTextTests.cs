using WasteNotify.Core.Notifications;

namespace WasteNotify.Core.Tests.Notifications;

public sealed class SmsTextTests
{
    [Theory]
    [InlineData("Hello", 5)]
    [InlineData("Bins out at 07:45 - 12 rue de la Paix!", 38)]
    [InlineData("@£$¥¡¿§¤ÆæßØøÅåÄÖÑÜäöñü", 23)]
    [InlineData("\u0394\u03A6\u0393\u039B\u03A9\u03A0\u03A8\u03A3\u0398\u039E", 10)]
    [InlineData("line one\r\nline two", 18)]
    public void Text_in_the_basic_gsm_table_is_gsm7(string text, int characters)
    {
        Assert.Equal(new SmsLength(SmsText.Gsm7, 1, characters), SmsText.Segments(text));
    }

    [Theory]
    [InlineData("é")]
    [InlineData("è")]
    [InlineData("à")]
    [InlineData("ù")]
    [InlineData("ì")]
    [InlineData("ò")]
    [InlineData("É")]
    [InlineData("Ç")]
    [InlineData("Le camion arrivera à 7h, collecte effectuée, où ? là-bas, déjà")]
    public void French_accents_of_the_basic_table_stay_gsm7(string text)
    {
        Assert.Equal(SmsText.Gsm7, SmsText.Segments(text).Encoding);
    }

    [Theory]
    [InlineData("ê")]
    [InlineData("â")]
    [InlineData("î")]
    [InlineData("ô")]
    [InlineData("û")]
    [InlineData("ç")]
    [InlineData("où ça ?")]
    [InlineData("ë")]
    [InlineData("ï")]
    [InlineData("œ")]
    [InlineData("À")]
    [InlineData("È")]
    [InlineData("\u2019")]
    [InlineData("«")]
    [InlineData("\u00A0")]
    [InlineData("😀")]
    [InlineData("Les poubelles peuvent être rentrées")]
    public void Characters_outside_the_gsm_tables_make_the_text_ucs2(string text)
    {
        Assert.Equal(SmsText.Ucs2, SmsText.Segments(text).Encoding);
    }

    [Theory]
    [InlineData("€")]
    [InlineData("^")]
    [InlineData("{")]
    [InlineData("}")]
    [InlineData("\\")]
    [InlineData("[")]
    [InlineData("]")]
    [InlineData("~")]
    [InlineData("|")]
    [InlineData("\f")]
    public void Extension_characters_stay_gsm7_and_count_double(string text)
    {
        Assert.Equal(new SmsLength(SmsText.Gsm7, 1, 2), SmsText.Segments(text));
    }

    [Theory]
    [InlineData('a', 1, 1)]
    [InlineData('a', 160, 1)]
    [InlineData('a', 161, 2)]
    [InlineData('a', 306, 2)]
    [InlineData('a', 307, 3)]
    [InlineData('a', 459, 3)]
    [InlineData('a', 460, 4)]
    [InlineData('€', 80, 1)]
    [InlineData('€', 81, 2)]
    [InlineData('ç', 70, 1)]
    [InlineData('ç', 71, 2)]
    [InlineData('ç', 134, 2)]
    [InlineData('ç', 135, 3)]
    public void Segment_limits_are_160_and_153_for_gsm7_and_70_and_67_for_ucs2(char c, int count, int expected)
    {
        var length = SmsText.Segments(new string(c, count));

        Assert.Equal(expected, length.Segments);
    }

    [Fact]
    public void Character_count_is_in_septets_for_gsm7_and_utf16_units_for_ucs2()
    {
        Assert.Equal(162, SmsText.Segments(new string('€', 81)).Characters);
        Assert.Equal(3, SmsText.Segments("a😀").Characters);
    }

    [Fact]
    public void An_escaped_character_is_not_split_between_two_parts()
    {
        // 306 septets would fit two parts of 153, but the euro sign cannot straddle them.
        var text = new string('a', 152) + "€" + new string('a', 152);

        Assert.Equal(new SmsLength(SmsText.Gsm7, 3, 306), SmsText.Segments(text));
    }

    [Fact]
    public void A_surrogate_pair_is_not_split_between_two_parts()
    {
        var text = new string('ê', 66) + "😀" + new string('ê', 66);

        Assert.Equal(new SmsLength(SmsText.Ucs2, 3, 134), SmsText.Segments(text));
    }

    [Fact]
    public void Empty_text_takes_no_sms()
    {
        Assert.Equal(new SmsLength(SmsText.Gsm7, 0, 0), SmsText.Segments(""));
    }
}
