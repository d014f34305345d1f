using System.Globalization;
using System.Xml;

namespace WasteNotify.Core.Streets.Osm;

/// <summary>Streams OSM XML (what openstreetmap.org's Export button gives) into <see cref="OsmData"/>.</summary>
public static class OsmXmlReader
{
    public static OsmData Read(Stream stream)
    {
        var data = new OsmData();
        using var reader = XmlReader.Create(stream, new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, IgnoreWhitespace = true, IgnoreComments = true });
        var lineInfo = (IXmlLineInfo)reader;
        try
        {
            var sawRoot = false;
            while (reader.Read())
            {
                if (reader.NodeType != XmlNodeType.Element)
                {
                    continue;
                }

                switch (reader.Name)
                {
                    case "osm":
                        sawRoot = true;
                        break;
                    case "node":
                        ReadNode(reader, lineInfo, data);
                        break;
                    case "way":
                        ReadWay(reader, lineInfo, data);
                        break;
                }
            }

            if (!sawRoot)
            {
                throw new OsmFormatException("not an OSM XML file: no <osm> root element");
            }
        }
        catch (XmlException ex)
        {
            throw new OsmFormatException($"broken XML at line {ex.LineNumber}, position {ex.LinePosition}: {ex.Message}", ex);
        }

        return data;
    }

    private static void ReadNode(XmlReader reader, IXmlLineInfo line, OsmData data)
    {
        var id = Long(reader, "id", line);
        var position = new GeoPoint(Double(reader, "lat", line), Double(reader, "lon", line));
        if (position.Latitude is < -90 or > 90 || position.Longitude is < -180 or > 180)
        {
            throw new OsmFormatException($"node {id} at line {line.LineNumber}: coordinates out of range");
        }

        data.Positions[id] = position;
        if (!reader.IsEmptyElement)
        {
            var tags = ReadChildren(reader, line, refs: null);
            if (tags.Count > 0)
            {
                data.TaggedNodes.Add(new OsmNode(id, position, tags));
            }
        }
    }

    private static void ReadWay(XmlReader reader, IXmlLineInfo line, OsmData data)
    {
        var id = Long(reader, "id", line);
        var refs = new List<long>();
        var tags = reader.IsEmptyElement ? [] : ReadChildren(reader, line, refs);
        data.Ways.Add(new OsmWay(id, [.. refs], tags));
    }

    private static Dictionary<string, string> ReadChildren(XmlReader reader, IXmlLineInfo line, List<long>? refs)
    {
        var tags = new Dictionary<string, string>(StringComparer.Ordinal);
        var depth = reader.Depth;
        while (reader.Read() && reader.Depth > depth)
        {
            if (reader.NodeType != XmlNodeType.Element)
            {
                continue;
            }

            if (reader.Name == "tag")
            {
                var key = reader.GetAttribute("k") ?? throw new OsmFormatException($"<tag> without k at line {line.LineNumber}");
                tags[key] = reader.GetAttribute("v") ?? string.Empty;
            }
            else if (reader.Name == "nd" && refs is not null)
            {
                refs.Add(Long(reader, "ref", line));
            }
        }

        return tags;
    }

    private static long Long(XmlReader reader, string attribute, IXmlLineInfo line) =>
        long.TryParse(reader.GetAttribute(attribute), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new OsmFormatException($"<{reader.Name}> at line {line.LineNumber}, position {line.LinePosition}: '{attribute}' missing or not an integer");

    private static double Double(XmlReader reader, string attribute, IXmlLineInfo line) =>
        double.TryParse(reader.GetAttribute(attribute), NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value)
            ? value
            : throw new OsmFormatException($"<{reader.Name}> at line {line.LineNumber}, position {line.LinePosition}: '{attribute}' missing or not a number");
}
