namespace WasteNotify.Twilio;

/// <summary>What the caller should do after a send.</summary>
public enum TwilioOutcome
{
    /// <summary>Twilio created the message; delivery is reported later by status callbacks.</summary>
    Accepted,

    /// <summary>429, 5xx, a timeout or a transport failure: the same message may be sent again later.</summary>
    Retry,

    /// <summary>Error 21610: the recipient replied STOP; do not send again until they opt back in.</summary>
    RecipientUnsubscribed,

    /// <summary>Errors 21211 and 21614: the number is not a valid (mobile) number.</summary>
    InvalidRecipient,

    /// <summary>Any other 4xx: sending the same request again will fail the same way.</summary>
    Rejected,
}
