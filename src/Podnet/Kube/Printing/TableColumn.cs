using System.Text.Json.Nodes;

namespace Podnet.Kube.Printing;

/// <summary>
/// A column of a server-side table, as meta.k8s.io/v1 TableColumnDefinition: <paramref name="Name"/> is the header
/// kubectl upper-cases ("Nominated Node" prints as NOMINATED NODE); <paramref name="Type"/> is an OpenAPI type
/// ("string", "integer", "number", "boolean", "date"); <paramref name="Format"/> is "name" for the column that names
/// the object and "" otherwise; <paramref name="Priority"/> 0 is always shown, 1 only with <c>-o wide</c>.
/// </summary>
public sealed record TableColumn(string Name, string Type, string Format, string Description, int Priority = 0)
{
    /// <summary>metav1.ObjectMeta's swagger text for <c>name</c>, which every Name column carries.</summary>
    public const string NameDescription = "Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names";

    /// <summary>metav1.ObjectMeta's swagger text for <c>creationTimestamp</c>, which every Age column carries.</summary>
    public const string CreationTimestampDescription = "CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata";

    /// <summary>The NAME column every printer starts with (printers.go: <c>{Name: "Name", Type: "string", Format: "name"}</c>).</summary>
    public static TableColumn ObjectName { get; } = new("Name", "string", "name", NameDescription);

    /// <summary>The AGE column: a string cell the server renders with HumanDuration.</summary>
    public static TableColumn Age { get; } = new("Age", "string", string.Empty, CreationTimestampDescription);

    /// <summary>A string column shown always.</summary>
    public static TableColumn Text(string name, string description) => new(name, "string", string.Empty, description);

    /// <summary>An integer column shown always.</summary>
    public static TableColumn Integer(string name, string description) => new(name, "integer", string.Empty, description);

    /// <summary>A string column shown only with <c>-o wide</c>.</summary>
    public static TableColumn Wide(string name, string description) => new(name, "string", string.Empty, description, 1);

    /// <summary>The column as the wire carries it: <c>{"name","type","format","description","priority"}</c>.</summary>
    public JsonObject ToJson() => new()
    {
        ["name"] = Name,
        ["type"] = Type,
        ["format"] = Format,
        ["description"] = Description,
        ["priority"] = Priority,
    };
}
