using System.Collections.Frozen;

namespace WasteNotify.Core.Notifications;

/// <summary>
/// Recognises opt-out, opt-in and help requests the way Twilio does, and the concierge's "bins out" / "bins in"
/// reports: the whole message is one keyword, whatever its case, accents, surrounding spaces and trailing punctuation.
/// </summary>
public static class SmsKeyword
{
    private const int LongestKeyword = 11;

    private static readonly FrozenDictionary<string, SmsKeywordKind> Keywords = new Dictionary<string, SmsKeywordKind>
    {
        ["STOP"] = SmsKeywordKind.Stop,
        ["STOPALL"] = SmsKeywordKind.Stop,
        ["UNSUBSCRIBE"] = SmsKeywordKind.Stop,
        ["CANCEL"] = SmsKeywordKind.Stop,
        ["END"] = SmsKeywordKind.Stop,
        ["QUIT"] = SmsKeywordKind.Stop,
        ["ARRET"] = SmsKeywordKind.Stop,
        ["REVOKE"] = SmsKeywordKind.Stop,
        ["OPTOUT"] = SmsKeywordKind.Stop,
        ["START"] = SmsKeywordKind.Start,
        ["YES"] = SmsKeywordKind.Start,
        ["UNSTOP"] = SmsKeywordKind.Start,
        ["OPTIN"] = SmsKeywordKind.Start,
        ["HELP"] = SmsKeywordKind.Help,
        ["INFO"] = SmsKeywordKind.Help,
        ["AIDE"] = SmsKeywordKind.Help,
        ["OUT"] = SmsKeywordKind.BinsOut,
        ["SORTI"] = SmsKeywordKind.BinsOut,
        ["SORTIS"] = SmsKeywordKind.BinsOut,
        ["SORTIE"] = SmsKeywordKind.BinsOut,
        ["SORTIES"] = SmsKeywordKind.BinsOut,
        ["IN"] = SmsKeywordKind.BinsIn,
        ["BACK"] = SmsKeywordKind.BinsIn,
        ["RENTRE"] = SmsKeywordKind.BinsIn,
        ["RENTRES"] = SmsKeywordKind.BinsIn,
        ["RENTREE"] = SmsKeywordKind.BinsIn,
        ["RENTREES"] = SmsKeywordKind.BinsIn,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    // The globalization-invariant runtime cannot decompose accents, so the French ones are folded by hand.
    private const string Accented = "ÀÁÂÃÄÅàáâãäåÇçÈÉÊËèéêëÌÍÎÏìíîïÑñÒÓÔÕÖòóôõöÙÚÛÜùúûüÝýÿ";
    private const string Plain = "AAAAAAAAAAAACCEEEEEEEEIIIIIIIINNOOOOOOOOOOUUUUUUUUYYY";

    public static SmsKeywordKind Parse(string? body)
    {
        var text = body.AsSpan().Trim().TrimEnd(TrailingPunctuation);
        if (text.IsEmpty || text.Length > LongestKeyword)
        {
            return SmsKeywordKind.None;
        }

        Span<char> folded = stackalloc char[text.Length];
        for (var i = 0; i < text.Length; i++)
        {
            var accent = Accented.IndexOf(text[i], StringComparison.Ordinal);
            folded[i] = accent >= 0 ? Plain[accent] : char.ToUpperInvariant(text[i]);
        }

        return Keywords.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(folded, out var kind) ? kind : SmsKeywordKind.None;
    }

    private static ReadOnlySpan<char> TrailingPunctuation => ".!?;:,… \t\r\n\u00A0\u202F";
}
