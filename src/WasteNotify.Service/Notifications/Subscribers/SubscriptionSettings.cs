using System.Globalization;
using WasteNotify.Core.Notifications;

namespace WasteNotify.Service.Notifications;

/// <summary>A subscription's settings once checked: what the subscriptions table holds besides the concierge and the building.</summary>
public sealed record SubscriptionSettings(int LeadMinutes, string[] Alerts, string[] Channels, TimeOnly? QuietFrom, TimeOnly? QuietTo, bool CollectedInQuiet)
{
    public const int DefaultLeadMinutes = 10;

    public static IReadOnlyList<string> AllChannels { get; } = ["sms", "web"];

    /// <summary>Checks an input, adding an error per bad field (named with <paramref name="prefix"/>); null when there was one.</summary>
    public static SubscriptionSettings? Read(SubscriptionInput input, string prefix, Dictionary<string, string[]> errors)
    {
        var before = errors.Count;
        var lead = input.LeadMinutes ?? DefaultLeadMinutes;
        if (lead is < 1 or > 120)
        {
            errors[prefix + "leadMinutes"] = ["must be from 1 to 120 minutes"];
        }

        var alerts = Subset(input.Alerts, AlertKinds.All, prefix + "alerts", errors);
        var channels = Subset(input.Channels ?? ["sms"], AllChannels, prefix + "channels", errors);
        var quiet = input.QuietHours;
        var from = quiet is null ? null : Time(quiet.From, prefix + "quietHours.from", errors);
        var to = quiet is null ? null : Time(quiet.To, prefix + "quietHours.to", errors);
        if (from is not null && from == to)
        {
            errors[prefix + "quietHours"] = ["from and to must differ"];
        }

        return errors.Count > before ? null : new SubscriptionSettings(lead, alerts, channels, from, to, input.CollectedInQuiet ?? false);
    }

    public SubscriptionView ToView(string buildingId) =>
        new(buildingId, LeadMinutes, Alerts, Channels, Quiet(QuietFrom, QuietTo), CollectedInQuiet);

    public static QuietHoursText? Quiet(TimeOnly? from, TimeOnly? to) => from is { } f && to is { } t
        ? new QuietHoursText(f.ToString("HH:mm", CultureInfo.InvariantCulture), t.ToString("HH:mm", CultureInfo.InvariantCulture))
        : null;

    /// <summary>The known values asked for, in the known order; all of them when none were given.</summary>
    private static string[] Subset(string[]? asked, IReadOnlyList<string> known, string field, Dictionary<string, string[]> errors)
    {
        if (asked is null)
        {
            return [.. known];
        }

        if (asked.Length == 0)
        {
            errors[field] = [$"must not be empty: name one or more of {string.Join(", ", known)}"];
            return [];
        }

        if (Array.FindIndex(asked, a => a is null || !known.Contains(a)) is var bad and >= 0)
        {
            errors[field] = [$"'{asked[bad]}' is not one of {string.Join(", ", known)}"];
            return [];
        }

        return [.. known.Where(asked.Contains)];
    }

    private static TimeOnly? Time(string? text, string field, Dictionary<string, string[]> errors)
    {
        if (TimeOnly.TryParseExact(text, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var time))
        {
            return time;
        }

        errors[field] = [text is null ? "is required (a local time HH:mm)" : $"'{text}' is not a local time HH:mm"];
        return null;
    }
}
