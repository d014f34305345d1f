using WasteNotify.Core.Pilot;

namespace WasteNotify.Core.Tests.Pilot;

/// <summary>The pilot's arithmetic on hand-made collections, in Paris, with the default rules (reaction 5 min, evening 20:00, back in 2 h after, early past lead + 10 min).</summary>
public sealed class CollectionKpisTests
{
    private static readonly TimeZoneInfo Paris = TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris");
    private static readonly DateOnly Day = new(2026, 11, 17);
    private static readonly PilotRules Rules = new();

    private static DateTimeOffset At(int hour, int minute, DateOnly? day = null) => new((day ?? Day).ToDateTime(new TimeOnly(hour, minute)), TimeSpan.FromHours(1));

    private static AlertFact Approaching(DateTimeOffset? delivered, long concierge = 1, int lead = 10, int messages = 1) =>
        new(concierge, "approaching", delivered ?? At(6, 55), delivered, lead, messages);

    private static AlertFact Collected(DateTimeOffset delivered, long concierge = 1) => new(concierge, "collected", delivered, delivered, 10);

    private static Collection Served(DateTimeOffset arrival, IReadOnlyList<AlertFact> alerts, BinReport? bins = null, DateTimeOffset? naive = null) =>
        new(1, "r1", Day, "b1", "rue de la Paix", At(6, 0), CollectionEnd.Served, arrival, alerts, bins ?? BinReport.None, 10, naive);

    [Fact]
    public void Reported_times_stand_and_each_policy_is_judged_on_the_same_truck()
    {
        var bins = new BinReport(At(7, 3), "page", At(7, 20), "sms");
        var k = CollectionKpis.Of(Served(At(7, 12), [Approaching(At(7, 0)), Collected(At(7, 14))], bins, naive: At(7, 5)), Rules, Paris);

        var ours = k[PilotPolicy.Ours];
        Assert.Equal((At(7, 3), false, At(7, 20), false, false), (ours.BinsOut, ours.OutEstimated, ours.BinsIn, ours.InEstimated, ours.Missed));
        Assert.Equal(TimeSpan.FromMinutes(17), ours.Pavement);
        Assert.Equal(TimeSpan.FromMinutes(12), k.LeadAchieved);
        Assert.Equal(AlertQuality.OnTime, k.Quality);
        Assert.Equal(0, k.Duplicates);

        // The evening before at 20:00, back in 2 h after the truck: 13 h 12 min on the pavement.
        Assert.Equal(At(20, 0, Day.AddDays(-1)), k[PilotPolicy.EveningBefore].BinsOut);
        Assert.Equal(new TimeSpan(13, 12, 0), k[PilotPolicy.EveningBefore].Pavement);
        Assert.Equal(new TimeSpan(3, 12, 0), k[PilotPolicy.FixedWindow].Pavement); // out at the 06:00 start
        // Naive: alert 07:05, out 07:10, in on "collected" 5 min after the truck.
        Assert.Equal((At(7, 10), At(7, 17), false), (k[PilotPolicy.NaiveEta].BinsOut, k[PilotPolicy.NaiveEta].BinsIn, k[PilotPolicy.NaiveEta].Missed));
        Assert.Equal(TimeSpan.FromMinutes(7), k[PilotPolicy.NaiveEta].Pavement);
        Assert.All(k.Policies, p => Assert.False(p.Missed));
    }

    [Fact]
    public void Without_reports_out_and_in_are_estimated_from_the_alerts_and_flagged()
    {
        var k = CollectionKpis.Of(Served(At(7, 12), [Approaching(At(7, 0)), Collected(At(7, 14))]), Rules, Paris);

        var ours = k[PilotPolicy.Ours];
        Assert.Equal((At(7, 5), true, At(7, 19), true), (ours.BinsOut, ours.OutEstimated, ours.BinsIn, ours.InEstimated));
        Assert.Equal(TimeSpan.FromMinutes(14), ours.Pavement);
        Assert.False(ours.Missed);
    }

    [Fact]
    public void Without_a_collected_alert_the_bins_come_in_the_usual_time_after_the_truck()
    {
        var k = CollectionKpis.Of(Served(At(7, 12), [Approaching(At(7, 0))]), Rules, Paris);

        Assert.Equal((At(9, 12), true), (k[PilotPolicy.Ours].BinsIn, k[PilotPolicy.Ours].InEstimated));
    }

    [Fact]
    public void An_alert_with_less_than_the_lead_is_late_and_the_truck_before_the_bins_is_a_missed_collection()
    {
        var k = CollectionKpis.Of(Served(At(7, 12), [Approaching(At(7, 10))]), Rules, Paris);

        Assert.Equal(AlertQuality.Late, k.Quality);
        Assert.Equal(TimeSpan.FromMinutes(2), k.LeadAchieved);
        Assert.True(k[PilotPolicy.Ours].Missed); // out at 07:15, the truck at 07:12
        Assert.Equal(TimeSpan.FromHours(2) - TimeSpan.FromMinutes(3), k[PilotPolicy.Ours].Pavement); // out 07:15, in 09:12 all the same
    }

    [Fact]
    public void A_late_alert_is_no_miss_when_the_concierge_had_the_bins_out_already()
    {
        var k = CollectionKpis.Of(Served(At(7, 12), [Approaching(At(7, 10))], new BinReport(At(6, 50), "page", null, null)), Rules, Paris);

        Assert.Equal(AlertQuality.Late, k.Quality);
        Assert.False(k[PilotPolicy.Ours].Missed);
    }

    [Theory]
    [InlineData(20, AlertQuality.OnTime)] // exactly lead + 10: not yet early
    [InlineData(21, AlertQuality.Early)]
    [InlineData(10, AlertQuality.OnTime)] // exactly the lead
    [InlineData(9, AlertQuality.Late)]
    public void Early_and_late_are_against_the_subscribers_lead(int minutesBefore, AlertQuality expected)
    {
        var arrival = At(7, 30);
        var k = CollectionKpis.Of(Served(arrival, [Approaching(arrival - TimeSpan.FromMinutes(minutesBefore))]), Rules, Paris);

        Assert.Equal(expected, k.Quality);
    }

    [Fact]
    public void An_alert_held_back_by_quiet_hours_is_no_alert_and_without_a_report_the_collection_is_missed()
    {
        // Decided, but its SMS suppressed in the subscriber's quiet hours: it never reached the concierge.
        var k = CollectionKpis.Of(Served(At(6, 40), [Approaching(delivered: null)]), Rules, Paris);

        Assert.Equal(AlertQuality.None, k.Quality);
        Assert.Null(k.LeadAchieved);
        Assert.Null(k[PilotPolicy.Ours].BinsOut);
        Assert.Null(k[PilotPolicy.Ours].Pavement);
        Assert.True(k[PilotPolicy.Ours].Missed);
        Assert.False(k[PilotPolicy.EveningBefore].Missed); // the habit does not depend on alerts
    }

    [Fact]
    public void The_naive_baseline_misses_when_its_alert_never_came_before_the_truck()
    {
        var k = CollectionKpis.Of(Served(At(7, 12), [Approaching(At(7, 0))], naive: null), Rules, Paris);

        Assert.True(k[PilotPolicy.NaiveEta].Missed);
        Assert.Null(k[PilotPolicy.NaiveEta].BinsOut);
    }

    [Fact]
    public void The_fixed_window_misses_a_truck_that_came_before_the_planned_start()
    {
        var k = CollectionKpis.Of(Served(At(5, 50), [Approaching(At(5, 35))]), Rules, Paris);

        Assert.True(k[PilotPolicy.FixedWindow].Missed);
        Assert.False(k[PilotPolicy.EveningBefore].Missed);
    }

    [Fact]
    public void A_cancelled_run_counts_for_nothing_but_itself()
    {
        var cancelled = new Collection(2, "r1", Day, "b1", null, At(6, 0), CollectionEnd.Cancelled, null, [Approaching(At(6, 30))], BinReport.None, 10, null);
        var k = CollectionKpis.Of(cancelled, Rules, Paris);

        Assert.False(k.Counted);
        Assert.All(k.Policies, p => Assert.False(p.Missed));
        var summary = PilotSummary.Of([k, CollectionKpis.Of(Served(At(7, 12), [Approaching(At(7, 0))]), Rules, Paris)]);
        Assert.Equal((1, 1, 0), (summary.Collections, summary.Cancelled, summary.NotReached));
        Assert.Equal(1, summary[PilotPolicy.Ours].Collections);
    }

    [Fact]
    public void A_second_alert_of_a_kind_to_a_concierge_or_a_second_SMS_of_one_alert_is_a_duplicate()
    {
        var k = CollectionKpis.Of(Served(At(7, 12), [Approaching(At(7, 0)), Approaching(At(7, 1)), Approaching(At(7, 0), concierge: 2, messages: 2)]), Rules, Paris);

        Assert.Equal(2, k.Duplicates);
        Assert.Equal(2, PilotSummary.Of([k]).Duplicates);
    }

    [Fact]
    public void The_first_alert_to_reach_any_subscriber_puts_the_bins_out_and_its_own_lead_judges_it()
    {
        // Concierge 2 asked for 30 min and heard at 06:40; concierge 1 asked for 10 and heard at 07:00.
        var k = CollectionKpis.Of(Served(At(7, 12), [Approaching(At(7, 0)), Approaching(At(6, 40), concierge: 2, lead: 30)]), Rules, Paris);

        Assert.Equal(At(6, 45), k[PilotPolicy.Ours].BinsOut);
        Assert.Equal(TimeSpan.FromMinutes(32), k.LeadAchieved);
        Assert.Equal(AlertQuality.OnTime, k.Quality);
    }

    [Fact]
    public void The_evening_before_is_the_local_evening_across_a_clock_change()
    {
        // Paris moves to summer time in the night of 28 to 29 March 2026: the evening before is still at +01:00.
        var day = new DateOnly(2026, 3, 29);
        var arrival = new DateTimeOffset(2026, 3, 29, 7, 0, 0, TimeSpan.FromHours(2));
        var collection = new Collection(1, "r1", day, "b1", null, arrival.AddHours(-1), CollectionEnd.Served, arrival, [], BinReport.None, 10, null);

        var k = CollectionKpis.Of(collection, Rules, Paris);

        Assert.Equal(new DateTimeOffset(2026, 3, 28, 20, 0, 0, TimeSpan.FromHours(1)), k[PilotPolicy.EveningBefore].BinsOut);
        Assert.Equal(TimeSpan.FromHours(12), k[PilotPolicy.EveningBefore].Pavement); // 20:00+01 to 07:00+02 is 10 h, plus 2 h back in
    }

    [Fact]
    public void A_passed_building_is_counted_and_judged_at_the_time_the_truck_passed()
    {
        var skipped = new Collection(1, "r1", Day, "b1", null, At(6, 0), CollectionEnd.Skipped, At(7, 12), [Approaching(At(7, 0))], BinReport.None, 10, null);
        var k = CollectionKpis.Of(skipped, Rules, Paris);

        Assert.True(k.Counted);
        Assert.Null(k.LeadAchieved); // nothing arrived
        Assert.False(k[PilotPolicy.Ours].Missed);
        Assert.Equal(1, PilotSummary.Of([k]).Skipped);
    }

    [Fact]
    public void The_summary_gives_medians_and_90th_percentiles_of_the_time_on_the_pavement_and_the_missed_share()
    {
        // Ours on the pavement 10, 20, 30, 40 and 50 min (reported out and in), one of them missed.
        var kpis = Enumerable.Range(1, 5).Select(i =>
        {
            var arrival = At(8, 0);
            var outAt = i == 5 ? At(8, 5) : At(7, 50);
            var bins = new BinReport(outAt, "page", outAt + TimeSpan.FromMinutes(10 * i), "page");
            return CollectionKpis.Of(Served(arrival, [Approaching(At(7, 45))], bins), Rules, Paris);
        }).ToList();

        var ours = PilotSummary.Of(kpis)[PilotPolicy.Ours];

        Assert.Equal(TimeSpan.FromMinutes(30), ours.MedianPavement);
        Assert.Equal(TimeSpan.FromMinutes(46), ours.P90Pavement); // between 40 and 50, at 0.9 × 4 = rank 3.6
        Assert.Equal((5, 1, 0.2), (ours.Collections, ours.Missed, ours.MissedShare));
    }
}
