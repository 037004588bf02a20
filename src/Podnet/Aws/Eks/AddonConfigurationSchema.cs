using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Podnet.Aws.Eks;

/// <summary>
/// An EKS add-on's configuration schema, as <c>aws eks describe-addon-configuration --addon-name vpc-cni
/// --addon-version …</c> prints it in <c>configurationSchema</c> (JSON Schema draft-06, every object
/// <c>additionalProperties: false</c>), and the check CreateAddon/UpdateAddon make of <c>--configuration-values</c>
/// against it. EKS validates with networknt's json-schema-validator; <see cref="Validate"/> returns its messages
/// (<c>$.env.WARM_IP_TARGET: integer found, string expected</c>, <c>$.foo: is not defined in the schema and the schema
/// does not allow additional properties</c>, <c>$.eniConfig.region: is missing but it is required</c>) in document
/// order, the form EKS wraps in <see cref="EksErrors.ConfigurationValueNotSupported"/>.
/// </summary>
/// <remarks>
/// The embedded schema's keys are the add-on's subset of the chart's values (aws/amazon-vpc-cni-k8s
/// charts/aws-vpc-cni/values.yaml: <c>env</c>, <c>init.env</c>, <c>eniConfig</c>, <c>tolerations</c>, <c>affinity</c>,
/// <c>resources</c>, <c>podAnnotations</c>, <c>podLabels</c>, <c>updateStrategy</c>, the probe timeouts) plus the
/// add-on's own switches (<c>enableNetworkPolicy</c>, <c>nodeAgent</c>, <c>enableWindowsIpam</c>,
/// <c>enableWindowsPrefixDelegation</c>), typed as describe-addon-configuration types them (env values strings).
/// </remarks>
public sealed class AddonConfigurationSchema
{
    /// <summary>
    /// The first vpc-cni add-on version whose schema has <c>enableNetworkPolicy</c> and <c>nodeAgent</c>
    /// (v1.14.0-eksbuild.3, the release that brought the network policy agent); earlier versions' schemas refuse them
    /// as additional properties.
    /// </summary>
    public static readonly Version NetworkPolicyKeysSince = new(1, 14, 0);

    private static readonly string[] NetworkPolicyKeys = ["enableNetworkPolicy", "nodeAgent"];

    private readonly JsonObject _root;

    private AddonConfigurationSchema(JsonObject root)
    {
        _root = root;
    }

    /// <summary>
    /// The vpc-cni add-on's schema for <paramref name="version"/> (the add-on version's CNI release, e.g. 1.19.2):
    /// the embedded <c>Aws/Data/vpc-cni-configuration-schema.json</c>, without the network policy keys before 1.14.0.
    /// </summary>
    public static AddonConfigurationSchema VpcCni(Version version)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("Podnet.Aws.Data.vpc-cni-configuration-schema.json")
                           ?? throw new InvalidOperationException("the vpc-cni configuration schema is missing from the Podnet assembly");
        var root = (JsonObject)JsonNode.Parse(stream)!;
        if (version < NetworkPolicyKeysSince)
        {
            var properties = (JsonObject)root["definitions"]!["VpcCni"]!["properties"]!;
            foreach (var key in NetworkPolicyKeys)
            {
                properties.Remove(key);
            }
        }

        return new AddonConfigurationSchema(root);
    }

    /// <summary>The schema as describe-addon-configuration's <c>configurationSchema</c> carries it: JSON text.</summary>
    public string ToJsonString() => _root.ToJsonString();

    /// <summary>
    /// The schema's errors for <paramref name="values"/>, each <c>$.path: problem</c> as networknt words it, with the
    /// path it names (<c>env.FOO</c>, relative to the configuration values); empty when the values are valid.
    /// </summary>
    public IReadOnlyList<(string Path, string Message)> Validate(JsonNode? values)
    {
        var errors = new List<(string, string)>();
        Check(_root, values, "$", errors);
        return errors;
    }

    private void Check(JsonNode schema, JsonNode? value, string path, List<(string, string)> errors)
    {
        if (schema["$ref"] is JsonValue reference)
        {
            // Only local references (#/definitions/Name) occur in the add-on schemas.
            var name = reference.GetValue<string>()["#/definitions/".Length..];
            Check(_root["definitions"]![name]!, value, path, errors);
            return;
        }

        var found = TypeOf(value);
        if (schema["type"] is { } type)
        {
            var allowed = type is JsonArray list ? list.Select(t => t!.GetValue<string>()).ToArray() : [type.GetValue<string>()];
            if (!allowed.Contains(found) && !(found == "integer" && allowed.Contains("number")))
            {
                errors.Add((path, $"{path}: {found} found, {string.Join(", ", allowed)} expected"));
                return;
            }
        }

        if (value is JsonObject obj)
        {
            if (schema["minProperties"] is JsonValue min && obj.Count < min.GetValue<int>())
            {
                errors.Add((path, $"{path}: should have a minimum of {min.GetValue<int>()} properties"));
            }

            foreach (var required in schema["required"] as JsonArray ?? [])
            {
                var key = required!.GetValue<string>();
                if (!obj.ContainsKey(key))
                {
                    errors.Add(($"{path}.{key}", $"{path}.{key}: is missing but it is required"));
                }
            }

            var properties = schema["properties"] as JsonObject;
            foreach (var (key, member) in obj)
            {
                var memberPath = $"{path}.{key}";
                if (properties?[key] is { } memberSchema)
                {
                    Check(memberSchema, member, memberPath, errors);
                }
                else if (schema["additionalProperties"] is JsonObject additional)
                {
                    Check(additional, member, memberPath, errors);
                }
                else if (schema["additionalProperties"] is JsonValue allow && !allow.GetValue<bool>())
                {
                    errors.Add((memberPath, $"{memberPath}: is not defined in the schema and the schema does not allow additional properties"));
                }
            }
        }

        if (value is JsonArray array && schema["items"] is JsonObject items)
        {
            for (var i = 0; i < array.Count; i++)
            {
                Check(items, array[i], $"{path}[{i}]", errors);
            }
        }
    }

    /// <summary>networknt's JsonType names: a whole number is an integer, any other number a number.</summary>
    private static string TypeOf(JsonNode? value) => value?.GetValueKind() switch
    {
        null or JsonValueKind.Null => "null",
        JsonValueKind.Object => "object",
        JsonValueKind.Array => "array",
        JsonValueKind.String => "string",
        JsonValueKind.True or JsonValueKind.False => "boolean",
        JsonValueKind.Number => value.AsValue().TryGetValue<long>(out _) ? "integer" : value.AsValue().TryGetValue<double>(out var d) && Math.Floor(d) == d ? "integer" : "number",
        _ => "null",
    };
}
