namespace WasteNotify.Service.Tracking;

/// <summary>
/// A building's collection today: "upcoming" with its predicted arrival and bounds (and which predictor made them),
/// "served" / "skipped" with what the truck did, or "cancelled" (the run was cancelled before it came). The live pages' contract too.
/// The truck's position (<c>TruckLatitude</c>, <c>TruckLongitude</c>) is given only once it is near: its early bound
/// within <see cref="NearWithin"/> of its latest fix; farther, where it drives is none of the building's business.
/// </summary>
public sealed record BuildingEta(string BuildingId, long RunId, string RouteId, string TruckId, int Sequence, string Status,
    DateTimeOffset? Eta, DateTimeOffset? Early, DateTimeOffset? Late, DateTimeOffset? ArrivedAt, DateTimeOffset? DepartedAt,
    string Predictor, DateTimeOffset MadeAt, double? TruckLatitude = null, double? TruckLongitude = null)
{
    public static readonly TimeSpan NearWithin = TimeSpan.FromMinutes(15);

    /// <summary>What a tracked run says of one of its buildings (null if the building is not on it).</summary>
    public static BuildingEta? Of(RunSnapshot run, string buildingId)
    {
        if (run.Upcoming.FirstOrDefault(s => s.BuildingId == buildingId) is { } next)
        {
            return run.Status == "cancelled"
                ? new BuildingEta(buildingId, run.RunId, run.RouteId, run.TruckId, next.Sequence, "cancelled", null, null, null, null, null, run.Predictor, run.MadeAt)
                : new BuildingEta(buildingId, run.RunId, run.RouteId, run.TruckId, next.Sequence, "upcoming", next.Eta, next.Early, next.Late,
                    null, null, run.Predictor, run.MadeAt, Near(run, next) ? run.Latitude : null, Near(run, next) ? run.Longitude : null);
        }

        return run.Done.FirstOrDefault(s => s.BuildingId == buildingId) is { } done
            ? new BuildingEta(buildingId, run.RunId, run.RouteId, run.TruckId, done.Sequence, done.Status, null, null, null, done.ArrivedAt, done.DepartedAt,
                run.Predictor, run.MadeAt)
            : null;
    }

    private static bool Near(RunSnapshot run, StopEta next) => run.Latitude is not null && run.Longitude is not null && next.Early - run.MadeAt <= NearWithin;
}
