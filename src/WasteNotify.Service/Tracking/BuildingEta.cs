namespace WasteNotify.Service.Tracking;

/// <summary>
/// A building's collection today: "upcoming" with its predicted arrival and bounds (and which predictor made them),
/// "served" / "skipped" with what the truck did, or "cancelled" (the run was cancelled before it came). The live pages' contract too.
/// </summary>
public sealed record BuildingEta(string BuildingId, long RunId, string RouteId, string TruckId, int Sequence, string Status,
    DateTimeOffset? Eta, DateTimeOffset? Early, DateTimeOffset? Late, DateTimeOffset? ArrivedAt, DateTimeOffset? DepartedAt,
    string Predictor, DateTimeOffset MadeAt)
{
    /// <summary>What a tracked run says of one of its buildings (null if the building is not on it).</summary>
    public static BuildingEta? Of(RunSnapshot run, string buildingId)
    {
        if (run.Upcoming.FirstOrDefault(s => s.BuildingId == buildingId) is { } next)
        {
            return run.Status == "cancelled"
                ? new BuildingEta(buildingId, run.RunId, run.RouteId, run.TruckId, next.Sequence, "cancelled", null, null, null, null, null, run.Predictor, run.MadeAt)
                : new BuildingEta(buildingId, run.RunId, run.RouteId, run.TruckId, next.Sequence, "upcoming", next.Eta, next.Early, next.Late,
                    null, null, run.Predictor, run.MadeAt);
        }

        return run.Done.FirstOrDefault(s => s.BuildingId == buildingId) is { } done
            ? new BuildingEta(buildingId, run.RunId, run.RouteId, run.TruckId, done.Sequence, done.Status, null, null, null, done.ArrivedAt, done.DepartedAt,
                run.Predictor, run.MadeAt)
            : null;
    }
}
