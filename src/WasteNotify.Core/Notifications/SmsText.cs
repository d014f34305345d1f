using System.Buffers;

namespace WasteNotify.Core.Notifications;

/// <summary>Counts what an SMS text costs, as GSM 03.38 (3GPP TS 23.038) defines it.</summary>
public static class SmsText
{
    public const string Gsm7 = "GSM-7";
    public const string Ucs2 = "UCS-2";

    /// <summary>
    /// The default alphabet in table order, without 0x1B (the escape to the extension table). It has
    /// é è à ù ì ò É and the capital Ç, but not ê â î ô û, nor the small ç.
    /// </summary>
    private const string BasicCharacters =
        "@£$¥èéùìòÇ\nØø\rÅå" +
        "\u0394_\u03A6\u0393\u039B\u03A9\u03A0\u03A8\u03A3\u0398\u039EÆæßÉ" +
        " !\"#¤%&'()*+,-./0123456789:;<=>?" +
        "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§" +
        "¿abcdefghijklmnopqrstuvwxyzäöñüà";

    /// <summary>The extension table: each is sent as the escape and the character, two septets.</summary>
    private const string ExtensionCharacters = "\f^{}\\[~]|€";

    private static readonly SearchValues<char> Gsm = SearchValues.Create(BasicCharacters + ExtensionCharacters);
    private static readonly SearchValues<char> Extension = SearchValues.Create(ExtensionCharacters);

    /// <summary>The encoding, SMS count and length of a text; an empty text takes no SMS.</summary>
    public static SmsLength Segments(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var gsm = !text.AsSpan().ContainsAnyExcept(Gsm);

        // A long text is split into parts that each lose room to the concatenation header.
        var (single, part) = gsm ? (160, 153) : (70, 67);
        int total = 0, segments = 1, used = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var size = gsm
                ? (Extension.Contains(text[i]) ? 2 : 1)
                : (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]) ? 2 : 1);

            // An escaped character or a surrogate pair is never split between two parts.
            if (used + size > part)
            {
                segments++;
                used = 0;
            }

            used += size;
            total += size;
            if (!gsm && size == 2)
            {
                i++;
            }
        }

        return new SmsLength(gsm ? Gsm7 : Ucs2, total == 0 ? 0 : total <= single ? 1 : segments, total);
    }
}
