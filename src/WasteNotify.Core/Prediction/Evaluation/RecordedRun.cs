namespace WasteNotify.Core.Prediction.Evaluation;

/// <summary>A truck's recorded run: its stops in order of sequence.</summary>
public sealed record RecordedRun(string RunId, IReadOnlyList<RecordedStop> Stops);
