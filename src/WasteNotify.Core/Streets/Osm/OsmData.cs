namespace WasteNotify.Core.Streets.Osm;

public sealed record OsmWay(long Id, long[] NodeIds, IReadOnlyDictionary<string, string> Tags);

public sealed record OsmNode(long Id, GeoPoint Position, IReadOnlyDictionary<string, string> Tags);

/// <summary>What WasteNotify reads of an OpenStreetMap extract: every node's position, the tagged nodes, the ways.</summary>
public sealed class OsmData
{
    public Dictionary<long, GeoPoint> Positions { get; } = [];

    /// <summary>Nodes with tags (address points, shops...), in file order.</summary>
    public List<OsmNode> TaggedNodes { get; } = [];

    public List<OsmWay> Ways { get; } = [];

    /// <summary>Reads .osm (XML) or .osm.pbf, by content: PBF starts with a big-endian blob-header length, XML with '&lt;'.</summary>
    public static OsmData Load(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanSeek)
        {
            var copy = new MemoryStream();
            stream.CopyTo(copy);
            copy.Position = 0;
            stream = copy;
        }

        var first = stream.ReadByte();
        if (first < 0)
        {
            throw new OsmFormatException("the file is empty");
        }

        stream.Seek(-1, SeekOrigin.Current);
        return first is '<' or 0xEF or ' ' or '\t' or '\r' or '\n' ? OsmXmlReader.Read(stream) : OsmPbfReader.Read(stream);
    }

    public static OsmData Load(string path)
    {
        using var file = File.OpenRead(path);
        return Load(file);
    }
}

/// <summary>An extract that cannot be read, with the place at fault.</summary>
public sealed class OsmFormatException(string message, Exception? inner = null) : Exception(message, inner);
