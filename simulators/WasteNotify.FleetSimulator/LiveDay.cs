using WasteNotify.FleetSimulator.Simulation;

namespace WasteNotify.FleetSimulator;

/// <summary>Today's simulated day of every truck, from its first sample to its last delivered fix, and the shift that makes it end now.</summary>
internal sealed record LiveDay(List<(TruckDayTrace Trace, List<EmittedFix> Fixes)> Days, DateTimeOffset Start, DateTimeOffset End, TimeSpan Shift)
{
    /// <summary>
    /// When the shifted day starts, as a local date and a time rounded down to the minute: a run planned then has
    /// started by the time its first fix comes.
    /// </summary>
    public (DateOnly Date, TimeOnly Time) PlannedStart(TimeZoneInfo zone)
    {
        var local = TimeZoneInfo.ConvertTime(Start + Shift, zone).DateTime;
        return (DateOnly.FromDateTime(local), new TimeOnly(local.Hour, local.Minute));
    }

    /// <summary>The same start as an instant, with the zone's offset then.</summary>
    public DateTimeOffset PlannedAt(TimeZoneInfo zone)
    {
        var (date, time) = PlannedStart(zone);
        var local = date.ToDateTime(time);
        return new DateTimeOffset(local, zone.GetUtcOffset(local));
    }
}
