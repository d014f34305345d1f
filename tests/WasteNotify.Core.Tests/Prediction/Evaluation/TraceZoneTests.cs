using WasteNotify.Core.City;
using WasteNotify.Core.Prediction.Evaluation;

namespace WasteNotify.Core.Tests.Prediction.Evaluation;

/// <summary>Outside data's local zone: named, or told by the times' offsets, never a silent default.</summary>
public sealed class TraceZoneTests
{
    private static readonly DateTimeOffset Winter = new(2026, 2, 16, 11, 0, 0, TimeSpan.FromHours(-5));
    private static readonly DateTimeOffset Summer = new(2026, 7, 16, 11, 0, 0, TimeSpan.FromHours(-4));

    [Fact]
    public void A_named_zone_wins_and_an_unknown_one_is_refused()
    {
        Assert.Equal("America/New_York", TraceZone.Resolve("America/New_York", "Europe/Paris", [Winter]).Zone.Id);
        var refused = Assert.Throws<ImportException>(() => TraceZone.Resolve("America/Gotham", null, [Winter]));
        Assert.Contains("'America/Gotham' is not a known time zone", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Times_all_in_utc_need_a_zone_named_or_configured()
    {
        DateTimeOffset[] utc = [Winter.ToUniversalTime(), Summer.ToUniversalTime()];

        var refused = Assert.Throws<ImportException>(() => TraceZone.Resolve(null, null, utc));

        Assert.Contains("every time is in UTC", refused.Message, StringComparison.Ordinal);
        Assert.Contains("give --tz", refused.Message, StringComparison.Ordinal);
        Assert.Equal("Europe/Paris", TraceZone.Resolve(null, "Europe/Paris", utc).Zone.Id);
    }

    [Fact]
    public void One_offset_throughout_is_the_local_time_and_a_configured_zone_that_disagrees_is_not_used()
    {
        var (zone, source) = TraceZone.Resolve(null, "Europe/Paris", [Winter, Winter.AddHours(3)]);

        Assert.Equal(TimeSpan.FromHours(-5), zone.GetUtcOffset(Winter));
        Assert.Equal(11, TimeZoneInfo.ConvertTime(Winter, zone).Hour);
        Assert.StartsWith("UTC-05:00", source, StringComparison.Ordinal);
        Assert.Contains("City:TimeZone Europe/Paris does not agree", source, StringComparison.Ordinal);
    }

    [Fact]
    public void Offsets_that_change_with_summer_time_give_a_zone_that_has_them_all()
    {
        var (zone, _) = TraceZone.Resolve(null, null, [Winter, Summer]);

        Assert.Equal(TimeSpan.FromHours(-5), zone.GetUtcOffset(Winter));
        Assert.Equal(TimeSpan.FromHours(-4), zone.GetUtcOffset(Summer));
        Assert.Equal("America/New_York", TraceZone.Resolve(null, "America/New_York", [Winter, Summer]).Zone.Id);
    }

    [Fact]
    public void Utc_times_mixed_with_local_ones_fit_no_zone_and_say_so()
    {
        var refused = Assert.Throws<ImportException>(() => TraceZone.Resolve(null, null, [Winter, Winter.AddHours(1).ToUniversalTime()]));

        Assert.Contains("no time zone has the times' offsets (-05:00, +00:00)", refused.Message, StringComparison.Ordinal);
    }
}
