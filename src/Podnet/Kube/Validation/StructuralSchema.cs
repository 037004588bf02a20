using System.Text.Json.Nodes;

namespace Podnet.Kube.Validation;

/// <summary>
/// The OpenAPI v3 schema of a <see cref="GoType"/> as a CRD's structural schema states it (apiextensions.k8s.io/v1
/// JSONSchemaProps): a struct's <c>properties</c>, a slice's <c>items</c>, a map's <c>additionalProperties</c>, the
/// scalar types, <c>x-kubernetes-int-or-string</c> for an int-or-string or a quantity; what Podnet does not check
/// preserves unknown fields. Without descriptions: Podnet checks the shapes, not the documentation.
/// </summary>
public static class StructuralSchema
{
    /// <summary>The schema of <paramref name="type"/>, its fields in name order.</summary>
    public static JsonObject Of(GoType type)
    {
        ArgumentNullException.ThrowIfNull(type);
        return type.Kind switch
        {
            GoTypeKind.String => new JsonObject { ["type"] = "string" },
            GoTypeKind.Int32 => new JsonObject { ["type"] = "integer", ["format"] = "int32" },
            GoTypeKind.Int64 => new JsonObject { ["type"] = "integer", ["format"] = "int64" },
            GoTypeKind.Bool => new JsonObject { ["type"] = "boolean" },
            GoTypeKind.IntOrString or GoTypeKind.Quantity => new JsonObject { ["x-kubernetes-int-or-string"] = true },
            GoTypeKind.Slice => new JsonObject { ["type"] = "array", ["items"] = Of(type.Element!) },
            GoTypeKind.Map => new JsonObject { ["type"] = "object", ["additionalProperties"] = Of(type.Element!) },
            GoTypeKind.Struct => new JsonObject
            {
                ["type"] = "object",
                ["properties"] = new JsonObject([.. type.Fields.OrderBy(f => f.Key, StringComparer.Ordinal).Select(f => KeyValuePair.Create(f.Key, (JsonNode?)Of(f.Value)))]),
            },
            _ => new JsonObject { ["type"] = "object", ["x-kubernetes-preserve-unknown-fields"] = true },
        };
    }
}
