namespace WasteNotify.Core.Telemetry;

public enum TelemetryOutcome
{
    Accepted,
    Rejected,

    /// <summary>Legitimate traffic that carries no position (OwnTracks transitions, last wills, cards).</summary>
    Ignored,
}

/// <summary>A fix, or the reason (and a human-readable detail) why the message gave none.</summary>
public readonly record struct TelemetryParseResult(TelemetryOutcome Outcome, TelemetryFix Fix, RejectReason Reason, string? Detail)
{
    public static TelemetryParseResult Accept(TelemetryFix fix) => new(TelemetryOutcome.Accepted, fix, default, null);

    public static TelemetryParseResult Reject(RejectReason reason, string detail) => new(TelemetryOutcome.Rejected, default, reason, detail);

    public static TelemetryParseResult Ignore(string detail) => new(TelemetryOutcome.Ignored, default, default, detail);
}
