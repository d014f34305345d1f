namespace WasteNotify.Core.Notifications;

/// <summary>
/// Decides which alert a subscriber gets now for one building of a run, from the run's state alone: the same state
/// decides the same alert, so replaying a day (or restarting mid-run) decides nothing new, and an alert held back (quiet
/// hours, a stale fix) is decided by the next state that allows it.
/// </summary>
/// <remarks>
/// "approaching" fires on the early bound, because a truck earlier than announced means bins not out in time (a missed
/// collection) while a late one only means a few more minutes on the pavement. It says how far the truck honestly is,
/// so a subscriber whose building is already close when the truck starts gets "in about 3 min", not the lead time.
/// </remarks>
public sealed class AlertPolicy(AlertRules rules, TimeZoneInfo zone)
{
    public AlertRules Rules => rules;

    /// <summary>The alert due now, if any (at most one: the next state decides the next).</summary>
    public AlertDecision? Decide(StopAlertState state, Subscription subscription, SentAlerts sent)
    {
        if (sent.NotToday)
        {
            return null;
        }

        if (state.Served)
        {
            // Not judged stale: the bins may come back in whenever the news arrives; and told once quiet hours are over
            // (by the clock, since no fix may come after the run ends).
            var at = state.LatestFix ?? state.Now;
            return subscription.Wants(AlertKinds.Collected) && !sent.Collected && (!Quiet(subscription, state.Now) || subscription.CollectedInQuiet)
                ? new AlertDecision(AlertKinds.Collected, at, null, null, null)
                : null;
        }

        if (state.RunOver)
        {
            // Finished without serving the building, or cancelled: decided by the clock, not by a fix.
            return subscription.Wants(AlertKinds.NotToday) && !sent.Collected && !Quiet(subscription, state.Now)
                ? new AlertDecision(AlertKinds.NotToday, state.Now, null, null, null)
                : null;
        }

        if (state.LatestFix is not { } fix || state.Now - fix > rules.StaleAfter || state.Eta is not { } eta || state.Early is not { } early
            || Quiet(subscription, fix))
        {
            return null;
        }

        if (!sent.Approaching)
        {
            return subscription.Wants(AlertKinds.Approaching) && early - fix <= subscription.Lead + rules.ReactionMargin
                ? new AlertDecision(AlertKinds.Approaching, fix, Math.Max(1, (int)Math.Round((early - fix).TotalMinutes)), eta, early)
                : null;
        }

        return subscription.Wants(AlertKinds.Delayed) && !sent.Delayed && sent.AnnouncedEta is { } announced && eta - announced > rules.DelayThreshold
            ? new AlertDecision(AlertKinds.Delayed, fix, (int)Math.Round((eta - announced).TotalMinutes), eta, early)
            : null;
    }

    /// <summary>The local time of day at an instant, in the city's zone.</summary>
    public TimeOnly LocalTime(DateTimeOffset at) => TimeOnly.FromDateTime(TimeZoneInfo.ConvertTime(at, zone).DateTime);

    private bool Quiet(Subscription subscription, DateTimeOffset at) => subscription.Quiet is { } quiet && quiet.Contains(LocalTime(at));
}
