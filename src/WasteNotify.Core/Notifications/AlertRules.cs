using System.ComponentModel.DataAnnotations;

namespace WasteNotify.Core.Notifications;

/// <summary>The alert policy's settings (bound from "Notifications:Rules").</summary>
public sealed class AlertRules
{
    /// <summary>Added to a subscriber's lead time: the time it takes to get the bins out once warned.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:30:00")]
    public TimeSpan ReactionMargin { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How far the ETA must slip past the one announced before a "delayed" alert.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "04:00:00")]
    public TimeSpan DelayThreshold { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>A truck's latest fix older than this (by the fleet's clock) decides no alert: the truck is elsewhere by now.</summary>
    [Range(typeof(TimeSpan), "00:00:30", "01:00:00")]
    public TimeSpan StaleAfter { get; set; } = TimeSpan.FromMinutes(5);
}
