using System.Text;
using System.Text.Json;

namespace WasteNotify.Core.Telemetry;

/// <summary>
/// The fields both formats carry, read leniently and checked afterwards. Names are compared unescaped, so
/// <c>"\u0074s"</c> is <c>ts</c>; a field we read that comes twice is refused, since which one a reader takes is
/// anybody's guess. Unknown fields are ignored, so trackers can send more than we read.
/// </summary>
internal struct TelemetryFields(TelemetrySource source)
{
    private const int MaxTimestampBytes = 64;

    public DateTimeOffset? Timestamp;
    public double? Lat;
    public double? Lon;
    public double? Speed;
    public double? Heading;
    public double? Accuracy;
    public long? Seq;
    public string? Type;

    private static readonly (Field Field, byte[] Utf8, string Name)[] NativeFields = Names(
        (Field.Time, "ts"), (Field.Lat, "lat"), (Field.Lon, "lon"), (Field.Speed, "speed"), (Field.Heading, "heading"), (Field.Accuracy, "acc"), (Field.Seq, "seq"));

    private static readonly (Field Field, byte[] Utf8, string Name)[] OwnTracksFields = Names(
        (Field.Type, "_type"), (Field.Time, "tst"), (Field.Lat, "lat"), (Field.Lon, "lon"), (Field.Speed, "vel"), (Field.Heading, "cog"), (Field.Accuracy, "acc"));

    private Field _seen;

    [Flags]
    private enum Field
    {
        None = 0,
        Time = 1,
        Lat = 2,
        Lon = 4,
        Speed = 8,
        Heading = 16,
        Accuracy = 32,
        Seq = 64,
        Type = 128,
    }

    private readonly bool Native => source == TelemetrySource.Native;

    public readonly string? Missing() =>
        Timestamp is null ? (Native ? "ts" : "tst")
        : Lat is null ? "lat"
        : Lon is null ? "lon"
        : Native && Speed is null ? "speed"
        : Native && Heading is null ? "heading"
        : null;

    /// <summary>Reads the value after the property name the reader is on; leaves the reader on that value.</summary>
    public FieldProblem? Read(ref Utf8JsonReader reader)
    {
        var field = Identify(ref reader, out var name);
        reader.Read();
        if (field == Field.None)
        {
            return null;
        }

        if ((_seen & field) != 0)
        {
            return new FieldProblem(RejectReason.DuplicateField, $"field '{name}' appears more than once");
        }

        _seen |= field;
        return field switch
        {
            Field.Time when Native => ReadIsoTimestamp(ref reader),
            Field.Time => ReadUnixSeconds(ref reader),
            Field.Seq => ReadSequence(ref reader),
            Field.Type => ReadType(ref reader),
            Field.Lat => ReadNumber(ref reader, name, out Lat),
            Field.Lon => ReadNumber(ref reader, name, out Lon),
            Field.Speed => ReadNumber(ref reader, name, out Speed, nullable: true),
            Field.Heading => ReadNumber(ref reader, name, out Heading, nullable: true),
            _ => ReadNumber(ref reader, name, out Accuracy, nullable: true),
        };
    }

    private static (Field, byte[], string)[] Names(params (Field Field, string Name)[] fields) =>
        [.. fields.Select(f => (f.Field, Encoding.UTF8.GetBytes(f.Name), f.Name))];

    private readonly Field Identify(ref Utf8JsonReader reader, out string name)
    {
        foreach (var (field, utf8, fieldName) in Native ? NativeFields : OwnTracksFields)
        {
            if (reader.ValueTextEquals(utf8))
            {
                name = fieldName;
                return field;
            }
        }

        name = "";
        return Field.None;
    }

    /// <summary>
    /// Whether the string or property name the reader is on unescapes to valid UTF-16: <c>"\ud800"</c> is
    /// well-formed JSON but no text, and the reader throws when asked for it.
    /// </summary>
    public static bool EscapesAreValid(ref Utf8JsonReader reader)
    {
        if (!reader.ValueIsEscaped)
        {
            return true;
        }

        var length = reader.ValueSpan.Length;
        var buffer = length <= 256 ? stackalloc byte[length] : new byte[length];
        try
        {
            reader.CopyString(buffer);
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>Skips the value the reader is on, nested objects and arrays included, checking every string's escapes.</summary>
    public static string? SkipValidating(ref Utf8JsonReader reader)
    {
        if (reader.TokenType is not (JsonTokenType.StartObject or JsonTokenType.StartArray))
        {
            return reader.TokenType == JsonTokenType.String && !EscapesAreValid(ref reader)
                ? "a string holds an escape that is not valid UTF-16 (a lone surrogate)"
                : null;
        }

        var depth = reader.CurrentDepth;
        while (reader.Read() && reader.CurrentDepth > depth)
        {
            if (reader.TokenType is JsonTokenType.String or JsonTokenType.PropertyName && !EscapesAreValid(ref reader))
            {
                return "a nested string holds an escape that is not valid UTF-16 (a lone surrogate)";
            }
        }

        return null;
    }

    private FieldProblem? ReadIsoTimestamp(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            return FieldProblem.Invalid("field 'ts' must be an ISO 8601 string");
        }

        // Unescaped first: "\u005A" is a Z like any other. Unescaping never lengthens a string.
        var escaped = reader.ValueSpan.Length;
        if (escaped > 6 * MaxTimestampBytes)
        {
            return FieldProblem.Invalid("field 'ts' is too long for a time");
        }

        if (!EscapesAreValid(ref reader))
        {
            return FieldProblem.BadText("field 'ts' has an escape that is not valid UTF-16");
        }

        Span<byte> text = stackalloc byte[escaped];
        var length = reader.CopyString(text);
        if (!HasUtcOffset(text[..length]) || !reader.TryGetDateTimeOffset(out var ts))
        {
            return FieldProblem.Invalid("field 'ts' must be an ISO 8601 time with a UTC offset, e.g. 2026-11-22T07:00:00.000Z");
        }

        Timestamp = ts.ToUniversalTime();
        return null;
    }

    private FieldProblem? ReadUnixSeconds(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.Number || !reader.TryGetDouble(out var seconds) || !double.IsFinite(seconds)
            || seconds < 0 || seconds > 253_402_300_799)
        {
            return FieldProblem.Invalid("field 'tst' must be Unix seconds");
        }

        Timestamp = DateTimeOffset.FromUnixTimeMilliseconds((long)(seconds * 1000));
        return null;
    }

    private FieldProblem? ReadSequence(ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out var seq) || seq < 0)
        {
            return FieldProblem.Invalid("field 'seq' must be a non-negative integer");
        }

        Seq = seq;
        return null;
    }

    private FieldProblem? ReadType(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            return FieldProblem.Invalid("field '_type' must be a string");
        }

        if (!EscapesAreValid(ref reader))
        {
            return FieldProblem.BadText("field '_type' has an escape that is not valid UTF-16");
        }

        var length = reader.ValueSpan.Length;
        var buffer = length <= 256 ? stackalloc byte[length] : new byte[length];
        Type = Encoding.UTF8.GetString(buffer[..reader.CopyString(buffer)]);
        return null;
    }

    private static FieldProblem? ReadNumber(ref Utf8JsonReader reader, string name, out double? value, bool nullable = false)
    {
        value = null;
        if (nullable && reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        if (reader.TokenType != JsonTokenType.Number || !reader.TryGetDouble(out var number) || !double.IsFinite(number))
        {
            return FieldProblem.Invalid($"field '{name}' must be a finite number");
        }

        value = number;
        return null;
    }

    // A time without 'Z' or an offset would be read in the server's zone: refuse the ambiguity.
    private static bool HasUtcOffset(ReadOnlySpan<byte> text) =>
        text.Length > 10 && (text[^1] is (byte)'Z' or (byte)'z'
            || (text.Length > 16 && text[^6] is (byte)'+' or (byte)'-' && text[^3] == (byte)':'));
}

/// <summary>Why a field could not be read.</summary>
internal readonly record struct FieldProblem(RejectReason Reason, string Detail)
{
    public static FieldProblem Invalid(string detail) => new(RejectReason.InvalidField, detail);

    public static FieldProblem BadText(string detail) => new(RejectReason.InvalidEncoding, detail);
}
