using System.Text;
using System.Text.Json.Nodes;
using Podnet.Kube.Serialization;

namespace Podnet.Tests.TestSupport;

/// <summary>
/// Makes a bad input out of a good one, deterministically from a seed: a value of the wrong type or out of range,
/// a key dropped or added, an object twice, a mistyped kind, or the text cut, doubled or made invalid UTF-8.
/// </summary>
public static class WorldMutator
{
    /// <summary>Values that have broken parsers before: wrong types, edges of ranges, address forms, deep nesting.</summary>
    private static readonly Func<JsonNode?>[] Hostile =
    [
        () => 5, () => -1, () => 0, () => 70000, () => 65536, () => 80.5, () => 1e30, () => 4294967296L, () => true, () => false,
        () => "Foo", () => string.Empty, () => "not-an-ip", () => "300.1.1.1", () => "10.0.0.01", () => "167772161", () => "10.1",
        () => "2001:db8::1", () => "80/80", () => "http", () => "In", () => "Exists", () => "-1", () => "0x1F", () => "10.0.0.0/33",
        () => new JsonArray(), () => new JsonArray("a"), () => new JsonArray(5), () => new JsonObject(), () => new JsonObject { ["a"] = 5 },
        () => null, () => Deep(70), () => new string('x', 300), () => "ü\u0000\t",
    ];

    private static readonly string[] Typos = ["NetworkPolicie", "v2", "apps/v2", "Pod ", "pod", "List", "Namespace"];

    /// <summary>The mutated bytes of <paramref name="text"/> and a description of the change.</summary>
    public static (byte[] Bytes, string Change) Mutate(string text, string name, Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        if (random.Next(5) == 0)
        {
            return MutateText(text, random);
        }

        List<JsonNode?> documents;
        try
        {
            documents = [.. YamlManifests.Parse(text, name, yaml11Booleans: false).Select(d => d.Content)];
        }
        catch (ManifestSyntaxException)
        {
            return MutateText(text, random);
        }

        var objects = documents.OfType<JsonObject>().ToList();
        if (objects.Count == 0)
        {
            return MutateText(text, random);
        }

        var target = objects[random.Next(objects.Count)];
        string change;
        switch (random.Next(10))
        {
            case 0:
                documents.Add(target.DeepClone());
                change = $"document {documents.IndexOf(target) + 1} twice";
                break;
            case 1:
                var field = random.Next(2) == 0 ? "kind" : "apiVersion";
                var typo = Typos[random.Next(Typos.Length)];
                target[field] = typo;
                change = $"{field}: {typo}";
                break;
            default:
                change = MutateNode(target, random);
                break;
        }

        var yaml = string.Join("---\n", documents.Select(d => (d?.ToJsonString() ?? "null") + "\n"));
        return (Encoding.UTF8.GetBytes(yaml), change);
    }

    private static string MutateNode(JsonObject root, Random random)
    {
        var nodes = new List<(JsonNode Parent, string? Key, int Index, string Path)>();
        Collect(root, string.Empty, nodes);
        if (nodes.Count == 0)
        {
            root["spec"] = Hostile[random.Next(Hostile.Length)]();
            return "spec replaced";
        }

        var (parent, key, index, path) = nodes[random.Next(nodes.Count)];
        switch (random.Next(4))
        {
            case 0 when key is not null:
                parent.AsObject().Remove(key);
                return $"{path} removed";
            case 1 when key is not null:
                parent.AsObject()[key + "x"] = Hostile[random.Next(Hostile.Length)]();
                return $"{path}x added";
            default:
                var value = Hostile[random.Next(Hostile.Length)]();
                var shown = value?.ToJsonString() ?? "null";
                if (key is not null)
                {
                    parent.AsObject()[key] = value;
                }
                else
                {
                    parent.AsArray()[index] = value;
                }

                return $"{path} = {(shown.Length > 40 ? shown[..40] + "…" : shown)}";
        }
    }

    private static void Collect(JsonNode node, string path, List<(JsonNode, string?, int, string)> nodes)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, value) in obj.ToList())
                {
                    var at = path.Length == 0 ? key : $"{path}.{key}";
                    nodes.Add((obj, key, -1, at));
                    if (value is not null)
                    {
                        Collect(value, at, nodes);
                    }
                }

                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    nodes.Add((array, null, i, $"{path}[{i}]"));
                    if (array[i] is { } item)
                    {
                        Collect(item, $"{path}[{i}]", nodes);
                    }
                }

                break;
        }
    }

    private static (byte[] Bytes, string Change) MutateText(string text, Random random)
    {
        var lines = text.Split('\n').ToList();
        var at = random.Next(Math.Max(1, lines.Count));
        switch (random.Next(5))
        {
            case 0:
                var cut = random.Next(text.Length + 1);
                return (Encoding.UTF8.GetBytes(text[..cut]), $"cut at {cut}");
            case 1 when lines.Count > 0:
                lines.RemoveAt(at);
                return (Encoding.UTF8.GetBytes(string.Join('\n', lines)), $"line {at + 1} removed");
            case 2 when lines.Count > 0:
                lines.Insert(at, lines[at]);
                return (Encoding.UTF8.GetBytes(string.Join('\n', lines)), $"line {at + 1} twice");
            case 3:
                var bytes = Encoding.UTF8.GetBytes(text).ToList();
                var offset = random.Next(bytes.Count + 1);
                bytes.InsertRange(offset, [0xC3, 0x28]);
                return ([.. bytes], $"invalid UTF-8 at byte {offset}");
            default:
                return (Encoding.UTF8.GetBytes(string.Empty), "emptied");
        }
    }

    private static JsonNode Deep(int levels)
    {
        JsonNode node = "bottom";
        for (var i = 0; i < levels; i++)
        {
            node = new JsonObject { ["a"] = node };
        }

        return node;
    }
}
