namespace WasteNotify.Core.Prediction.Evaluation;

/// <summary>Where a recorded run stopped and when; a skipped stop has no arrival or departure.</summary>
public sealed record RecordedStop(
    int Sequence, string? BuildingId, double Latitude, double Longitude, DateTimeOffset? Arrival, DateTimeOffset? Departure, bool Skipped);
