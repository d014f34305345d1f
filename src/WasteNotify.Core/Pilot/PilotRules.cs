namespace WasteNotify.Core.Pilot;

/// <summary>
/// The assumptions of the pilot's figures where nothing was reported: how long concierges take to act on an alert,
/// when bins went out under the old evening-before habit, how long after the truck they came back in without a
/// "collected" alert, and how much extra lead makes an alert early.
/// </summary>
public sealed record PilotRules
{
    /// <summary>From an alert reaching the concierge to the bins being out (or, after "collected", back in), when they did not say.</summary>
    public TimeSpan ReactionTime { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>The evening-before habit: bins out the day before at this local time.</summary>
    public TimeOnly EveningBeforeAt { get; init; } = new(20, 0);

    /// <summary>Without a "collected" alert, how long after the truck the bins come back in.</summary>
    public TimeSpan UsualBackIn { get; init; } = TimeSpan.FromHours(2);

    /// <summary>An alert is early when the truck came more than the lead asked for plus this after it reached the concierge.</summary>
    public TimeSpan EarlyAfter { get; init; } = TimeSpan.FromMinutes(10);
}
