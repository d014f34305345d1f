namespace WasteNotify.Core.Telemetry;

/// <summary>Why a message was not stored; each is counted separately.</summary>
public enum RejectReason
{
    PayloadTooLarge,
    UnknownTopic,
    UnknownDevice,
    UnknownTruck,
    InvalidEncoding,
    MalformedJson,
    DuplicateField,
    MissingField,
    InvalidField,
    InvalidCoordinates,
    InvalidSpeed,
    InvalidHeading,
    TimestampInFuture,
    TimestampTooOld,

    /// <summary>PostgreSQL refused the row itself (a data exception), so it can never be stored.</summary>
    DatabaseRefused,

    /// <summary>Handling the message threw: a bug of ours, counted so that it never stops ingest.</summary>
    InternalError,
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
        RejectReason.UnknownTruck => "unknown_truck",
        RejectReason.InvalidEncoding => "invalid_encoding",
        RejectReason.MalformedJson => "malformed_json",
        RejectReason.DuplicateField => "duplicate_field",
        RejectReason.MissingField => "missing_field",
        RejectReason.InvalidField => "invalid_field",
        RejectReason.InvalidCoordinates => "invalid_coordinates",
        RejectReason.InvalidSpeed => "invalid_speed",
        RejectReason.InvalidHeading => "invalid_heading",
        RejectReason.TimestampInFuture => "timestamp_in_future",
        RejectReason.TimestampTooOld => "timestamp_too_old",
        RejectReason.DatabaseRefused => "database_refused",
        RejectReason.InternalError => "internal_error",
        _ => throw new ArgumentOutOfRangeException(nameof(reason), reason, null),
    };

    /// <summary>The reason of a label, for the API's <c>?reason=</c> filter.</summary>
    public static RejectReason? FromLabel(string label) => All.Cast<RejectReason?>().FirstOrDefault(r => r!.Value.Label() == label);
}
