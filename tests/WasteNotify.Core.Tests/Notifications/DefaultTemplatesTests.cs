using WasteNotify.Core.Notifications;

namespace WasteNotify.Core.Tests.Notifications;

public sealed class DefaultTemplatesTests
{
    // A long but ordinary address: the alerts must still fit one SMS with it.
    private static readonly Dictionary<string, string> LongAddress = new()
    {
        [TemplatePlaceholders.Building] = "128 boulevard de la République, esc. B",
        [TemplatePlaceholders.Minutes] = "15",
        [TemplatePlaceholders.Time] = "07:45",
        [TemplatePlaceholders.Delay] = "120",
    };

    public static TheoryData<string, string> KindsAndLanguages =>
        new(from kind in AlertKinds.All from language in Languages.All select (kind, language));

    public static TheoryData<string> AllLanguages => new(Languages.All);

    [Fact]
    public void Kinds_and_languages_are_the_agreed_ones()
    {
        Assert.Equal(["approaching", "collected", "delayed", "not_today"], AlertKinds.All);
        Assert.Equal(["fr", "en"], Languages.All);
        Assert.Equal(["building", "minutes", "time", "delay"], TemplatePlaceholders.All);
    }

    [Theory]
    [MemberData(nameof(KindsAndLanguages))]
    public void Every_alert_fits_one_gsm7_sms_with_a_long_address(string kind, string language)
    {
        var text = DefaultTemplates.For(kind, language).Render(LongAddress);

        var length = SmsText.Segments(text);
        Assert.Equal(SmsText.Gsm7, length.Encoding);
        Assert.Equal(1, length.Segments);
    }

    [Fact]
    public void An_address_outside_gsm7_makes_the_alert_ucs2_and_longer()
    {
        // The alphabet has é but not â or ô: "Bât." or "Hôtel" in an address turns 70 characters into one SMS.
        var text = DefaultTemplates.For(AlertKinds.Approaching, Languages.French).Render(Values("place de l'Hôtel de Ville"));

        Assert.Equal(new SmsLength(SmsText.Ucs2, 2, text.Length), SmsText.Segments(text));
    }

    [Theory]
    [InlineData(AlertKinds.Approaching, new[] { "building", "minutes" })]
    [InlineData(AlertKinds.Collected, new[] { "building" })]
    [InlineData(AlertKinds.Delayed, new[] { "building", "time" })]
    [InlineData(AlertKinds.NotToday, new[] { "building" })]
    public void Both_languages_use_the_same_placeholders(string kind, string[] placeholders)
    {
        Assert.Equal(placeholders, DefaultTemplates.For(kind, Languages.English).Placeholders);
        Assert.Equal(placeholders, DefaultTemplates.For(kind, Languages.French).Placeholders);
    }

    [Theory]
    [InlineData(AlertKinds.Approaching, "WasteNotify: the garbage truck will reach 12 rue de la Paix in about 15 min. Time to put the bins out.")]
    [InlineData(AlertKinds.Collected, "WasteNotify: the garbage has been collected at 12 rue de la Paix: the bins can come back in.")]
    [InlineData(AlertKinds.Delayed, "WasteNotify: the garbage truck is running late: now expected at 12 rue de la Paix around 07:45.")]
    [InlineData(AlertKinds.NotToday, "WasteNotify: the garbage truck will not collect 12 rue de la Paix today. Please bring the bins back in.")]
    public void English_alerts_read_as_agreed(string kind, string text)
    {
        Assert.Equal(text, DefaultTemplates.For(kind, Languages.English).Render(Values("12 rue de la Paix")));
    }

    [Theory]
    [InlineData(AlertKinds.Approaching, "WasteNotify : le camion-poubelle arrivera à 12 rue de la Paix dans environ 15 min. Il est temps de sortir les poubelles.")]
    [InlineData(AlertKinds.Collected, "WasteNotify : collecte effectuée à 12 rue de la Paix, vous pouvez rentrer les poubelles.")]
    [InlineData(AlertKinds.Delayed, "WasteNotify : le camion-poubelle a du retard, il est maintenant attendu à 12 rue de la Paix vers 07:45.")]
    [InlineData(AlertKinds.NotToday, "WasteNotify : pas de collecte à 12 rue de la Paix aujourd'hui. Merci de rentrer les poubelles.")]
    public void French_alerts_read_as_agreed(string kind, string text)
    {
        Assert.Equal(text, DefaultTemplates.For(kind, Languages.French).Render(Values("12 rue de la Paix")));
    }

    [Theory]
    [MemberData(nameof(AllLanguages))]
    public void Help_and_confirmations_fit_one_gsm7_sms(string language)
    {
        foreach (var text in new[] { DefaultTemplates.Help(language), DefaultTemplates.StopConfirmation(language), DefaultTemplates.StartConfirmation(language) })
        {
            Assert.Equal(new SmsLength(SmsText.Gsm7, 1, text.Length), SmsText.Segments(text));
        }
    }

    [Theory]
    [InlineData(Languages.English, new[] { "STOP", "START" })]
    [InlineData(Languages.French, new[] { "STOP", "ARRET", "START" })]
    public void Help_names_the_opt_out_and_opt_in_keywords(string language, string[] keywords)
    {
        var help = DefaultTemplates.Help(language);

        Assert.All(keywords, k => Assert.Contains(k, help, StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(AllLanguages))]
    public void Stop_confirmation_says_how_to_come_back_and_start_confirmation_how_to_leave(string language)
    {
        Assert.Contains("START", DefaultTemplates.StopConfirmation(language), StringComparison.Ordinal);
        Assert.Contains("STOP", DefaultTemplates.StartConfirmation(language), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(AllLanguages))]
    public void Every_keyword_the_texts_suggest_is_understood(string language)
    {
        var texts = string.Join(' ', DefaultTemplates.Help(language), DefaultTemplates.StopConfirmation(language), DefaultTemplates.StartConfirmation(language));
        var suggested = texts.Split([' ', ',', '.'], StringSplitOptions.RemoveEmptyEntries)
            .Where(w => w.Length > 3 && w.All(char.IsAsciiLetterUpper))
            .Distinct()
            .ToList();

        Assert.NotEmpty(suggested);
        Assert.All(suggested, w => Assert.NotEqual(SmsKeywordKind.None, SmsKeyword.Parse(w)));
    }

    [Theory]
    [InlineData("arriving", "fr", "kind", "Unknown alert kind 'arriving'; the kinds are approaching, collected, delayed, not_today.")]
    [InlineData("Approaching", "fr", "kind", "Unknown alert kind 'Approaching'")]
    [InlineData("approaching", "de", "language", "Unknown language 'de'; the languages are fr, en.")]
    [InlineData("approaching", "FR", "language", "Unknown language 'FR'")]
    public void Unknown_kind_or_language_is_refused_naming_the_known_ones(string kind, string language, string parameter, string reason)
    {
        var error = Assert.Throws<ArgumentException>(() => DefaultTemplates.For(kind, language));

        Assert.Equal(parameter, error.ParamName);
        Assert.StartsWith(reason, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Help_texts_refuse_an_unknown_language()
    {
        Assert.Throws<ArgumentException>(() => DefaultTemplates.Help("es"));
        Assert.Throws<ArgumentException>(() => DefaultTemplates.StopConfirmation("es"));
        Assert.Throws<ArgumentException>(() => DefaultTemplates.StartConfirmation("es"));
    }

    private static Dictionary<string, string> Values(string building) => new(LongAddress) { [TemplatePlaceholders.Building] = building };
}
