using System.Globalization;
using System.Text.Json.Nodes;
using Podnet.Kube.Api;
using Podnet.Kube.Patching;
using SchemaType = Podnet.Kube.Patching.PatchType;

namespace Podnet.Kube.Store;

/// <summary>
/// Field ownership for server-side apply (sigs.k8s.io/structured-merge-diff, as the API server keeps it in
/// <c>metadata.managedFields</c>): each field manager owns the fields it set — by apply (operation Apply) or by a
/// create, update or patch (operation Update) — in the FieldsV1 form (<c>f:spec</c>, <c>f:replicas</c>, list items
/// by merge key <c>k:{"name":"nginx"}</c>, set members <c>v:"x"</c>). An apply that would change a field another
/// manager owns is a conflict unless forced. Only requests that name a field manager (the API's clients) are
/// tracked; the emulated controllers' own writes are not.
/// </summary>
public static class ManagedFields
{
    private const char Separator = '\u0001';

    /// <summary>Metadata fields no manager owns (the server sets them).</summary>
    private static readonly HashSet<string> ServerMetadata = ["name", "namespace", "uid", "resourceVersion", "generation", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "managedFields", "selfLink", "generateName"];

    /// <summary>The leaf fields <paramref name="obj"/> sets, as paths of FieldsV1 tokens joined by an invisible separator.</summary>
    public static HashSet<string> Leaves(JsonObject obj, SchemaType? schema)
    {
        ArgumentNullException.ThrowIfNull(obj);
        var leaves = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, value) in obj)
        {
            if (name is "apiVersion" or "kind" or "status")
            {
                continue;
            }

            if (name == "metadata" && value is JsonObject metadata)
            {
                foreach (var (field, inner) in metadata)
                {
                    if (!ServerMetadata.Contains(field))
                    {
                        Walk(inner, KubePatchSchemas.ObjectMeta.Field(field), "f:metadata" + Separator + "f:" + field, leaves);
                    }
                }

                continue;
            }

            Walk(value, schema?.Field(name), "f:" + name, leaves);
        }

        return leaves;
    }

    private static void Walk(JsonNode? value, PatchField? field, string path, HashSet<string> leaves)
    {
        switch (value)
        {
            case JsonObject o when o.Count > 0:
                foreach (var (name, inner) in o)
                {
                    Walk(inner, field?.Type?.Field(name), path + Separator + "f:" + name, leaves);
                }

                break;
            case JsonArray a when field is { Strategy: PatchStrategy.Merge, MergeKey: { } key } && a.All(i => i is JsonObject):
                foreach (var item in a.OfType<JsonObject>())
                {
                    var itemPath = path + Separator + "k:" + new JsonObject { [key] = item[key]?.DeepClone() }.ToJsonString();
                    leaves.Add(itemPath + Separator + ".");
                    foreach (var (name, inner) in item)
                    {
                        Walk(inner, field.Type?.Field(name), itemPath + Separator + "f:" + name, leaves);
                    }
                }

                break;
            case JsonArray a when field is { Strategy: PatchStrategy.Merge, MergeKey: null }:
                foreach (var item in a)
                {
                    leaves.Add(path + Separator + "v:" + (item?.ToJsonString() ?? "null"));
                }

                break;
            default:
                leaves.Add(path);
                break;
        }
    }

    /// <summary>Leaves as a FieldsV1 object: <c>{"f:spec":{"f:replicas":{}}}</c>.</summary>
    public static JsonObject ToFieldsV1(IEnumerable<string> leaves)
    {
        var root = new JsonObject();
        foreach (var leaf in leaves.Order(StringComparer.Ordinal))
        {
            var node = root;
            foreach (var token in leaf.Split(Separator))
            {
                node = node[token] as JsonObject ?? (JsonObject)(node[token] = new JsonObject());
            }
        }

        return root;
    }

    /// <summary>The leaves of a FieldsV1 object (its paths to empty objects).</summary>
    public static HashSet<string> FromFieldsV1(JsonNode? fields)
    {
        var leaves = new HashSet<string>(StringComparer.Ordinal);
        void Collect(JsonObject node, string path)
        {
            foreach (var (token, inner) in node)
            {
                var at = path.Length == 0 ? token : path + Separator + token;
                if (inner is JsonObject { Count: > 0 } next)
                {
                    Collect(next, at);
                }
                else
                {
                    leaves.Add(at);
                }
            }
        }

        if (fields is JsonObject root)
        {
            Collect(root, string.Empty);
        }

        return leaves;
    }

    /// <summary>A leaf path as the API server's conflict messages write it: <c>.spec.template.spec.containers[name="nginx"].image</c>.</summary>
    public static string Display(string leaf)
    {
        var text = new System.Text.StringBuilder();
        foreach (var token in leaf.Split(Separator))
        {
            if (token.StartsWith("f:", StringComparison.Ordinal))
            {
                text.Append('.').Append(token[2..]);
            }
            else if (token.StartsWith("k:", StringComparison.Ordinal) && JsonNode.Parse(token[2..]) is JsonObject key)
            {
                text.Append('[').Append(string.Join(",", key.Select(p => $"{p.Key}={p.Value?.ToJsonString()}"))).Append(']');
            }
            else if (token.StartsWith("v:", StringComparison.Ordinal))
            {
                text.Append('[').Append(token[2..]).Append(']');
            }
        }

        return text.ToString();
    }

    /// <summary>The value at a leaf path of <paramref name="obj"/> as JSON text, or null when it is not there.</summary>
    private static string? ValueAt(JsonObject obj, string leaf)
    {
        JsonNode? node = obj;
        foreach (var token in leaf.Split(Separator))
        {
            switch (token)
            {
                case ".":
                    return node?.ToJsonString();
                case var f when f.StartsWith("f:", StringComparison.Ordinal):
                    node = (node as JsonObject)?[f[2..]];
                    break;
                case var k when k.StartsWith("k:", StringComparison.Ordinal) && JsonNode.Parse(k[2..]) is JsonObject key:
                    node = (node as JsonArray)?.OfType<JsonObject>().FirstOrDefault(i => key.All(p => JsonNode.DeepEquals(i[p.Key], p.Value)));
                    break;
                case var v when v.StartsWith("v:", StringComparison.Ordinal):
                    return (node as JsonArray)?.Any(i => (i?.ToJsonString() ?? "null") == v[2..]) == true ? v[2..] : null;
                default:
                    return null;
            }

            if (node is null)
            {
                return null;
            }
        }

        return node?.ToJsonString();
    }

    /// <summary>The object's managedFields entries (manager, operation, apiVersion, subresource, leaves).</summary>
    private static List<(string Manager, string Operation, string ApiVersion, JsonObject Entry, HashSet<string> Leaves)> Entries(JsonObject obj)
        => [.. (obj["metadata"]?["managedFields"] as JsonArray ?? []).OfType<JsonObject>()
            .Select(e => (e["manager"]?.GetValue<string>() ?? string.Empty, e["operation"]?.GetValue<string>() ?? "Update", e["apiVersion"]?.GetValue<string>() ?? string.Empty, e, FromFieldsV1(e["fieldsV1"])))];

    /// <summary>
    /// The conflicts of applying <paramref name="applied"/> as <paramref name="manager"/> to <paramref name="current"/>:
    /// fields another manager owns whose value the apply would change. Empty when there are none.
    /// </summary>
    public static IReadOnlyList<StatusCause> Conflicts(JsonObject current, JsonObject applied, string manager, SchemaType? schema)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(applied);
        var wanted = Leaves(applied, schema);
        var causes = new List<StatusCause>();
        foreach (var (owner, _, apiVersion, _, owned) in Entries(current).Where(e => e.Manager != manager))
        {
            // A list item's own entry (".") and a set member ("v:…") are memberships, not values: two managers may
            // both want an item; only the item's fields can conflict.
            foreach (var leaf in owned.Where(wanted.Contains).Where(l => !l.EndsWith(Separator + ".", StringComparison.Ordinal) && !l.Split(Separator)[^1].StartsWith("v:", StringComparison.Ordinal)).Order(StringComparer.Ordinal))
            {
                if (ValueAt(current, leaf) != ValueAt(applied, leaf))
                {
                    causes.Add(new StatusCause("FieldManagerConflict", $"conflict with \"{owner}\" using {apiVersion}", Display(leaf)));
                }
            }
        }

        return causes;
    }

    /// <summary>The API server's 409 for an apply with conflicts (fieldmanager.NewConflictError).</summary>
    public static KubeException ConflictError(KubeResource resource, string name, IReadOnlyList<StatusCause> causes)
    {
        ArgumentNullException.ThrowIfNull(causes);
        var message = causes.Count == 1
            ? $"Apply failed with 1 conflict: {causes[0].Message}: {causes[0].Field}"
            : $"Apply failed with {causes.Count} conflicts: " + string.Join("\n", causes.Select(c => $"{c.Message}: {c.Field}"));
        return new KubeException("Conflict", message, 409, name, resource?.Plural, resource?.Group, causes);
    }

    /// <summary>
    /// <paramref name="after"/> with its managedFields brought up to date for a write by <paramref name="manager"/>:
    /// an apply owns exactly the fields it applied (<paramref name="applied"/>); any other write owns the fields it
    /// changed. A field whose value changed is no longer owned by the others (a forced apply takes it over); one set
    /// to the value it had is owned jointly.
    /// </summary>
    public static JsonObject Record(JsonObject? before, JsonObject after, string manager, JsonObject? applied, SchemaType? schema, DateTimeOffset now, string apiVersion)
    {
        ArgumentNullException.ThrowIfNull(after);
        var operation = applied is null ? "Update" : "Apply";

        // The fields whose value this write changed leave their other owners; a field set to the value it had is
        // owned jointly (server-side apply's co-ownership).
        var old = before is null ? [] : Leaves(before, schema);
        var changed = Leaves(after, schema).Where(l => !old.Contains(l) || ValueAt(before!, l) != ValueAt(after, l)).ToHashSet(StringComparer.Ordinal);
        var entries = Entries(before ?? after);
        var result = new JsonArray();
        var mine = applied is null
            ? entries.FirstOrDefault(e => e.Manager == manager && e.Operation == operation).Leaves ?? []
            : [];
        foreach (var (owner, op, _, entry, owned) in entries)
        {
            if (owner == manager && op == operation)
            {
                continue;
            }

            owned.ExceptWith(changed);
            var stillThere = owned.Where(l => ValueAt(after, l) is not null).ToList();
            if (stillThere.Count > 0)
            {
                var kept = (JsonObject)entry.DeepClone();
                kept["fieldsV1"] = ToFieldsV1(stillThere);
                result.Add(kept);
            }
        }

        mine.UnionWith(applied is null ? changed : Leaves(applied, schema));
        mine.RemoveWhere(l => ValueAt(after, l) is null);
        if (mine.Count > 0)
        {
            result.Add(new JsonObject
            {
                ["manager"] = manager,
                ["operation"] = operation,
                ["apiVersion"] = apiVersion,
                ["time"] = KubeObject.FormatTimestamp(now),
                ["fieldsType"] = "FieldsV1",
                ["fieldsV1"] = ToFieldsV1(mine),
            });
        }

        var json = (JsonObject)after.DeepClone();
        var metadata = (JsonObject)(json["metadata"] ??= new JsonObject());
        if (result.Count == 0)
        {
            metadata.Remove("managedFields");
        }
        else
        {
            metadata["managedFields"] = result;
        }

        return json;
    }

    /// <summary>Whether two objects' managedFields give the same managers the same fields (times aside).</summary>
    public static bool SameOwnership(JsonObject a, JsonObject b)
    {
        static string Key(JsonObject obj) => string.Join(
            "\n",
            Entries(obj).Select(e => e.Manager + " " + e.Operation + " " + e.ApiVersion + " " + string.Join(",", e.Leaves.Order(StringComparer.Ordinal))).Order(StringComparer.Ordinal));
        return Key(a) == Key(b);
    }
}
