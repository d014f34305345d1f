namespace WasteNotify.Core.Notifications;

public enum SmsKeywordKind
{
    None,
    Stop,
    Start,
    Help,
}
