using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Podnet.Kube.Serialization;

/// <summary>
/// Writes JSON as YAML the way <c>kubectl get -o yaml</c> does (go-yaml v2's emitter, a port of libyaml, behind
/// sigs.k8s.io/yaml's JSONToYAML), through YamlDotNet's emitter, itself a port of libyaml: block style, 2-space
/// indent, list items at their key's indent, lines folded after column 80. What the emitter cannot know is decided
/// here as go-yaml decides it: a string that would read back as another type (<c>"true"</c>, <c>"123"</c>,
/// <c>"1.20"</c>) is double-quoted (go-yaml's encoder, <c>stringv</c>), a string with a line break is a literal
/// block, empty collections are flow (<c>{}</c>, <c>[]</c>), and numbers are written as Go formats them.
/// </summary>
internal static class YamlEventWriter
{
    private static readonly EmitterSettings Settings = new(bestIndent: 2, bestWidth: 80, isCanonical: false, maxSimpleKeyLength: int.MaxValue);

    public static string Write(JsonNode? node)
    {
        var text = new StringWriter(CultureInfo.InvariantCulture) { NewLine = "\n" };
        var emitter = new Emitter(text, Settings);
        emitter.Emit(new StreamStart());
        emitter.Emit(new DocumentStart(null, null, isImplicit: true));
        Emit(emitter, node, isKey: false);
        emitter.Emit(new DocumentEnd(isImplicit: true));
        emitter.Emit(new StreamEnd());
        return text.ToString();
    }

    private static void Emit(IEmitter emitter, JsonNode? node, bool isKey)
    {
        switch (node)
        {
            case JsonObject mapping:
                emitter.Emit(new MappingStart(null, null, isImplicit: true, mapping.Count == 0 ? MappingStyle.Flow : MappingStyle.Block));
                foreach (var (key, value) in mapping)
                {
                    EmitString(emitter, key, isKey: true);
                    Emit(emitter, value, isKey: false);
                }

                emitter.Emit(new MappingEnd());
                break;
            case JsonArray sequence:
                emitter.Emit(new SequenceStart(null, null, isImplicit: true, sequence.Count == 0 ? SequenceStyle.Flow : SequenceStyle.Block));
                foreach (var item in sequence)
                {
                    Emit(emitter, item, isKey: false);
                }

                emitter.Emit(new SequenceEnd());
                break;
            case null:
                emitter.Emit(Plain("null"));
                break;
            case JsonValue value when ScalarText(value) is { } text:
                emitter.Emit(Plain(text));
                break;
            case JsonValue value:
                EmitString(emitter, StringValue(value), isKey);
                break;
            default:
                throw new ArgumentException($"unsupported JSON node {node.GetType().Name}", nameof(node));
        }
    }

    private static void EmitString(IEmitter emitter, string text, bool isKey)
    {
        // go-yaml's choice (emitterc.go, yaml_emitter_select_scalar_style): a multi-line string is a literal block
        // where one can carry it (never a key); a string that would resolve to another type is double-quoted; any
        // other is plain where it may be, else single-quoted, else double-quoted.
        // One departure: YamlDotNet writes a string of line breaks alone as a clipped literal block, which reads back
        // as "" (go-yaml keeps it with "+"), so such a string is double-quoted.
        var analysis = YamlScalarAnalysis.Of(text);
        var style = text.Contains('\n', StringComparison.Ordinal)
            ? (!isKey && analysis.BlockAllowed && text.Trim('\n').Length > 0 ? ScalarStyle.Literal : ScalarStyle.DoubleQuoted)
            : YamlScalarResolver.NeedsQuotesToStayString(text) ? ScalarStyle.DoubleQuoted
            : analysis.BlockPlainAllowed ? ScalarStyle.Plain
            : analysis.SingleQuotedAllowed ? ScalarStyle.SingleQuoted
            : ScalarStyle.DoubleQuoted;
        emitter.Emit(new Scalar(null, null, text, style, isPlainImplicit: true, isQuotedImplicit: true));
    }

    private static Scalar Plain(string text) => new(null, null, text, ScalarStyle.Plain, isPlainImplicit: true, isQuotedImplicit: true);

    /// <summary>The plain text of a non-string scalar, or null for a string.</summary>
    private static string? ScalarText(JsonValue value)
    {
        if (value.TryGetValue<double>(out var number) && !double.IsFinite(number))
        {
            return GoNumberFormat.Yaml(number);
        }

        switch (value.GetValueKind())
        {
            case JsonValueKind.True:
                return "true";
            case JsonValueKind.False:
                return "false";
            case JsonValueKind.Null:
                return "null";
            case JsonValueKind.Number:
                // JSON text read back as YAML, as sigs.k8s.io/yaml's JSONToYAML does: ints stay ints, floats print as Go's %g.
                var json = value.ToJsonString();
                var resolved = YamlScalarResolver.ResolvePlain(json);
                return resolved.Kind switch
                {
                    YamlScalarKind.Int => resolved.Int.ToString(CultureInfo.InvariantCulture),
                    YamlScalarKind.UInt => resolved.UInt.ToString(CultureInfo.InvariantCulture),
                    YamlScalarKind.Float => GoNumberFormat.Yaml(resolved.Float),
                    _ => json,
                };
            default:
                return null;
        }
    }

    private static string StringValue(JsonValue value)
        => value.TryGetValue<string>(out var text) ? text : JsonSerializer.Deserialize<string>(value.ToJsonString()) ?? string.Empty;
}
