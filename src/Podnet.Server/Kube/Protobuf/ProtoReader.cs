namespace Podnet.Server.Kube.Protobuf;

/// <summary>The protobuf wire types Kubernetes messages use (proto2; groups, wire types 3 and 4, never occur).</summary>
internal enum WireType
{
    Varint = 0,
    Fixed64 = 1,
    LengthDelimited = 2,
    Fixed32 = 5,
}

/// <summary>
/// Reads the protobuf wire format (https://protobuf.dev/programming-guides/encoding/): a tag varint
/// <c>field &lt;&lt; 3 | wire type</c>, then a varint, 8 or 4 fixed bytes, or a varint length and that many bytes.
/// Every overrun or malformed varint throws <see cref="ProtobufFormatException"/>, never an index exception,
/// because the bytes come straight from an HTTP request.
/// </summary>
internal ref struct ProtoReader(ReadOnlySpan<byte> data)
{
    private readonly ReadOnlySpan<byte> _data = data;
    private int _position;

    public readonly bool AtEnd => _position >= _data.Length;

    /// <summary>The next field's number and wire type; field 0 and the group wire types are malformed.</summary>
    public (int Field, WireType Wire) ReadTag()
    {
        var tag = ReadVarint();
        var field = tag >> 3;
        var wire = (int)(tag & 7);
        if (field == 0 || field > int.MaxValue)
        {
            throw new ProtobufFormatException($"proto: illegal tag {field} (wire type {wire})");
        }

        if (wire is not (0 or 1 or 2 or 5))
        {
            throw new ProtobufFormatException($"proto: illegal wireType {wire} for field {field}");
        }

        return ((int)field, (WireType)wire);
    }

    /// <summary>A base-128 varint of at most 10 bytes, as Go's gogo-generated Unmarshal reads it.</summary>
    public ulong ReadVarint()
    {
        ulong value = 0;
        for (var shift = 0; shift < 70; shift += 7)
        {
            if (_position >= _data.Length)
            {
                throw new ProtobufFormatException("unexpected EOF");
            }

            var b = _data[_position++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }

        throw new ProtobufFormatException("proto: integer overflow");
    }

    /// <summary>The payload of a length-delimited field (a string, bytes, an embedded message or a packed list).</summary>
    public ReadOnlySpan<byte> ReadLengthDelimited()
    {
        var length = ReadVarint();
        if (length > (ulong)(_data.Length - _position))
        {
            throw new ProtobufFormatException("unexpected EOF");
        }

        var payload = _data.Slice(_position, (int)length);
        _position += (int)length;
        return payload;
    }

    /// <summary>The raw bytes of a fixed32/fixed64 field (Kubernetes messages have none; they are skipped or checked for zero).</summary>
    public ReadOnlySpan<byte> ReadFixed(WireType wire)
    {
        var size = wire == WireType.Fixed64 ? 8 : 4;
        if (_data.Length - _position < size)
        {
            throw new ProtobufFormatException("unexpected EOF");
        }

        var bytes = _data.Slice(_position, size);
        _position += size;
        return bytes;
    }
}
