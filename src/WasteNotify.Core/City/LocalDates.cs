namespace WasteNotify.Core.City;

/// <summary>The city's calendar: which local day an instant falls on in the city's time zone (runs, "today", history are dated by it).</summary>
public static class LocalDates
{
    public static DateOnly DateAt(this TimeZoneInfo zone, DateTimeOffset at) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(at, zone).DateTime);
}
