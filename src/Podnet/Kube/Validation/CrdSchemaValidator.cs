using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Podnet.Kube.Api;

namespace Podnet.Kube.Validation;

/// <summary>
/// The type check of a CustomResourceDefinition's structural schema, in kube-openapi's words
/// (<c>spec.securityGroups.groupIds[0]: Invalid value: "integer": spec.securityGroups.groupIds[0] in body must be of
/// type string: "integer"</c>, validate.invalidTypeError). The schema is written as <see cref="GoType"/>s: a struct is
/// an object, a slice an array, a map an object of one value type.
/// </summary>
public static class CrdSchemaValidator
{
    /// <summary>Adds a cause for every value of <paramref name="node"/> (at <paramref name="path"/>) whose JSON type the schema does not allow.</summary>
    public static void Validate(JsonNode? node, GoType schema, string path, List<StatusCause> causes)
    {
        ArgumentNullException.ThrowIfNull(schema);
        ArgumentNullException.ThrowIfNull(causes);
        if (node is null || schema.Kind == GoTypeKind.Any)
        {
            return;
        }

        var actual = OpenApiType(node);
        var expected = schema.Kind switch
        {
            GoTypeKind.String => "string",
            GoTypeKind.Int32 or GoTypeKind.Int64 => "integer",
            GoTypeKind.Bool => "boolean",
            GoTypeKind.Slice => "array",
            GoTypeKind.Quantity => actual is "integer" or "number" ? actual : "string",
            _ => "object",
        };
        if (actual != expected && !(schema.Kind == GoTypeKind.IntOrString && actual is "integer" or "string"))
        {
            causes.Add(new StatusCause("FieldValueTypeInvalid", $"Invalid value: \"{actual}\": {path} in body must be of type {expected}: \"{actual}\"", path));
            return;
        }

        switch (schema.Kind)
        {
            case GoTypeKind.Struct:
                foreach (var (name, value) in node.AsObject())
                {
                    if (schema.Field(name) is { } field)
                    {
                        Validate(value, field, $"{path}.{name}", causes);
                    }
                }

                break;
            case GoTypeKind.Map:
                foreach (var (name, value) in node.AsObject())
                {
                    Validate(value, schema.Element!, $"{path}.{name}", causes);
                }

                break;
            case GoTypeKind.Slice:
                var array = node.AsArray();
                for (var i = 0; i < array.Count; i++)
                {
                    Validate(array[i], schema.Element!, string.Create(CultureInfo.InvariantCulture, $"{path}[{i}]"), causes);
                }

                break;
        }
    }

    /// <summary>The OpenAPI type of a JSON value: a number with no fraction is an integer.</summary>
    private static string OpenApiType(JsonNode node) => node.GetValueKind() switch
    {
        JsonValueKind.Object => "object",
        JsonValueKind.Array => "array",
        JsonValueKind.String => "string",
        JsonValueKind.True or JsonValueKind.False => "boolean",
        JsonValueKind.Number => long.TryParse(node.ToJsonString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _) ? "integer" : "number",
        _ => "null",
    };
}
