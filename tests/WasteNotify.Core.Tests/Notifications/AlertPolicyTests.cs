using WasteNotify.Core.Notifications;

namespace WasteNotify.Core.Tests.Notifications;

public sealed class AlertPolicyTests
{
    private static readonly TimeZoneInfo Paris = TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris");

    // 09:00 in Paris (winter): UTC+1.
    private static readonly DateTimeOffset Nine = new(2026, 11, 23, 8, 0, 0, TimeSpan.Zero);

    private readonly AlertPolicy _policy = new(new AlertRules(), Paris);

    private static Subscription Subscriber(int leadMinutes = 10, QuietHours? quiet = null, bool collectedInQuiet = false, params string[] alerts) =>
        new(1, 7, "b1", "fr", TimeSpan.FromMinutes(leadMinutes), new HashSet<string>(alerts.Length == 0 ? AlertKinds.All : alerts), true, true, quiet, collectedInQuiet);

    private static StopAlertState Upcoming(double earlyMinutes, double? etaMinutes = null, DateTimeOffset? fix = null, double staleMinutes = 0)
    {
        var at = fix ?? Nine;
        return new StopAlertState(at, at.AddMinutes(staleMinutes), RunOver: false, Served: false,
            at.AddMinutes(etaMinutes ?? earlyMinutes + 3), at.AddMinutes(earlyMinutes));
    }

    [Fact]
    public void Approaching_fires_when_the_early_bound_enters_the_lead_time_plus_the_reaction_margin()
    {
        Assert.Null(_policy.Decide(Upcoming(earlyMinutes: 12.5), Subscriber(), default));
        var decision = _policy.Decide(Upcoming(earlyMinutes: 11.5), Subscriber(), default);
        Assert.NotNull(decision);
        Assert.Equal(AlertKinds.Approaching, decision.Kind);
        Assert.Equal(Nine, decision.At);
        Assert.Equal(12, decision.Minutes);
        Assert.Equal(Nine.AddMinutes(14.5), decision.Eta);
    }

    [Fact]
    public void A_truck_already_close_is_announced_as_close_not_as_the_lead_time()
    {
        var decision = _policy.Decide(Upcoming(earlyMinutes: 3.2), Subscriber(leadMinutes: 15), default);
        Assert.Equal(3, decision!.Minutes);
        Assert.Equal(1, _policy.Decide(Upcoming(earlyMinutes: -2), Subscriber(), default)!.Minutes);
    }

    [Fact]
    public void Approaching_is_decided_once()
    {
        var sent = default(SentAlerts).With(AlertKinds.Approaching, Nine.AddMinutes(8));
        Assert.Null(_policy.Decide(Upcoming(earlyMinutes: 5, etaMinutes: 8), Subscriber(), sent));
    }

    [Fact]
    public void A_stale_fix_decides_nothing_until_a_fresh_one_comes()
    {
        Assert.Null(_policy.Decide(Upcoming(earlyMinutes: 5, staleMinutes: 5.5), Subscriber(), default));
        Assert.NotNull(_policy.Decide(Upcoming(earlyMinutes: 5, staleMinutes: 4.5), Subscriber(), default));
        Assert.Null(_policy.Decide(new StopAlertState(null, Nine, false, false, Nine.AddMinutes(5), Nine.AddMinutes(4)), Subscriber(), default));
    }

    [Fact]
    public void Quiet_hours_hold_an_alert_back_until_they_end_including_across_midnight()
    {
        var quiet = new QuietHours(new TimeOnly(21, 0), new TimeOnly(9, 0));
        var early = Nine.AddMinutes(-1); // 08:59 local
        Assert.Null(_policy.Decide(Upcoming(earlyMinutes: 5, fix: early), Subscriber(quiet: quiet), default));
        Assert.NotNull(_policy.Decide(Upcoming(earlyMinutes: 4, fix: Nine), Subscriber(quiet: quiet), default));
        var midnight = new DateTimeOffset(2026, 11, 22, 23, 30, 0, TimeSpan.Zero); // 00:30 local
        Assert.Null(_policy.Decide(Upcoming(earlyMinutes: 5, fix: midnight), Subscriber(quiet: quiet), default));
    }

    [Fact]
    public void Collected_is_sent_in_quiet_hours_only_if_the_subscriber_wishes()
    {
        var quiet = new QuietHours(new TimeOnly(8, 0), new TimeOnly(12, 0));
        var served = new StopAlertState(Nine, Nine, false, true, null, null);
        Assert.Null(_policy.Decide(served, Subscriber(quiet: quiet), default));
        Assert.Equal(AlertKinds.Collected, _policy.Decide(served, Subscriber(quiet: quiet, collectedInQuiet: true), default)!.Kind);
        Assert.Null(_policy.Decide(served, Subscriber(), default(SentAlerts).With(AlertKinds.Collected, null)));
    }

    [Fact]
    public void Collected_held_back_by_quiet_hours_is_told_once_they_are_over_even_with_no_fix_since()
    {
        var quiet = new QuietHours(new TimeOnly(6, 0), new TimeOnly(9, 30));
        var servedAt = Nine.AddHours(-2.5); // 06:30 local
        Assert.Null(_policy.Decide(new StopAlertState(servedAt, Nine, true, true, null, null), Subscriber(quiet: quiet), default));
        var decision = _policy.Decide(new StopAlertState(servedAt, Nine.AddMinutes(45), true, true, null, null), Subscriber(quiet: quiet), default);
        Assert.Equal(AlertKinds.Collected, decision!.Kind);
        Assert.Equal(servedAt, decision.At);
    }

    [Fact]
    public void Collected_is_not_judged_stale_and_needs_no_approaching_first()
    {
        var served = new StopAlertState(Nine, Nine.AddHours(2), false, true, null, null);
        var decision = _policy.Decide(served, Subscriber(), default);
        Assert.Equal(AlertKinds.Collected, decision!.Kind);
        Assert.Equal(Nine, decision.At);
    }

    [Fact]
    public void Delayed_fires_once_when_the_eta_slips_past_the_announced_one_by_more_than_the_threshold()
    {
        var sent = default(SentAlerts).With(AlertKinds.Approaching, Nine.AddMinutes(10));
        Assert.Null(_policy.Decide(Upcoming(earlyMinutes: 15, etaMinutes: 19.9), Subscriber(), sent));
        var decision = _policy.Decide(Upcoming(earlyMinutes: 15, etaMinutes: 21), Subscriber(), sent);
        Assert.Equal(AlertKinds.Delayed, decision!.Kind);
        Assert.Equal(11, decision.Minutes);
        Assert.Null(_policy.Decide(Upcoming(earlyMinutes: 30, etaMinutes: 40), Subscriber(), sent.With(AlertKinds.Delayed, null)));
    }

    [Fact]
    public void Delayed_needs_an_approaching_alert_before_it()
    {
        Assert.Equal(AlertKinds.Approaching, _policy.Decide(Upcoming(earlyMinutes: 5, etaMinutes: 40), Subscriber(), default)!.Kind);
        Assert.Null(_policy.Decide(Upcoming(earlyMinutes: 30, etaMinutes: 40), Subscriber(alerts: [AlertKinds.Delayed]), default));
    }

    [Fact]
    public void A_run_over_without_serving_the_building_says_not_today_once_and_outside_quiet_hours()
    {
        var over = new StopAlertState(Nine, Nine.AddHours(3), RunOver: true, Served: false, null, null);
        var decision = _policy.Decide(over, Subscriber(), default(SentAlerts).With(AlertKinds.Approaching, Nine));
        Assert.Equal(AlertKinds.NotToday, decision!.Kind);
        Assert.Equal(Nine.AddHours(3), decision.At);
        Assert.Null(_policy.Decide(over, Subscriber(), default(SentAlerts).With(AlertKinds.NotToday, null)));
        Assert.Null(_policy.Decide(over, Subscriber(quiet: new QuietHours(new TimeOnly(11, 0), new TimeOnly(13, 0))), default));
    }

    [Fact]
    public void A_served_building_never_gets_not_today_and_unwanted_kinds_are_never_decided()
    {
        var servedOver = new StopAlertState(Nine, Nine, RunOver: true, Served: true, null, null);
        Assert.Equal(AlertKinds.Collected, _policy.Decide(servedOver, Subscriber(), default)!.Kind);
        Assert.Null(_policy.Decide(servedOver, Subscriber(), default(SentAlerts).With(AlertKinds.Collected, null)));
        Assert.Null(_policy.Decide(Upcoming(earlyMinutes: 2), Subscriber(alerts: [AlertKinds.Collected]), default));
        Assert.Null(_policy.Decide(servedOver, Subscriber(alerts: [AlertKinds.Approaching]), default));
    }
}
