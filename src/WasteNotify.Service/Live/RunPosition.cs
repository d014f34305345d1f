namespace WasteNotify.Service.Live;

/// <summary>A truck's run as the operators' map shows it, at most once a second.</summary>
public sealed record RunPosition(long RunId, string RouteId, string TruckId, string Status, double? Latitude, double? Longitude, double? ProgressMeters,
    double PathMeters, DateTimeOffset? LastFixAt, int StopsDone, int StopsToCome, StopEtaView? NextStop, IReadOnlyList<string> Anomalies);
