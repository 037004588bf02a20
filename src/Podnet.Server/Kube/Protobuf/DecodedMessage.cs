using System.Text.Json.Nodes;

namespace Podnet.Server.Kube.Protobuf;

/// <summary>
/// The fields of one message as read from the wire, keyed by field number: a string, int, long, bool or byte[] for a
/// scalar, a <see cref="DecodedMessage"/> for a message, a List for a repeated field, a SortedDictionary for a map.
/// Kept apart from the JSON so that a message field seen twice merges (proto semantics) and so that omitempty and
/// Go's zero values are decided once, at rendering.
/// </summary>
internal sealed class DecodedMessage(ProtoMessage type)
{
    public ProtoMessage Type { get; } = type;

    public Dictionary<int, object> Values { get; } = [];

    /// <summary>A scalar's value, or the Go zero value when the field was absent.</summary>
    public T Get<T>(int number, T zero) => Values.TryGetValue(number, out var value) && value is T typed ? typed : zero;

    /// <summary>The message as encoding/json would write the Go struct: fields in struct order, omitempty applied.</summary>
    public JsonNode? ToJson()
    {
        if (Type.Render is { } render)
        {
            return render(this);
        }

        var json = new JsonObject();
        foreach (var field in Type.Fields)
        {
            var present = Values.TryGetValue(field.Number, out var value);
            if (field.Inline)
            {
                var inlined = (JsonObject)(present ? ((DecodedMessage)value!).ToJson()! : new DecodedMessage(field.Message!).ToJson()!);
                foreach (var (name, node) in inlined.ToList())
                {
                    inlined.Remove(name);
                    json[name] = node;
                }

                continue;
            }

            switch (field.Presence)
            {
                case Presence.Optional when !present:
                    continue;
                case Presence.OmitEmpty when (field.Kind != ProtoKind.Message || field.Repeated) && (!present || IsEmpty(value!)):
                    continue;
                case Presence.Nullable when !present:
                    json[field.Json] = null;
                    continue;
            }

            json[field.Json] = present ? Render(value!) : Zero(field);
        }

        return json;
    }

    private static bool IsEmpty(object value) => value switch
    {
        string s => s.Length == 0,
        int i => i == 0,
        long l => l == 0,
        bool b => !b,
        byte[] bytes => bytes.Length == 0,
        System.Collections.ICollection c => c.Count == 0,
        _ => false,
    };

    /// <summary>Go's zero value of an absent field that is written anyway: nil slices and maps are null, structs are rendered empty.</summary>
    private static JsonNode? Zero(ProtoField field) => field switch
    {
        { Repeated: true } or { Kind: ProtoKind.Map } => null,
        { Kind: ProtoKind.Message } => new DecodedMessage(field.Message!).ToJson(),
        { Kind: ProtoKind.String } => "",
        { Kind: ProtoKind.Int32 } => 0,
        { Kind: ProtoKind.Int64 } => 0L,
        { Kind: ProtoKind.Bool } => false,
        _ => null, // a nil []byte
    };

    private static JsonNode? Render(object value) => value switch
    {
        List<object> list => new JsonArray([.. list.Select(Scalar)]),
        SortedDictionary<string, object> map => Map(map),
        _ => Scalar(value),
    };

    private static JsonObject Map(SortedDictionary<string, object> map)
    {
        var json = new JsonObject();
        foreach (var (key, entry) in map)
        {
            json[key] = Scalar(entry);
        }

        return json;
    }

    private static JsonNode? Scalar(object value) => value switch
    {
        DecodedMessage message => message.ToJson(),
        string s => s,
        int i => i,
        long l => l,
        bool b => b,
        byte[] bytes => Convert.ToBase64String(bytes),
        _ => throw new InvalidOperationException($"unexpected decoded value {value.GetType()}"),
    };
}
