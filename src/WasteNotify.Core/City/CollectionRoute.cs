using WasteNotify.Core.Streets;

namespace WasteNotify.Core.City;

/// <summary>When a route is driven: on these weekdays, starting at this local time.</summary>
public sealed record RouteSchedule(IReadOnlyList<DayOfWeek> Weekdays, TimeOnly PlannedStart);

/// <summary>A collection route: buildings in visiting order, the street path from the depot through them and back.</summary>
public sealed record CollectionRoute(string Id, string? TruckId, IReadOnlyList<string> Stops, IReadOnlyList<GeoPoint> Path, RouteSchedule? Schedule);
