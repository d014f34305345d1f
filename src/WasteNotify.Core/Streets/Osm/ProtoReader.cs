namespace WasteNotify.Core.Streets.Osm;

/// <summary>Just enough protocol-buffers decoding for OSM PBF: varints, zigzag, length-delimited and packed fields.</summary>
internal ref struct ProtoReader(ReadOnlySpan<byte> buffer)
{
    private readonly ReadOnlySpan<byte> _buffer = buffer;
    private int _position;

    public readonly bool End => _position >= _buffer.Length;

    public (int Field, int WireType) ReadKey()
    {
        var key = ReadVarint();
        return ((int)(key >> 3), (int)(key & 7));
    }

    public ulong ReadVarint()
    {
        ulong result = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            if (_position >= _buffer.Length)
            {
                throw new OsmFormatException("truncated varint");
            }

            var b = _buffer[_position++];
            result |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return result;
            }
        }

        throw new OsmFormatException("varint longer than 10 bytes");
    }

    public long ReadSignedVarint()
    {
        var raw = ReadVarint();
        return (long)(raw >> 1) ^ -(long)(raw & 1);
    }

    public ReadOnlySpan<byte> ReadBytes()
    {
        var length = checked((int)ReadVarint());
        if (length < 0 || _position + length > _buffer.Length)
        {
            throw new OsmFormatException("length-delimited field runs past its message");
        }

        var bytes = _buffer.Slice(_position, length);
        _position += length;
        return bytes;
    }

    public void Skip(int wireType)
    {
        switch (wireType)
        {
            case 0:
                ReadVarint();
                break;
            case 1:
                _position += 8;
                break;
            case 2:
                ReadBytes();
                break;
            case 5:
                _position += 4;
                break;
            default:
                throw new OsmFormatException($"unsupported protobuf wire type {wireType}");
        }

        if (_position > _buffer.Length)
        {
            throw new OsmFormatException("field runs past its message");
        }
    }

    /// <summary>Decodes a packed repeated varint field, zigzag-signed and/or delta-coded as asked.</summary>
    public static List<long> Packed(ReadOnlySpan<byte> bytes, bool signed, bool delta)
    {
        var values = new List<long>();
        var reader = new ProtoReader(bytes);
        long running = 0;
        while (!reader.End)
        {
            var value = signed ? reader.ReadSignedVarint() : (long)reader.ReadVarint();
            running = delta ? running + value : value;
            values.Add(running);
        }

        return values;
    }
}
