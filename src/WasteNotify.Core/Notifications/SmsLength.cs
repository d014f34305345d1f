namespace WasteNotify.Core.Notifications;

/// <summary>
/// How an SMS text is sent: its encoding ("GSM-7" or "UCS-2"), how many SMS it takes, and its length in that
/// encoding's units (septets, where an extension-table character takes two; UTF-16 code units).
/// </summary>
public readonly record struct SmsLength(string Encoding, int Segments, int Characters);
