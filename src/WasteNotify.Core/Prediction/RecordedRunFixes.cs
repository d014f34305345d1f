using WasteNotify.Core.Tracking;

namespace WasteNotify.Core.Prediction;

/// <summary>
/// A finished run to learn from or score on: its route, its date and planned start, its fixes as they arrived, and,
/// when the service recorded them, its stop events (the labels; without them, a replay of the fixes decides them).
/// </summary>
public sealed record RecordedRunFixes(TrackedRoute Route, DateOnly Date, DateTimeOffset PlannedStart, IReadOnlyList<TrackedFix> Fixes, PastRun? Recorded = null);
