using System.Globalization;
using System.Text;

namespace WasteNotify.Core.City;

/// <summary>RFC 4180 reading and writing shared by the CSV imports: comma-separated, double quotes around fields holding commas, quotes or line breaks.</summary>
internal static class Csv
{
    public static string Quote(string field) =>
        field.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + field.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : field;

    public static double Number(string text, string at, string field, double min, double max) =>
        double.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
            ? value
            : throw new ImportException(at, field, $"'{text}' is not a number from {min} to {max}");

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
