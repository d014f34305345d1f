using System.Globalization;

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
        var rows = Csv.ReadRecords(reader).ToList();
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

            if (FieldLengths.TooLong(id, FieldLengths.Id) is { } longId)
            {
                throw new ImportException(at, "id", longId);
            }

            if (!ids.Add(id))
            {
                throw new ImportException(at, "id", $"'{id}' appears twice");
            }

            var address = fields[1].Trim();
            if (FieldLengths.TooLong(address, FieldLengths.Address) is { } longAddress)
            {
                throw new ImportException(at, "address", longAddress);
            }

            if (fields[2].Trim().Length == 0 || fields[3].Trim().Length == 0)
            {
                throw new ImportException(at, fields[2].Trim().Length == 0 ? "lat" : "lon",
                    address.Length > 0 ? $"'{address}' has no coordinates (addresses are not geocoded: give lat and lon)" : "is empty");
            }

            var lat = Csv.Number(fields[2], at, "lat", -90, 90);
            var lon = Csv.Number(fields[3], at, "lon", -180, 180);
            var bins = fields[4].Trim().Length == 0 ? 1
                : int.TryParse(fields[4].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var b) && b is >= 1 and <= 500 ? b
                : throw new ImportException(at, "bins", $"'{fields[4]}' is not a whole number from 1 to 500");
            var notes = fields[5].Trim();
            if (FieldLengths.TooLong(notes, FieldLengths.AccessNotes) is { } longNotes)
            {
                throw new ImportException(at, "access_notes", longNotes);
            }

            buildings.Add(new Building(id, address, new(lat, lon), bins, notes.Length == 0 ? null : notes));
        }

        return buildings;
    }

    public static void Write(TextWriter writer, IEnumerable<Building> buildings)
    {
        ArgumentNullException.ThrowIfNull(buildings);
        Csv.Write(writer, Header, buildings.Select(b => new[]
        {
            Csv.Quote(b.Id), Csv.Quote(b.Address), Csv.Format(b.Position.Latitude), Csv.Format(b.Position.Longitude),
            b.Bins.ToString(CultureInfo.InvariantCulture), Csv.Quote(b.AccessNotes ?? string.Empty),
        }));
    }
}
