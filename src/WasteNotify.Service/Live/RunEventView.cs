namespace WasteNotify.Service.Live;

/// <summary>A stop decided by tracking, or an anomaly it reported.</summary>
public sealed record RunEventView(long RunId, string TruckId, string Kind, int Sequence, DateTimeOffset At, string? Detail);
