using System.Text;

namespace WasteNotify.Core.Telemetry;

/// <summary>
/// Truck ids as fleets write them (<c>Truck 12</c>, <c>JC-4/B</c>, <c>Ĉamion 3</c>) and their topic form, the one MQTT
/// topics and broker usernames carry: ASCII letters, digits, <c>.</c>, <c>_</c> and <c>-</c> stand for themselves, every
/// other UTF-8 byte is <c>%</c> and two upper-case hex digits (<c>Truck 12</c> is <c>Truck%2012</c>). Reversible, so
/// no two ids share a topic, and an id that was valid before (<c>truck-0</c>) keeps its topic and account.
/// </summary>
public static class TruckIds
{
    public const int MaxLength = 64;

    /// <summary>Why <paramref name="id"/> cannot be a truck id, or null when it can: what a refusal says after the id.</summary>
    public static string? Problem(ReadOnlySpan<char> id)
    {
        if (id.IsEmpty)
        {
            return "is empty";
        }

        if (id.Length > MaxLength)
        {
            return $"is {id.Length} characters long, at most {MaxLength}";
        }

        if (char.IsWhiteSpace(id[0]) || char.IsWhiteSpace(id[^1]))
        {
            return "starts or ends with a space";
        }

        for (var i = 0; i < id.Length; i++)
        {
            if (char.IsControl(id[i]))
            {
                return $"holds a control character (U+{(int)id[i]:X4}) at {i + 1}";
            }

            if (char.IsHighSurrogate(id[i]) && i + 1 < id.Length && char.IsLowSurrogate(id[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(id[i]))
            {
                return $"holds a lone surrogate (U+{(int)id[i]:X4}) at {i + 1}, which is no text";
            }
        }

        return null;
    }

    public static bool IsValid(ReadOnlySpan<char> id) => Problem(id) is null;

    /// <summary>The id as a topic level and broker username; <paramref name="id"/> must be valid.</summary>
    public static string TopicForm(string id)
    {
        if (IsPlain(id))
        {
            return id;
        }

        var text = new StringBuilder(id.Length * 3);
        foreach (var b in Encoding.UTF8.GetBytes(id))
        {
            if (IsPlain((char)b))
            {
                text.Append((char)b);
            }
            else
            {
                text.Append('%').Append(Hex[b >> 4]).Append(Hex[b & 0xF]);
            }
        }

        return text.ToString();
    }

    /// <summary>
    /// The truck id a topic level names, or null when it is not the topic form of a valid id: only the canonical form
    /// is read (<c>%41</c> for <c>A</c> is not), so one truck has exactly one topic and one account.
    /// </summary>
    public static string? FromTopicForm(ReadOnlySpan<char> level)
    {
        if (level.IsEmpty || level.Length > MaxLength * 12)
        {
            return null;
        }

        if (IsPlain(level))
        {
            return level.Length <= MaxLength ? level.ToString() : null;
        }

        var bytes = new byte[level.Length];
        var count = 0;
        for (var i = 0; i < level.Length; i++)
        {
            var c = level[i];
            if (IsPlain(c))
            {
                bytes[count++] = (byte)c;
            }
            else if (c == '%' && i + 2 < level.Length && HexValue(level[i + 1]) is { } high && HexValue(level[i + 2]) is { } low)
            {
                bytes[count++] = (byte)((high << 4) | low);
                i += 2;
            }
            else
            {
                return null;
            }
        }

        string id;
        try
        {
            id = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes, 0, count);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }

        return IsValid(id) && level.SequenceEqual(TopicForm(id)) ? id : null;
    }

    private const string Hex = "0123456789ABCDEF";

    private static bool IsPlain(char c) => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.';

    private static bool IsPlain(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            if (!IsPlain(c))
            {
                return false;
            }
        }

        return true;
    }

    private static int? HexValue(char c) => c is >= '0' and <= '9' ? c - '0' : c is >= 'A' and <= 'F' ? c - 'A' + 10 : null;
}
