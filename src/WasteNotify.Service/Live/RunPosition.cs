namespace WasteNotify.Service.Live;

/// <summary>
/// A truck's run as the operators' map shows it, at most once a second: where it is, its progress, its next stop, how
/// far behind plan it is (<c>DelaySeconds</c>, as in <c>/api/tracking</c>) and which predictor made its ETAs.
/// </summary>
public sealed record RunPosition(long RunId, string RouteId, string TruckId, string Status, double? Latitude, double? Longitude, double? ProgressMeters,
    double PathMeters, DateTimeOffset? LastFixAt, int StopsDone, int StopsToCome, StopEtaView? NextStop, IReadOnlyList<string> Anomalies,
    double? DelaySeconds, string Predictor, int? ModelVersion);
