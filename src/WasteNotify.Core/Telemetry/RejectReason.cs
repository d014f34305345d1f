namespace WasteNotify.Core.Telemetry;

/// <summary>Why a message was not stored; each is counted separately.</summary>
public enum RejectReason
{
    PayloadTooLarge,
    UnknownTopic,
    UnknownDevice,
    MalformedJson,
    MissingField,
    InvalidField,
    InvalidCoordinates,
    InvalidSpeed,
    InvalidHeading,
    TimestampInFuture,
    TimestampTooOld,
}

public static class RejectReasons
{
    public static IReadOnlyList<RejectReason> All { get; } = Enum.GetValues<RejectReason>();

    /// <summary>The snake_case label used in metrics and the API.</summary>
    public static string Label(this RejectReason reason) => reason switch
    {
        RejectReason.PayloadTooLarge => "payload_too_large",
        RejectReason.UnknownTopic => "unknown_topic",
        RejectReason.UnknownDevice => "unknown_device",
        RejectReason.MalformedJson => "malformed_json",
        RejectReason.MissingField => "missing_field",
        RejectReason.InvalidField => "invalid_field",
        RejectReason.InvalidCoordinates => "invalid_coordinates",
        RejectReason.InvalidSpeed => "invalid_speed",
        RejectReason.InvalidHeading => "invalid_heading",
        RejectReason.TimestampInFuture => "timestamp_in_future",
        RejectReason.TimestampTooOld => "timestamp_too_old",
        _ => throw new ArgumentOutOfRangeException(nameof(reason), reason, null),
    };
}
