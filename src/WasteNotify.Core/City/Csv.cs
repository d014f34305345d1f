using System.Globalization;
using System.Text;

namespace WasteNotify.Core.City;

/// <summary>RFC 4180 reading and writing shared by the CSV imports: comma-separated, double quotes around fields holding commas, quotes or line breaks.</summary>
internal static class Csv
{
    /// <summary>ISO 8601 with the offset, to the tick: what the writers write.</summary>
    public const string TimeFormat = "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz";
    private static readonly string[] TimeFormats = [TimeFormat, "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'"];

    public static string Quote(string field) =>
        field.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + field.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : field;

    public static double Number(string text, string at, string field, double min, double max) =>
        double.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
            ? value
            : throw new ImportException(at, field, $"'{text}' is not a number from {min} to {max}");

    /// <summary>An ISO 8601 time with an offset or Z; a time without one would be guessed at, so it is refused.</summary>
    public static DateTimeOffset Time(string text, string at, string field) =>
        TryTime(text, out var time) ? time
        : throw new ImportException(at, field, $"'{text}' is not an ISO 8601 time with an offset or Z, like 2025-03-04T07:15:00+01:00");

    public static bool TryTime(string text, out DateTimeOffset time) =>
        DateTimeOffset.TryParseExact(text.Trim(), TimeFormats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out time);

    public static string Format(DateTimeOffset time) => time.ToString(TimeFormat, CultureInfo.InvariantCulture);

    /// <summary>A number as the shortest text that reads back to the same double.</summary>
    public static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>The header, then each row's fields (already quoted where they need it), one record a line.</summary>
    public static void Write(TextWriter writer, string header, IEnumerable<string[]> rows)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(rows);
        writer.Write(header + "\n");
        foreach (var row in rows)
        {
            writer.Write(string.Join(',', row) + "\n");
        }
    }

    /// <summary>
    /// The rows under a header that names its columns in any order and case (other columns are ignored; blank lines
    /// are skipped): each row's location, "line N", and its fields by lower-case column name ("" for a known column the
    /// file does not have). The first malformed row ends the reading with an <see cref="ImportException"/>.
    /// </summary>
    public static IEnumerable<(string At, Func<string, string> Field)> ReadTable(TextReader reader, IReadOnlyList<string> known, IReadOnlyList<string> required) =>
        ReadRows(reader, known, required).Select(r => r.Problem is { } problem ? throw new ImportException(r.At, "row", problem) : (r.At, r.Field));

    /// <summary>
    /// As <see cref="ReadTable"/>, but a malformed row (a field count unlike the header's, a quote never closed) comes
    /// as a row with its <see cref="CsvRow.Problem"/>, so that a reader refusing rows one by one goes on after it. A
    /// header it cannot use is still an <see cref="ImportException"/>.
    /// </summary>
    public static IEnumerable<CsvRow> ReadRows(TextReader reader, IReadOnlyList<string> known, IReadOnlyList<string> required)
    {
        using var records = ReadRecords(reader).GetEnumerator();
        var header = records.MoveNext() ? records.Current.Fields
            : throw new ImportException("line 1", "header", $"is missing (needs {string.Join(", ", required)})");
        var columns = Columns(header, known, required);
        while (true)
        {
            CsvRow? unclosed = null;
            try
            {
                if (!records.MoveNext())
                {
                    break;
                }
            }
            catch (ImportException ex)
            {
                unclosed = new CsvRow(int.Parse(ex.Location.AsSpan("line ".Length), CultureInfo.InvariantCulture), _ => "", ex.Problem);
            }

            if (unclosed is { } last)
            {
                yield return last; // a quote never closed runs to the end of the file: there is no next row
                break;
            }

            var (line, fields) = records.Current;
            if (fields is [""])
            {
                continue; // a blank line
            }

            yield return fields.Count != header.Count
                ? new CsvRow(line, name => columns.TryGetValue(name, out var i) && i < fields.Count ? fields[i].Trim() : "", // what it has, to tell whose row it is
                    $"{fields.Count} fields, expected {header.Count} as in the header")
                : new CsvRow(line, name => columns.TryGetValue(name, out var i) ? fields[i].Trim() : "", null);
        }
    }

    /// <summary>Where each known column is in a header that names them in any order and case; a required one missing, or one named twice, is refused.</summary>
    public static Dictionary<string, int> Columns(IReadOnlyList<string> header, IReadOnlyList<string> known, IReadOnlyList<string> required)
    {
        var columns = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < header.Count; i++)
        {
            var name = header[i].Trim().ToLowerInvariant();
            if (known.Contains(name) && !columns.TryAdd(name, i))
            {
                throw new ImportException("line 1", "header", $"names '{name}' twice");
            }
        }

        if (required.FirstOrDefault(c => !columns.ContainsKey(c)) is { } missing)
        {
            throw new ImportException("line 1", "header", $"has no '{missing}' column");
        }

        return columns;
    }

    /// <summary>Splits RFC 4180 records, reporting the line each starts on; quoted fields may span lines.</summary>
    public static IEnumerable<(int Line, List<string> Fields)> ReadRecords(TextReader reader)
    {
        var line = 1;
        while (reader.Peek() >= 0)
        {
            var start = line;
            var fields = new List<string>();
            var field = new StringBuilder();
            var quoted = false;
            var fieldStart = true;
            while (true)
            {
                var c = reader.Read();
                if (c < 0)
                {
                    if (quoted)
                    {
                        throw new ImportException($"line {start}", "row", "a quoted field is never closed");
                    }

                    break;
                }

                if (quoted)
                {
                    if (c == '"')
                    {
                        if (reader.Peek() == '"')
                        {
                            reader.Read();
                            field.Append('"');
                        }
                        else
                        {
                            quoted = false;
                        }
                    }
                    else
                    {
                        if (c == '\n')
                        {
                            line++;
                        }

                        field.Append((char)c);
                    }

                    continue;
                }

                if (c == '"' && fieldStart)
                {
                    quoted = true;
                    fieldStart = false;
                }
                else if (c == ',')
                {
                    fields.Add(field.ToString());
                    field.Clear();
                    fieldStart = true;
                }
                else if (c == '\n')
                {
                    line++;
                    break;
                }
                else if (c != '\r')
                {
                    field.Append((char)c);
                    fieldStart = false;
                }
            }

            fields.Add(field.ToString());
            yield return (start, fields);
        }
    }
}

/// <summary>A row of a CSV table: its line, its fields by lower-case column name, and what makes it unreadable, if anything.</summary>
internal readonly record struct CsvRow(int Line, Func<string, string> Field, string? Problem)
{
    public string At => $"line {Line}";
}
