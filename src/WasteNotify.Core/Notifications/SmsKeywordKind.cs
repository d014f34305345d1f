namespace WasteNotify.Core.Notifications;

public enum SmsKeywordKind
{
    None,
    Stop,
    Start,
    Help,

    /// <summary>The concierge says the bins are out ("OUT", "SORTIS").</summary>
    BinsOut,

    /// <summary>The concierge says the bins are back in ("IN", "RENTRES").</summary>
    BinsIn,
}
