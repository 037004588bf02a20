using System.Text.Json.Nodes;

namespace Podnet.Kube.Serialization;

/// <summary>
/// Kubernetes manifests in YAML, converted to and from JSON exactly as kubectl does it (sigs.k8s.io/yaml on go-yaml v2):
/// YAML 1.1 typing of unquoted scalars (yes/no/on/off are booleans, 0755 is octal, 1.20 is the number 1.2),
/// anchors and merge keys resolved, keys made strings. Parses text given to it; reading files is the caller's job.
/// </summary>
public static class YamlManifests
{
    /// <summary>
    /// How deeply a manifest may nest. Everything that writes a manifest's JSON again must allow at least this much
    /// (System.Text.Json stops at 64 by default, and a world may nest a value 70 levels deep).
    /// </summary>
    public const int MaxDepth = 1000;

    /// <summary>
    /// Splits a YAML stream ("---" separated; JSON is YAML too) into documents and converts each to JSON (the plain subset
    /// most manifests use by <see cref="YamlSubsetReader"/>, the rest by YamlDotNet; both give the same JSON).
    /// Empty documents are kept, with null content. Throws <see cref="ManifestSyntaxException"/> with the source, line and column.
    /// </summary>
    public static IReadOnlyList<YamlDocument> Parse(string text, string source) => Parse(text, source, yaml11Booleans: true);

    /// <summary>
    /// As <see cref="Parse(string, string)"/>; with <paramref name="yaml11Booleans"/> false, unquoted y/n/yes/no/on/off
    /// stay strings (YAML 1.2's core schema), so a namespace named <c>y</c> is the string "y".
    /// </summary>
    public static IReadOnlyList<YamlDocument> Parse(string text, string source, bool yaml11Booleans)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(source);
        // Read on one thread, however large. YamlDotNet's scanners rent their string builders from one static pool
        // (an interlocked slot and a concurrent queue shared by every scanner), so two at once spend their time on its
        // cache lines: pieces of the 50,000-pod world read on both cores took 1.3 s of wall time where one read took
        // 0.4 s, and the scanner on a thread of its own beside the JSON building gained no wall time either.
        // The common subset without YamlDotNet first; anything beyond it (and every error) is YamlDotNet's.
        return YamlSubsetReader.TryRead(text, source, yaml11Booleans) ?? new YamlManifestReader(text, source, yaml11Booleans).ReadAll();
    }

    /// <summary>Parses a single-document manifest; null when the text holds no document or only an empty one.</summary>
    public static JsonNode? ParseSingle(string text, string source)
    {
        var documents = Parse(text, source);
        if (documents.Count > 1)
        {
            var second = documents[1];
            throw new ManifestSyntaxException(source, second.Line, 1, $"expected a single document but found {documents.Count}");
        }

        return documents.Count == 0 ? null : documents[0].Content;
    }

    /// <summary>
    /// Writes JSON as YAML like <c>kubectl get -o yaml</c> (go-yaml v2 style: 2-space indent, list items at their key's
    /// indent, strings quoted only when they would read back as something else), keeping the node's key order.
    /// </summary>
    public static string ToYaml(JsonNode? node) => YamlEventWriter.Write(node);

    /// <summary>Writes several documents separated by "---" lines, as <c>kubectl get -o yaml</c> does for a list of files.</summary>
    public static string ToYamlDocuments(IEnumerable<JsonNode?> documents)
    {
        ArgumentNullException.ThrowIfNull(documents);
        return string.Join("---\n", documents.Select(ToYaml));
    }
}
