using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Podnet.Kube.Serialization;

/// <summary>
/// Builds JSON from YamlDotNet parser events with sigs.k8s.io/yaml's rules (go-yaml v2 typing, keys made strings,
/// anchors and merge keys resolved, no NaN or infinity).
/// </summary>
internal sealed class YamlManifestReader
{
    private const int MaxDepth = YamlManifests.MaxDepth;
    private const long MaxAliasedNodes = 1_000_000;

    private readonly IParser _parser;
    private readonly string _source;
    private readonly Dictionary<string, Anchored> _anchors = new(StringComparer.Ordinal);
    private long _aliasedNodes;

    /// <summary>
    /// The keys written in the mapping being read at each depth, with their lines (for "already defined at line"),
    /// one table per depth reused from mapping to mapping: a world has a mapping per few scalars.
    /// </summary>
    private readonly List<Dictionary<string, long>> _explicitKeys = [];

    private readonly bool _yaml11Booleans;

    public YamlManifestReader(string text, string source, bool yaml11Booleans = true)
    {
        _parser = new Parser(new StringReader(text));
        _source = source;
        _yaml11Booleans = yaml11Booleans;
    }

    public List<YamlDocument> ReadAll()
    {
        var documents = new List<YamlDocument>();
        try
        {
            Next();
            Expect<StreamStart>();
            Next();
            while (_parser.Current is DocumentStart start)
            {
                Next();
                _anchors.Clear();
                _aliasedNodes = 0;
                var content = ReadNode(depth: 0).Node;
                Expect<DocumentEnd>();
                Next();
                documents.Add(new YamlDocument(_source, documents.Count, (int)start.Start.Line, content));
            }

            Expect<StreamEnd>();
        }
        catch (YamlException ex) when (ex is not ManifestYamlException)
        {
            var problem = ex.Message;
            throw new ManifestSyntaxException(_source, (int)Math.Max(1, ex.Start.Line), (int)Math.Max(1, ex.Start.Column), problem, ex);
        }
        catch (ManifestYamlException ex)
        {
            throw new ManifestSyntaxException(_source, (int)Math.Max(1, ex.Start.Line), (int)Math.Max(1, ex.Start.Column), ex.Message);
        }

        return documents;
    }

    private void Next()
    {
        if (!_parser.MoveNext())
        {
            throw new ManifestYamlException(Mark.Empty, "unexpected end of the YAML stream");
        }
    }

    private void Expect<T>()
        where T : ParsingEvent
    {
        if (_parser.Current is not T)
        {
            throw Fail(_parser.Current!, $"unexpected {_parser.Current?.GetType().Name}");
        }
    }

    private static ManifestYamlException Fail(ParsingEvent at, string problem) => new(at.Start, problem);

    private Anchored ReadNode(int depth)
    {
        var current = _parser.Current!;
        if (depth > MaxDepth)
        {
            throw Fail(current, $"exceeded max depth of {MaxDepth}");
        }

        switch (current)
        {
            case AnchorAlias alias:
            {
                if (!_anchors.TryGetValue(alias.Value.Value, out var anchored))
                {
                    throw Fail(alias, $"unknown anchor '{alias.Value.Value}' referenced");
                }

                _aliasedNodes += anchored.Size;
                if (_aliasedNodes > MaxAliasedNodes)
                {
                    throw Fail(alias, "document contains excessive aliasing");
                }

                Next();
                return anchored with { Node = anchored.Node?.DeepClone() };
            }

            case Scalar scalar:
            {
                var resolved = Resolve(scalar);
                Next();
                return Remember(scalar, new Anchored(ScalarToJson(scalar, resolved), resolved, 1));
            }

            case SequenceStart sequenceStart:
            {
                Next();
                var array = new JsonArray();
                var size = 1L;
                while (_parser.Current is not SequenceEnd)
                {
                    var item = ReadNode(depth + 1);
                    size += item.Size;
                    array.Add(item.Node);
                }

                Next();
                return Remember(sequenceStart, new Anchored(array, null, size));
            }

            case MappingStart mappingStart:
                return Remember(mappingStart, ReadMapping(depth));

            default:
                throw Fail(current, $"unexpected {current.GetType().Name}");
        }
    }

    private Anchored Remember(NodeEvent node, Anchored value)
    {
        if (!node.Anchor.IsEmpty)
        {
            _anchors[node.Anchor.Value] = value;
        }

        return value;
    }

    private Anchored ReadMapping(int depth)
    {
        Next();
        var mapping = new JsonObject();
        while (_explicitKeys.Count <= depth)
        {
            _explicitKeys.Add(new Dictionary<string, long>(StringComparer.Ordinal));
        }

        // A key's value is read at depth + 1, so the nested mappings it holds use the tables below this one.
        var explicitKeys = _explicitKeys[depth];
        explicitKeys.Clear();
        var size = 1L;
        while (_parser.Current is not MappingEnd)
        {
            var keyEvent = _parser.Current!;
            if (IsMergeKey(keyEvent))
            {
                Next();
                var valueEvent = _parser.Current!;
                var merged = ReadNode(depth + 1);
                size += merged.Size;
                Merge(mapping, explicitKeys, merged.Node, valueEvent);
                continue;
            }

            var key = ReadNode(depth + 1);
            var name = KeyToString(key, keyEvent);
            var value = ReadNode(depth + 1);
            size += key.Size + value.Size;
            if (explicitKeys.TryGetValue(name, out var line))
            {
                throw Fail(keyEvent, $"mapping key \"{name}\" already defined at line {line}");
            }

            explicitKeys[name] = keyEvent.Start.Line;
            mapping[name] = value.Node;
        }

        Next();
        return new Anchored(mapping, null, size);
    }

    private static bool IsMergeKey(ParsingEvent key)
        => key is Scalar { Value: "<<" } scalar
           && ((scalar.Tag.IsEmpty && scalar.Style == ScalarStyle.Plain) || (!scalar.Tag.IsEmpty && scalar.Tag.Value == YamlScalarResolver.MergeTag));

    /// <summary>
    /// Merge keys: the value is a mapping or a list of mappings; keys written in the mapping itself win over merged
    /// ones, and among merged mappings the earlier one wins.
    /// </summary>
    private static void Merge(JsonObject mapping, Dictionary<string, long> explicitKeys, JsonNode? merged, ParsingEvent at)
    {
        IEnumerable<JsonNode?> sources = merged switch
        {
            JsonObject => [merged],
            JsonArray array when array.All(item => item is JsonObject) => array,
            _ => throw Fail(at, "map merge requires map or sequence of maps as the value"),
        };

        foreach (var source in sources)
        {
            foreach (var (name, value) in source!.AsObject())
            {
                if (!explicitKeys.ContainsKey(name) && !mapping.ContainsKey(name))
                {
                    mapping[name] = value?.DeepClone();
                }
            }
        }
    }

    private static string KeyToString(Anchored key, ParsingEvent at)
    {
        if (key.Scalar is not { } scalar)
        {
            throw Fail(at, "invalid map key: a mapping or a list can't be a key");
        }

        return scalar.Kind switch
        {
            YamlScalarKind.String or YamlScalarKind.Timestamp => scalar.Text,
            YamlScalarKind.Bool => scalar.Bool ? "true" : "false",
            YamlScalarKind.Int => scalar.Int.ToString(CultureInfo.InvariantCulture),
            YamlScalarKind.Float => double.IsFinite(scalar.Float) ? GoNumberFormat.G(scalar.Float, 32) : GoNumberFormat.Yaml(scalar.Float),
            YamlScalarKind.UInt => throw Fail(at, $"unsupported map key of type: uint64, key: {scalar.Text}"),
            _ => throw Fail(at, "unsupported map key of type: <nil> (a null key)"),
        };
    }

    private YamlScalar Resolve(Scalar scalar)
    {
        if (scalar.Tag.IsEmpty)
        {
            // Quoted and block scalars without a tag are strings; only plain ones are typed.
            if (scalar.Style != ScalarStyle.Plain)
            {
                return new YamlScalar(YamlScalarKind.String, scalar.Value);
            }

            var plain = YamlScalarResolver.ResolvePlain(scalar.Value);
            return !_yaml11Booleans && plain.Kind == YamlScalarKind.Bool && !YamlScalarResolver.IsCoreSchemaBool(scalar.Value)
                ? new YamlScalar(YamlScalarKind.String, scalar.Value)
                : plain;
        }

        if (scalar.Tag.IsNonSpecific)
        {
            return new YamlScalar(YamlScalarKind.String, scalar.Value);
        }

        var tag = scalar.Tag.Value;
        if (tag == YamlScalarResolver.BinaryTag)
        {
            try
            {
                var bytes = Convert.FromBase64String(scalar.Value.Replace("\n", string.Empty, StringComparison.Ordinal).Replace("\r", string.Empty, StringComparison.Ordinal));
                return new YamlScalar(YamlScalarKind.String, Encoding.UTF8.GetString(bytes));
            }
            catch (FormatException)
            {
                throw Fail(scalar, $"!!binary value contains invalid base64 data");
            }
        }

        var resolved = YamlScalarResolver.ResolveTagged(tag, scalar.Value, out var error);
        return error is null ? resolved : throw Fail(scalar, error);
    }

    private static JsonNode? ScalarToJson(Scalar at, YamlScalar scalar)
        => TryScalarToJson(scalar, out var node) ? node : throw Fail(at, $"json: unsupported value: {scalar.Text} (JSON has no infinity or NaN; quote it to make it a string)");

    /// <summary>A typed scalar as JSON; false for an infinite or NaN float, which JSON cannot hold.</summary>
    internal static bool TryScalarToJson(YamlScalar scalar, out JsonNode? node)
    {
        node = scalar.Kind switch
        {
            YamlScalarKind.Null => null,
            YamlScalarKind.Bool => JsonValue.Create(scalar.Bool),
            YamlScalarKind.Int => Number(scalar.Int.ToString(CultureInfo.InvariantCulture)),
            YamlScalarKind.UInt => Number(scalar.UInt.ToString(CultureInfo.InvariantCulture)),
            YamlScalarKind.Float when double.IsFinite(scalar.Float) => Number(GoNumberFormat.Json(scalar.Float)),
            YamlScalarKind.Float => null,
            _ => JsonValue.Create(scalar.Text),
        };
        return scalar.Kind != YamlScalarKind.Float || double.IsFinite(scalar.Float);
    }

    /// <summary>A number backed by its JSON text, so GetValue&lt;int&gt;, &lt;long&gt; and &lt;double&gt; all work.</summary>
    private static JsonNode Number(string json) => JsonNode.Parse(json)!;

    /// <summary>A built node, the typed scalar it came from (for keys), and its node count (to bound alias expansion).</summary>
    private readonly record struct Anchored(JsonNode? Node, YamlScalar? Scalar, long Size);

    private sealed class ManifestYamlException(Mark start, string message) : YamlException(start, start, message);
}
