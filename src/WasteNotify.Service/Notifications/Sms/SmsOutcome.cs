namespace WasteNotify.Service.Notifications;

/// <summary>What happened to one try at sending an SMS.</summary>
public enum SmsOutcome
{
    /// <summary>Taken by the provider (its status callbacks tell the rest).</summary>
    Accepted,

    /// <summary>Written to the log: no provider is configured, nothing was sent.</summary>
    Logged,

    /// <summary>Not taken this time (throttled, provider or network down): try again later.</summary>
    Retry,

    /// <summary>The recipient opted out at the provider (Twilio 21610).</summary>
    Unsubscribed,

    /// <summary>Not a valid phone number (Twilio 21211).</summary>
    InvalidNumber,

    /// <summary>Not a number that can receive SMS, such as a landline (Twilio 21614).</summary>
    NotMobile,

    /// <summary>Refused for another reason: trying again would not help.</summary>
    Rejected,
}
