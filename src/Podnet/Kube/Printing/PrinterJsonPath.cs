using System.Globalization;
using System.Text.Json.Nodes;

namespace Podnet.Kube.Printing;

/// <summary>
/// The part of k8s.io/client-go/util/jsonpath that CRD printer columns use, with AllowMissingKeys as the CRD table
/// convertor sets it: fields (<c>.spec.replicas</c>, <c>['a.b']</c>), array indexes (<c>[0]</c>, <c>[-1]</c>) and
/// wildcards (<c>[*]</c>, <c>.*</c>). Filters, slices, unions and recursive descent are not supported: such a path
/// finds nothing.
/// </summary>
public sealed class PrinterJsonPath
{
    private abstract record Step;

    private sealed record FieldStep(string Name) : Step;

    private sealed record IndexStep(int Index) : Step;

    private sealed record WildcardStep : Step;

    private readonly IReadOnlyList<Step>? _steps;

    private PrinterJsonPath(string text, IReadOnlyList<Step>? steps)
    {
        Text = text;
        _steps = steps;
    }

    /// <summary>The path as written in the CRD.</summary>
    public string Text { get; }

    /// <summary>Whether the path is in the supported subset; an unsupported one finds nothing.</summary>
    public bool IsSupported => _steps is not null;

    /// <summary>Reads <paramref name="text"/> (<c>.status.conditions[0].type</c>; surrounding <c>{}</c> allowed).</summary>
    public static PrinterJsonPath Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var path = text.Trim();
        if (path.StartsWith('{') && path.EndsWith('}'))
        {
            path = path[1..^1].Trim();
        }

        var steps = new List<Step>();
        var i = 0;
        while (i < path.Length)
        {
            if (path[i] == '.')
            {
                var start = ++i;
                while (i < path.Length && path[i] != '.' && path[i] != '[')
                {
                    i++;
                }

                var name = path[start..i];
                if (name.Length == 0)
                {
                    // ".." is recursive descent; a lone "." at the end names the current object.
                    if (i < path.Length)
                    {
                        return new PrinterJsonPath(text, null);
                    }

                    continue;
                }

                steps.Add(name == "*" ? new WildcardStep() : new FieldStep(name));
            }
            else if (path[i] == '[')
            {
                var end = path.IndexOf(']', i);
                if (end < 0)
                {
                    return new PrinterJsonPath(text, null);
                }

                var inner = path[(i + 1)..end].Trim();
                i = end + 1;
                if (inner == "*")
                {
                    steps.Add(new WildcardStep());
                }
                else if (inner.Length >= 2 && (inner[0] == '\'' || inner[0] == '"') && inner[^1] == inner[0])
                {
                    steps.Add(new FieldStep(inner[1..^1]));
                }
                else if (int.TryParse(inner, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var index))
                {
                    steps.Add(new IndexStep(index));
                }
                else
                {
                    return new PrinterJsonPath(text, null);
                }
            }
            else
            {
                return new PrinterJsonPath(text, null);
            }
        }

        return new PrinterJsonPath(text, steps);
    }

    /// <summary>
    /// Every value the path finds in <paramref name="root"/>, in document order (JSON null values included);
    /// empty when a key is missing or an index is out of range (AllowMissingKeys).
    /// </summary>
    public IReadOnlyList<JsonNode?> Find(JsonNode? root)
    {
        if (_steps is null)
        {
            return [];
        }

        IReadOnlyList<JsonNode?> current = [root];
        foreach (var step in _steps)
        {
            var next = new List<JsonNode?>();
            foreach (var node in current)
            {
                switch (step)
                {
                    case FieldStep field when node is JsonObject o && o.TryGetPropertyValue(field.Name, out var value):
                        next.Add(value);
                        break;
                    case IndexStep index when node is JsonArray a:
                        var at = index.Index < 0 ? a.Count + index.Index : index.Index;
                        if (at >= 0 && at < a.Count)
                        {
                            next.Add(a[at]);
                        }

                        break;
                    case WildcardStep when node is JsonArray a:
                        next.AddRange(a);
                        break;
                    case WildcardStep when node is JsonObject o:
                        // client-go walks a map's values in sorted key order.
                        next.AddRange(o.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Value));
                        break;
                }
            }

            current = next;
        }

        return current;
    }
}
