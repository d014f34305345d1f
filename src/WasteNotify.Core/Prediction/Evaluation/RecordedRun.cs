namespace WasteNotify.Core.Prediction.Evaluation;

/// <summary>
/// A truck's recorded run: its stops in order of sequence, and, when the file says, the route it ran (runs of one
/// route share their history, whatever their stops) and the vehicle that ran it (the fleet's own id).
/// </summary>
public sealed record RecordedRun(string RunId, IReadOnlyList<RecordedStop> Stops, string? RouteId = null, string? TruckId = null);
