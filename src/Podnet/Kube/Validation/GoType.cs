namespace Podnet.Kube.Validation;

/// <summary>What a <see cref="GoType"/> accepts from JSON, as encoding/json decodes into it.</summary>
public enum GoTypeKind
{
    /// <summary>A string (or a named string type such as <c>v1.Protocol</c>).</summary>
    String,

    /// <summary>A whole number that fits in 32 bits.</summary>
    Int32,

    /// <summary>A whole number that fits in 64 bits.</summary>
    Int64,

    /// <summary>true or false.</summary>
    Bool,

    /// <summary><c>intstr.IntOrString</c>: a string, or else what an int32 accepts.</summary>
    IntOrString,

    /// <summary><c>resource.Quantity</c>: a string or number in the quantity syntax (<c>100m</c>, <c>1Gi</c>, <c>1</c>).</summary>
    Quantity,

    /// <summary>A struct: an object whose known fields have types (unknown fields are kept, not checked).</summary>
    Struct,

    /// <summary>A slice: an array of one element type.</summary>
    Slice,

    /// <summary>A map with string keys: an object of one value type.</summary>
    Map,

    /// <summary>Anything (a field Podnet keeps whole but does not read: affinity, probes' handlers, status details).</summary>
    Any,
}

/// <summary>
/// A Go type of k8s.io/api as the API server decodes a request body into it, for the type check that comes
/// before admission (the body is decoded into Go structs first, so a number where a string belongs never reaches
/// validation). <see cref="Name"/> is what Go's reflect.Type.String() prints in encoding/json's errors.
/// </summary>
public sealed class GoType
{
    private readonly IReadOnlyDictionary<string, GoType>? _fields;

    private GoType(GoTypeKind kind, string name, GoType? element, IReadOnlyDictionary<string, GoType>? fields, bool closed = false)
    {
        Kind = kind;
        Name = name;
        StructName = name[(name.IndexOf('.', StringComparison.Ordinal) + 1)..];
        Element = element;
        _fields = fields;
        IsClosed = closed;
    }

    /// <summary>What JSON the type accepts.</summary>
    public GoTypeKind Kind { get; }

    /// <summary>The type as Go prints it: <c>string</c>, <c>int32</c>, <c>v1.ObjectMeta</c>, <c>[]v1.Container</c>.</summary>
    public string Name { get; }

    /// <summary>The element type of a slice or map.</summary>
    public GoType? Element { get; }

    /// <summary>The struct's name without its package (<c>PodSpec</c>), as encoding/json names the struct of a field.</summary>
    public string StructName { get; }

    /// <summary>The string type, or a named one (<c>v1.Protocol</c>).</summary>
    public static GoType String(string name = "string") => new(GoTypeKind.String, name, null, null);

    /// <summary><c>int32</c>.</summary>
    public static GoType Int32 { get; } = new(GoTypeKind.Int32, "int32", null, null);

    /// <summary><c>int64</c>.</summary>
    public static GoType Int64 { get; } = new(GoTypeKind.Int64, "int64", null, null);

    /// <summary><c>bool</c>.</summary>
    public static GoType Bool { get; } = new(GoTypeKind.Bool, "bool", null, null);

    /// <summary><c>intstr.IntOrString</c>.</summary>
    public static GoType IntOrString { get; } = new(GoTypeKind.IntOrString, "intstr.IntOrString", null, null);

    /// <summary><c>resource.Quantity</c>.</summary>
    public static GoType Quantity { get; } = new(GoTypeKind.Quantity, "resource.Quantity", null, null);

    /// <summary>A field whose content is not checked.</summary>
    public static GoType Any { get; } = new(GoTypeKind.Any, "interface {}", null, null);

    /// <summary>
    /// Whether the struct's fields are all declared here, so a field it does not declare is unknown to the API server
    /// too (a typo such as <c>ingres</c>) rather than one Podnet keeps without reading.
    /// </summary>
    public bool IsClosed { get; }

    /// <summary>A struct of the given fields (JSON names); <paramref name="closed"/> when they are all of its fields.</summary>
    public static GoType Struct(string name, IReadOnlyDictionary<string, GoType> fields, bool closed = false) => new(GoTypeKind.Struct, name, null, fields, closed);

    /// <summary><c>[]T</c>.</summary>
    public static GoType SliceOf(GoType element) => new(GoTypeKind.Slice, "[]" + element.Name, element, null);

    /// <summary><c>map[string]T</c>.</summary>
    public static GoType MapOf(GoType element) => new(GoTypeKind.Map, "map[string]" + element.Name, element, null);

    /// <summary>The type of a struct's field, or null for a field the struct does not declare.</summary>
    public GoType? Field(string name) => _fields?.GetValueOrDefault(name);

    /// <summary>A struct's declared fields (JSON names) and their types; none for any other type.</summary>
    public IEnumerable<KeyValuePair<string, GoType>> Fields => _fields ?? (IEnumerable<KeyValuePair<string, GoType>>)[];
}
