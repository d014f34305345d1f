using System.Globalization;
using System.Text;

namespace WasteNotify.Core.City;

/// <summary>
/// Buildings as CSV (RFC 4180: comma-separated, double quotes around fields holding commas, quotes or line
/// breaks) with the header <c>id,address,lat,lon,bins,access_notes</c>. A file with any bad row is refused whole.
/// </summary>
public static class BuildingCsv
{
    public const string Header = "id,address,lat,lon,bins,access_notes";
    private static readonly string[] Columns = Header.Split(',');

    public static IReadOnlyList<Building> Read(TextReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var rows = ReadRecords(reader).ToList();
        if (rows.Count == 0 || !rows[0].Fields.Select(f => f.Trim().ToLowerInvariant()).SequenceEqual(Columns))
        {
            throw new ImportException("line 1", "header", $"expected '{Header}'");
        }

        var buildings = new List<Building>();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (line, fields) in rows.Skip(1))
        {
            if (fields is [""])
            {
                continue; // a blank line
            }

            var at = $"line {line}";
            if (fields.Count != Columns.Length)
            {
                throw new ImportException(at, "row", $"{fields.Count} fields, expected {Columns.Length}");
            }

            var id = fields[0].Trim();
            if (id.Length == 0)
            {
                throw new ImportException(at, "id", "is empty");
            }

            if (!ids.Add(id))
            {
                throw new ImportException(at, "id", $"'{id}' appears twice");
            }

            var address = fields[1].Trim();
            if (fields[2].Trim().Length == 0 || fields[3].Trim().Length == 0)
            {
                throw new ImportException(at, fields[2].Trim().Length == 0 ? "lat" : "lon",
                    address.Length > 0 ? $"'{address}' has no coordinates (addresses are not geocoded: give lat and lon)" : "is empty");
            }

            var lat = Number(fields[2], at, "lat", -90, 90);
            var lon = Number(fields[3], at, "lon", -180, 180);
            var bins = fields[4].Trim().Length == 0 ? 1
                : int.TryParse(fields[4].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var b) && b is >= 1 and <= 500 ? b
                : throw new ImportException(at, "bins", $"'{fields[4]}' is not a whole number from 1 to 500");
            var notes = fields[5].Trim();
            buildings.Add(new Building(id, address, new(lat, lon), bins, notes.Length == 0 ? null : notes));
        }

        return buildings;
    }

    public static void Write(TextWriter writer, IEnumerable<Building> buildings)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(buildings);
        writer.Write(Header + "\n");
        foreach (var b in buildings)
        {
            writer.Write(string.Join(',',
                Quote(b.Id), Quote(b.Address),
                b.Position.Latitude.ToString("R", CultureInfo.InvariantCulture),
                b.Position.Longitude.ToString("R", CultureInfo.InvariantCulture),
                b.Bins.ToString(CultureInfo.InvariantCulture), Quote(b.AccessNotes ?? string.Empty)) + "\n");
        }
    }

    private static double Number(string text, string at, string field, double min, double max) =>
        double.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
            ? value
            : throw new ImportException(at, field, $"'{text}' is not a number from {min} to {max}");

    private static string Quote(string field) =>
        field.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + field.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : field;

    /// <summary>Splits RFC 4180 records, reporting the line each starts on; quoted fields may span lines.</summary>
    private static IEnumerable<(int Line, List<string> Fields)> ReadRecords(TextReader reader)
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
