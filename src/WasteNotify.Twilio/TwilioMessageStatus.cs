namespace WasteNotify.Twilio;

/// <summary>A Message resource's status, as in the status field and the MessageStatus callback parameter.</summary>
public enum TwilioMessageStatus
{
    Accepted,
    Scheduled,
    Queued,
    Sending,
    Sent,
    Delivered,
    Undelivered,
    Failed,
    Receiving,
    Received,
    Read,
    Canceled,
}
