using System.Text;

namespace Podnet.Server.Kube.Protobuf;

/// <summary>
/// Reads a message's bytes into a <see cref="DecodedMessage"/> by its table. Unknown fields that hold only zero values
/// are skipped (gogo-protobuf writes every non-pointer field, so ObjectMeta always carries selfLink "" and similar);
/// an unknown field with content throws <see cref="UnsupportedProtobufFieldException"/> rather than silently losing
/// what kubectl sent.
/// </summary>
internal static class ProtoDecoder
{
    private const int MaxZeroCheckDepth = 32;

    public static DecodedMessage Decode(ReadOnlySpan<byte> data, ProtoMessage type, string path)
    {
        var message = new DecodedMessage(type);
        Merge(data, message, path);
        return message;
    }

    private static void Merge(ReadOnlySpan<byte> data, DecodedMessage into, string path)
    {
        var reader = new ProtoReader(data);
        while (!reader.AtEnd)
        {
            var (number, wire) = reader.ReadTag();
            var field = into.Type.Field(number);
            if (field is null)
            {
                if (!IsZeroField(ref reader, wire, 0))
                {
                    throw new UnsupportedProtobufFieldException($"{path}: field {number} of {into.Type.Name} is not one Podnet decodes");
                }

                continue;
            }

            var fieldPath = path.Length == 0 ? field.Json : $"{path}.{field.Json}";
            if (field.Repeated && wire == WireType.LengthDelimited && field.Wire == WireType.Varint)
            {
                // A packed list of numbers: proto2 parsers accept it whichever way the field was declared.
                var packed = new ProtoReader(reader.ReadLengthDelimited());
                while (!packed.AtEnd)
                {
                    List(into, field).Add(Scalar(field, packed.ReadVarint()));
                }

                continue;
            }

            if (wire != field.Wire)
            {
                throw new ProtobufFormatException($"proto: wrong wireType = {(int)wire} for field {fieldPath}");
            }

            switch (field.Kind)
            {
                case ProtoKind.Map:
                    AddMapEntry(reader.ReadLengthDelimited(), into, field, fieldPath);
                    break;
                case ProtoKind.Message when field.Repeated:
                    List(into, field).Add(Decode(reader.ReadLengthDelimited(), field.Message!, fieldPath));
                    break;
                case ProtoKind.Message:
                    // A message field seen twice merges into one, as proto.Unmarshal does.
                    if (!into.Values.TryGetValue(number, out var existing))
                    {
                        into.Values[number] = existing = new DecodedMessage(field.Message!);
                    }

                    Merge(reader.ReadLengthDelimited(), (DecodedMessage)existing, fieldPath);
                    break;
                case ProtoKind.String or ProtoKind.Bytes:
                    var payload = reader.ReadLengthDelimited();
                    object text = field.Kind == ProtoKind.String ? Encoding.UTF8.GetString(payload) : payload.ToArray();
                    Store(into, field, text);
                    break;
                default:
                    Store(into, field, Scalar(field, reader.ReadVarint()));
                    break;
            }
        }
    }

    private static void Store(DecodedMessage into, ProtoField field, object value)
    {
        if (field.Repeated)
        {
            List(into, field).Add(value);
        }
        else
        {
            into.Values[field.Number] = value;
        }
    }

    private static List<object> List(DecodedMessage into, ProtoField field)
    {
        if (!into.Values.TryGetValue(field.Number, out var list))
        {
            into.Values[field.Number] = list = new List<object>();
        }

        return (List<object>)list;
    }

    private static object Scalar(ProtoField field, ulong varint) => field.Kind switch
    {
        ProtoKind.Int32 => (int)varint,
        ProtoKind.Int64 => (long)varint,
        ProtoKind.Bool => varint != 0,
        _ => throw new ProtobufFormatException($"proto: wrong wireType = 0 for field {field.Json}"),
    };

    private static void AddMapEntry(ReadOnlySpan<byte> data, DecodedMessage into, ProtoField field, string path)
    {
        var entry = Decode(data, field.Message!, path);
        if (!into.Values.TryGetValue(field.Number, out var map))
        {
            // Go's encoding/json sorts map keys by their bytes; ordinal order is the same for the keys Kubernetes allows.
            into.Values[field.Number] = map = new SortedDictionary<string, object>(StringComparer.Ordinal);
        }

        var valueField = field.Message!.Fields[1];
        var value = entry.Values.GetValueOrDefault(2) ?? valueField.Kind switch
        {
            ProtoKind.Bytes => Array.Empty<byte>(),
            ProtoKind.Message => new DecodedMessage(valueField.Message!),
            _ => "",
        };
        ((SortedDictionary<string, object>)map)[entry.Get(1, "")] = value;
    }

    /// <summary>
    /// Whether an unknown field holds nothing: 0, empty bytes, or an embedded message whose fields are all zero
    /// (an empty struct gogo wrote because the Go field is not a pointer). Malformed content counts as content.
    /// </summary>
    private static bool IsZeroField(ref ProtoReader reader, WireType wire, int depth)
    {
        switch (wire)
        {
            case WireType.Varint:
                return reader.ReadVarint() == 0;
            case WireType.Fixed32 or WireType.Fixed64:
                return !reader.ReadFixed(wire).ContainsAnyExcept((byte)0);
            default:
                var payload = reader.ReadLengthDelimited();
                return payload.IsEmpty || (depth < MaxZeroCheckDepth && IsZeroMessage(payload, depth + 1));
        }
    }

    private static bool IsZeroMessage(ReadOnlySpan<byte> payload, int depth)
    {
        try
        {
            var inner = new ProtoReader(payload);
            while (!inner.AtEnd)
            {
                if (!IsZeroField(ref inner, inner.ReadTag().Wire, depth))
                {
                    return false;
                }
            }

            return true;
        }
        catch (ProtobufFormatException)
        {
            return false;
        }
    }
}
