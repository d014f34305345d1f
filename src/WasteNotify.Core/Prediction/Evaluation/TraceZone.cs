using WasteNotify.Core.City;

namespace WasteNotify.Core.Prediction.Evaluation;

/// <summary>
/// The local time zone of outside data, whose features (time of day, weekday) are local: the one named, else one
/// the times' own offsets agree with at every hour they cover (the configured zone first), else an error. Times all in
/// UTC say nothing of the zone; a default zone is never assumed.
/// </summary>
public static class TraceZone
{
    /// <returns>The zone, and where it came from, for the user.</returns>
    /// <exception cref="ImportException">The named zone is unknown, or none can be told from the times.</exception>
    public static (TimeZoneInfo Zone, string Source) Resolve(string? named, string? configured, IEnumerable<DateTimeOffset> times)
    {
        ArgumentNullException.ThrowIfNull(times);
        if (named is not null)
        {
            return TimeZoneInfo.TryFindSystemTimeZoneById(named, out var zone) ? (zone, $"--tz {named}")
                : throw new ImportException("--tz", "tz", $"'{named}' is not a known time zone (an IANA id such as America/New_York)");
        }

        TimeZoneInfo? configuredZone = null;
        if (configured is not null && !TimeZoneInfo.TryFindSystemTimeZoneById(configured, out configuredZone))
        {
            throw new ImportException("City:TimeZone", "tz", $"'{configured}' is not a known time zone");
        }

        // One time per hour and offset is enough: zones change offset on the hour.
        var seen = new Dictionary<(long Hour, TimeSpan Offset), DateTimeOffset>();
        foreach (var time in times)
        {
            seen.TryAdd((time.UtcTicks / TimeSpan.TicksPerHour, time.Offset), time);
        }

        // Times with a local offset: all of them are checked, those at +00:00 too (winter in London, or a file that
        // mixes UTC with local times, which then fits no zone and needs --tz).
        var local = seen.Values.Any(t => t.Offset != TimeSpan.Zero) ? seen.Values.ToList() : [];
        if (local.Count == 0)
        {
            return configuredZone is not null ? (configuredZone, $"City:TimeZone {configured}")
                : throw new ImportException("times", "tz", seen.Count == 0
                    ? "there are no times to tell the local zone from: give --tz ZONE"
                    : "every time is in UTC, which does not say the local zone the features need (time of day, weekday): give --tz ZONE, such as --tz America/New_York");
        }

        if (configuredZone is not null && Agrees(configuredZone, local))
        {
            return (configuredZone, $"City:TimeZone {configured}, which the times' offsets agree with");
        }

        // One offset throughout (a day, or a season): that offset is the local time of every one of them, whichever
        // of the zones that had it then the city is in.
        if (local.Select(t => t.Offset).Distinct().Count() == 1)
        {
            var offset = local[0].Offset;
            var name = $"UTC{Format(offset)}";
            var fixedZone = TimeZoneInfo.CreateCustomTimeZone(name, offset, name, name);
            var contradicts = configuredZone is null ? "" : $"; City:TimeZone {configured} does not agree with them";
            return (fixedZone, $"{name}, the offset every time carries (give --tz to name the zone){contradicts}");
        }

        var found = TimeZoneInfo.GetSystemTimeZones().FirstOrDefault(z => Agrees(z, local))
            ?? throw new ImportException("times", "tz", $"no time zone has the times' offsets ({string.Join(", ", local.Select(t => t.Offset).Distinct().Order().Select(Format))}) at their dates: give --tz ZONE");
        var contradicted = configuredZone is null ? "" : $"; City:TimeZone {configured} does not agree with them";
        return (found, $"{found.Id}, the first zone the times' offsets agree with{contradicted}");
    }

    /// <summary>Whether the zone gives every one of the times the offset it carries.</summary>
    public static bool Agrees(TimeZoneInfo zone, IEnumerable<DateTimeOffset> times)
    {
        ArgumentNullException.ThrowIfNull(zone);
        ArgumentNullException.ThrowIfNull(times);
        return times.All(t => zone.GetUtcOffset(t) == t.Offset);
    }

    private static string Format(TimeSpan offset) => (offset < TimeSpan.Zero ? "-" : "+") + offset.ToString(@"hh\:mm", System.Globalization.CultureInfo.InvariantCulture);
}
