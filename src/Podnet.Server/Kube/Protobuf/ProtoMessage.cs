using System.Text.Json.Nodes;

namespace Podnet.Server.Kube.Protobuf;

/// <summary>How a field's value is carried on the wire and rendered in JSON.</summary>
internal enum ProtoKind
{
    /// <summary>Length-delimited UTF-8 → JSON string.</summary>
    String,

    /// <summary>Varint, truncated to 32 bits as Go's int32 → JSON number.</summary>
    Int32,

    /// <summary>Varint → JSON number.</summary>
    Int64,

    /// <summary>Varint, non-zero is true → JSON true/false.</summary>
    Bool,

    /// <summary>Length-delimited bytes → base64 JSON string, as Go's encoding/json writes a <c>[]byte</c>.</summary>
    Bytes,

    /// <summary>An embedded message described by <see cref="ProtoField.Message"/>.</summary>
    Message,

    /// <summary>A proto map: repeated entry messages {1: key, 2: value}; JSON object with keys sorted as Go sorts them.</summary>
    Map,
}

/// <summary>
/// When a field appears in the JSON, mirroring Go's encoding/json on the k8s.io/api struct field:
/// the object must be exactly what kubectl 1.31 sent as JSON for the same command.
/// </summary>
internal enum Presence
{
    /// <summary><c>json:",omitempty"</c> on a scalar, slice or map: omitted when "", 0, false or empty.</summary>
    OmitEmpty,

    /// <summary>
    /// No omitempty, or a non-pointer struct (Go's omitempty never omits a struct): always written; when absent on the
    /// wire as the Go zero value ("" / 0 / false, <c>null</c> for a nil slice or map, the empty message for a struct).
    /// </summary>
    Always,

    /// <summary>A pointer with omitempty (<c>*int32</c>, <c>*bool</c>, <c>*LabelSelector</c>): written iff present on the wire, even when zero.</summary>
    Optional,

    /// <summary>A pointer without omitempty (<c>DeploymentSpec.selector</c>): the value when present, else <c>null</c>.</summary>
    Nullable,
}

/// <summary>One field of a message table: its proto field number (from k8s.io/api generated.proto), JSON name and shape.</summary>
internal sealed record ProtoField(int Number, string Json, ProtoKind Kind, Presence Presence, bool Repeated = false)
{
    /// <summary>A field holding an embedded message (<see cref="ProtoKind.Message"/>).</summary>
    public ProtoField(int number, string json, ProtoMessage message, Presence presence, bool Repeated = false)
        : this(number, json, ProtoKind.Message, presence, Repeated)
        => Message = message;

    /// <summary>The embedded message type (for <see cref="ProtoKind.Message"/>) or the map entry type (for <see cref="ProtoKind.Map"/>).</summary>
    public ProtoMessage? Message { get; init; }

    /// <summary>
    /// An embedded struct whose JSON fields are written into the parent's object (<c>json:",inline"</c>):
    /// IngressRule's IngressRuleValue is proto field 2 but its <c>http</c> appears beside <c>host</c>.
    /// </summary>
    public bool Inline { get; init; }

    /// <summary>The wire type a non-packed value of this field must have.</summary>
    public WireType Wire => Kind is ProtoKind.Int32 or ProtoKind.Int64 or ProtoKind.Bool ? WireType.Varint : WireType.LengthDelimited;
}

/// <summary>
/// A message type: its fields in Go struct order (the order encoding/json writes them in, which is not always field-number
/// order: Secret writes immutable (5) before data (2)), or a custom rendering for the apimachinery types whose JSON is
/// not an object (Time, IntOrString, Quantity).
/// </summary>
internal sealed class ProtoMessage
{
    private readonly Dictionary<int, ProtoField> _byNumber;

    public ProtoMessage(string name, ProtoField[] fields, Func<DecodedMessage, JsonNode?>? render = null)
    {
        Name = name;
        Fields = fields;
        Render = render;
        _byNumber = fields.ToDictionary(f => f.Number);
    }

    /// <summary>The Go type name, for error texts.</summary>
    public string Name { get; }

    public IReadOnlyList<ProtoField> Fields { get; }

    /// <summary>Renders the message's JSON when it is not an object of its fields (metav1.Time → RFC 3339 or null).</summary>
    public Func<DecodedMessage, JsonNode?>? Render { get; }

    public ProtoField? Field(int number) => _byNumber.GetValueOrDefault(number);
}

/// <summary>Map fields: a proto map is a repeated entry message {1: key string, 2: value}.</summary>
internal static class ProtoFields
{
    private static readonly ProtoMessage StringEntry = Entry(new(2, "value", ProtoKind.String, Presence.Always));
    private static readonly ProtoMessage BytesEntry = Entry(new(2, "value", ProtoKind.Bytes, Presence.Always));
    private static readonly ProtoMessage QuantityEntry = Entry(new(2, "value", WellKnownMessages.Quantity, Presence.Always));
    private static readonly ProtoMessage TimeEntry = Entry(new(2, "value", WellKnownMessages.Time, Presence.Always));

    /// <summary><c>map[string]string</c> (labels, annotations, ConfigMap data, selectors).</summary>
    public static ProtoField StringMap(int number, string json, Presence presence) => new(number, json, ProtoKind.Map, presence) { Message = StringEntry };

    /// <summary><c>map[string][]byte</c> (Secret data, ConfigMap binaryData): values become base64.</summary>
    public static ProtoField BytesMap(int number, string json, Presence presence) => new(number, json, ProtoKind.Map, presence) { Message = BytesEntry };

    /// <summary><c>ResourceList</c>, <c>map[ResourceName]resource.Quantity</c>: values become the quantity's string.</summary>
    public static ProtoField QuantityMap(int number, string json, Presence presence) => new(number, json, ProtoKind.Map, presence) { Message = QuantityEntry };

    /// <summary><c>map[string]metav1.Time</c> (PodDisruptionBudgetStatus.disruptedPods): values become RFC 3339 or null.</summary>
    public static ProtoField TimeMap(int number, string json, Presence presence) => new(number, json, ProtoKind.Map, presence) { Message = TimeEntry };

    private static ProtoMessage Entry(ProtoField value) => new("map entry", [new(1, "key", ProtoKind.String, Presence.Always), value]);
}
