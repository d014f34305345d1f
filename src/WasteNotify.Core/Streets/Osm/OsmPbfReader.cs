using System.Buffers.Binary;
using System.IO.Compression;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;

namespace WasteNotify.Core.Streets.Osm;

/// <summary>
/// Reads the OSM PBF format (https://wiki.openstreetmap.org/wiki/PBF_Format): a sequence of length-prefixed
/// BlobHeader/Blob pairs, each an OSMHeader or a zlib-compressed PrimitiveBlock of nodes, dense nodes and ways.
/// Relations are skipped: the street network and the buildings need none.
/// </summary>
public static class OsmPbfReader
{
    private const int MaxHeaderSize = 64 * 1024;
    private const int MaxBlobSize = 32 * 1024 * 1024;

    public static OsmData Read(Stream stream)
    {
        var data = new OsmData();
        var lengthBytes = new byte[4];
        for (var blob = 0; ; blob++)
        {
            var offset = stream.CanSeek ? stream.Position : -1;
            var got = stream.ReadAtLeast(lengthBytes, 4, throwOnEndOfStream: false);
            if (got == 0)
            {
                return data;
            }

            try
            {
                if (got < 4)
                {
                    throw new OsmFormatException("truncated blob length");
                }

                var headerLength = BinaryPrimitives.ReadInt32BigEndian(lengthBytes);
                if (headerLength is <= 0 or > MaxHeaderSize)
                {
                    throw new OsmFormatException($"blob header length {headerLength} is not plausible: not a PBF file?");
                }

                var (type, dataSize) = ReadBlobHeader(ReadExactly(stream, headerLength));
                if (dataSize is <= 0 or > MaxBlobSize)
                {
                    throw new OsmFormatException($"blob size {dataSize} is not plausible");
                }

                var payload = Decompress(ReadExactly(stream, dataSize));
                if (type == "OSMHeader")
                {
                    CheckHeader(payload);
                }
                else if (type == "OSMData")
                {
                    ReadPrimitiveBlock(payload, data);
                }
            }
            catch (Exception ex) when (ex is OsmFormatException or InvalidDataException or EndOfStreamException or OverflowException)
            {
                throw new OsmFormatException($"PBF blob {blob} at byte {offset}: {ex.Message}", ex);
            }
        }
    }

    private static byte[] ReadExactly(Stream stream, int count)
    {
        var buffer = new byte[count];
        stream.ReadExactly(buffer);
        return buffer;
    }

    private static (string Type, int DataSize) ReadBlobHeader(ReadOnlySpan<byte> bytes)
    {
        var reader = new ProtoReader(bytes);
        string? type = null;
        var size = -1;
        while (!reader.End)
        {
            var (field, wire) = reader.ReadKey();
            if (field == 1 && wire == 2)
            {
                type = Encoding.UTF8.GetString(reader.ReadBytes());
            }
            else if (field == 3 && wire == 0)
            {
                size = checked((int)reader.ReadVarint());
            }
            else
            {
                reader.Skip(wire);
            }
        }

        return (type ?? throw new OsmFormatException("blob header without a type"), size);
    }

    private static byte[] Decompress(ReadOnlySpan<byte> blob)
    {
        var reader = new ProtoReader(blob);
        byte[]? raw = null;
        byte[]? zlib = null;
        var rawSize = -1;
        while (!reader.End)
        {
            var (field, wire) = reader.ReadKey();
            switch (field)
            {
                case 1 when wire == 2:
                    raw = reader.ReadBytes().ToArray();
                    break;
                case 2 when wire == 0:
                    rawSize = checked((int)reader.ReadVarint());
                    break;
                case 3 when wire == 2:
                    zlib = reader.ReadBytes().ToArray();
                    break;
                case 4 or 5 or 6 or 7 when wire == 2:
                    throw new OsmFormatException("only raw and zlib blobs are supported (this one is lzma, bzip2, lz4 or zstd)");
                default:
                    reader.Skip(wire);
                    break;
            }
        }

        if (raw is not null)
        {
            return raw;
        }

        if (zlib is null || rawSize is < 0 or > MaxBlobSize)
        {
            throw new OsmFormatException("blob without data");
        }

        var output = new byte[rawSize];
        using var inflater = new ZLibStream(new MemoryStream(zlib), CompressionMode.Decompress);
        inflater.ReadExactly(output);
        return output;
    }

    private static void CheckHeader(ReadOnlySpan<byte> bytes)
    {
        var reader = new ProtoReader(bytes);
        while (!reader.End)
        {
            var (field, wire) = reader.ReadKey();
            if (field == 4 && wire == 2)
            {
                var feature = Encoding.UTF8.GetString(reader.ReadBytes());
                if (feature is not ("OsmSchema-V0.6" or "DenseNodes" or "HistoricalInformation"))
                {
                    throw new OsmFormatException($"the file requires the unsupported feature '{feature}'");
                }
            }
            else
            {
                reader.Skip(wire);
            }
        }
    }

    private static void ReadPrimitiveBlock(ReadOnlySpan<byte> bytes, OsmData data)
    {
        var strings = new List<string>();
        var groups = new List<(int Start, int Length)>();
        long granularity = 100, latOffset = 0, lonOffset = 0;
        var reader = new ProtoReader(bytes);
        while (!reader.End)
        {
            var (field, wire) = reader.ReadKey();
            switch (field)
            {
                case 1 when wire == 2:
                    var table = new ProtoReader(reader.ReadBytes());
                    while (!table.End)
                    {
                        var (f, w) = table.ReadKey();
                        if (f == 1 && w == 2)
                        {
                            strings.Add(Encoding.UTF8.GetString(table.ReadBytes()));
                        }
                        else
                        {
                            table.Skip(w);
                        }
                    }

                    break;
                case 2 when wire == 2:
                    var group = reader.ReadBytes();
                    groups.Add((Offset(bytes, group), group.Length));
                    break;
                case 17 when wire == 0:
                    granularity = (long)reader.ReadVarint();
                    break;
                case 19 when wire == 0:
                    latOffset = (long)reader.ReadVarint();
                    break;
                case 20 when wire == 0:
                    lonOffset = (long)reader.ReadVarint();
                    break;
                default:
                    reader.Skip(wire);
                    break;
            }

        }

        var coordinates = new Coordinates(granularity, latOffset, lonOffset);
        foreach (var (start, length) in groups)
        {
            ReadGroup(bytes.Slice(start, length), strings, coordinates, data);
        }
    }

    // Groups are decoded once the string table is known, which the format allows to come after them.
    private static int Offset(ReadOnlySpan<byte> outer, ReadOnlySpan<byte> inner) =>
        (int)Unsafe.ByteOffset(ref MemoryMarshal.GetReference(outer), ref MemoryMarshal.GetReference(inner));

    private static void ReadGroup(ReadOnlySpan<byte> bytes, List<string> strings, Coordinates coordinates, OsmData data)
    {
        var reader = new ProtoReader(bytes);
        while (!reader.End)
        {
            var (field, wire) = reader.ReadKey();
            switch (field)
            {
                case 1 when wire == 2:
                    ReadNode(reader.ReadBytes(), strings, coordinates, data);
                    break;
                case 2 when wire == 2:
                    ReadDenseNodes(reader.ReadBytes(), strings, coordinates, data);
                    break;
                case 3 when wire == 2:
                    ReadWay(reader.ReadBytes(), strings, data);
                    break;
                default:
                    reader.Skip(wire);
                    break;
            }
        }
    }

    private static void ReadNode(ReadOnlySpan<byte> bytes, List<string> strings, Coordinates coordinates, OsmData data)
    {
        var reader = new ProtoReader(bytes);
        long id = 0, lat = 0, lon = 0;
        List<long> keys = [], values = [];
        while (!reader.End)
        {
            var (field, wire) = reader.ReadKey();
            switch (field)
            {
                case 1 when wire == 0: id = reader.ReadSignedVarint(); break;
                case 2 when wire == 2: keys = ProtoReader.Packed(reader.ReadBytes(), signed: false, delta: false); break;
                case 3 when wire == 2: values = ProtoReader.Packed(reader.ReadBytes(), signed: false, delta: false); break;
                case 8 when wire == 0: lat = reader.ReadSignedVarint(); break;
                case 9 when wire == 0: lon = reader.ReadSignedVarint(); break;
                default: reader.Skip(wire); break;
            }
        }

        var position = coordinates.At(lat, lon);
        data.Positions[id] = position;
        if (keys.Count > 0)
        {
            data.TaggedNodes.Add(new OsmNode(id, position, Tags(keys, values, strings)));
        }
    }

    private static void ReadDenseNodes(ReadOnlySpan<byte> bytes, List<string> strings, Coordinates coordinates, OsmData data)
    {
        var reader = new ProtoReader(bytes);
        List<long> ids = [], lats = [], lons = [], keysVals = [];
        while (!reader.End)
        {
            var (field, wire) = reader.ReadKey();
            switch (field)
            {
                case 1 when wire == 2: ids = ProtoReader.Packed(reader.ReadBytes(), signed: true, delta: true); break;
                case 8 when wire == 2: lats = ProtoReader.Packed(reader.ReadBytes(), signed: true, delta: true); break;
                case 9 when wire == 2: lons = ProtoReader.Packed(reader.ReadBytes(), signed: true, delta: true); break;
                case 10 when wire == 2: keysVals = ProtoReader.Packed(reader.ReadBytes(), signed: false, delta: false); break;
                default: reader.Skip(wire); break;
            }
        }

        if (lats.Count != ids.Count || lons.Count != ids.Count)
        {
            throw new OsmFormatException($"dense nodes: {ids.Count} ids but {lats.Count} latitudes and {lons.Count} longitudes");
        }

        // keys_vals: for each node, key/value string indexes ended by a 0.
        var kv = 0;
        for (var i = 0; i < ids.Count; i++)
        {
            var position = coordinates.At(lats[i], lons[i]);
            data.Positions[ids[i]] = position;
            if (keysVals.Count == 0)
            {
                continue;
            }

            Dictionary<string, string>? tags = null;
            while (kv < keysVals.Count && keysVals[kv] != 0)
            {
                if (kv + 1 >= keysVals.Count)
                {
                    throw new OsmFormatException("dense nodes: a key without a value");
                }

                tags ??= new Dictionary<string, string>(StringComparer.Ordinal);
                tags[String(strings, keysVals[kv])] = String(strings, keysVals[kv + 1]);
                kv += 2;
            }

            kv++;
            if (tags is not null)
            {
                data.TaggedNodes.Add(new OsmNode(ids[i], position, tags));
            }
        }
    }

    private static void ReadWay(ReadOnlySpan<byte> bytes, List<string> strings, OsmData data)
    {
        var reader = new ProtoReader(bytes);
        long id = 0;
        List<long> keys = [], values = [], refs = [];
        while (!reader.End)
        {
            var (field, wire) = reader.ReadKey();
            switch (field)
            {
                case 1 when wire == 0: id = (long)reader.ReadVarint(); break;
                case 2 when wire == 2: keys = ProtoReader.Packed(reader.ReadBytes(), signed: false, delta: false); break;
                case 3 when wire == 2: values = ProtoReader.Packed(reader.ReadBytes(), signed: false, delta: false); break;
                case 8 when wire == 2: refs = ProtoReader.Packed(reader.ReadBytes(), signed: true, delta: true); break;
                default: reader.Skip(wire); break;
            }
        }

        data.Ways.Add(new OsmWay(id, [.. refs], Tags(keys, values, strings)));
    }

    private static Dictionary<string, string> Tags(List<long> keys, List<long> values, List<string> strings)
    {
        if (keys.Count != values.Count)
        {
            throw new OsmFormatException($"{keys.Count} tag keys but {values.Count} values");
        }

        var tags = new Dictionary<string, string>(keys.Count, StringComparer.Ordinal);
        for (var i = 0; i < keys.Count; i++)
        {
            tags[String(strings, keys[i])] = String(strings, values[i]);
        }

        return tags;
    }

    private static string String(List<string> strings, long index) =>
        index >= 0 && index < strings.Count ? strings[(int)index] : throw new OsmFormatException($"string index {index} outside the block's table of {strings.Count}");

    private readonly record struct Coordinates(long Granularity, long LatOffset, long LonOffset)
    {
        public GeoPoint At(long lat, long lon) =>
            new(1e-9 * (LatOffset + (Granularity * lat)), 1e-9 * (LonOffset + (Granularity * lon)));
    }
}
