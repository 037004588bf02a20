using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Podnet.Kube.Api;

/// <summary>
/// Lets the next stored version of an object hold the unchanged parts of the version it replaces (a pod's spec when its
/// kubelet writes its status, its labels, owner references and status when its annotations change) as the very same
/// <see cref="JsonNode"/>s instead of copies of them. A stored version is never written (only versions a write is still
/// making are changed in place), so two versions can share a subtree as the API server's two versions share nothing
/// but are equally immutable. Why: each write of a 100,000-pod cluster made a whole new tree of about 14 KB that lives
/// until the object's next write, and collecting those long-lived copies was two fifths of a large settle's CPU.
/// </summary>
/// <remarks>
/// A <see cref="JsonNode"/> records one parent and refuses to be added to a second tree, so a shared node is detached
/// from its parent's record (System.Text.Json's private <c>_parent</c> field) before it is added to the next version;
/// the version it came from still lists it. <see cref="JsonNode.Parent"/> of a shared node therefore names its newest
/// holder, which only <see cref="JsonNode.GetPath"/> and <see cref="JsonNode.Root"/> read, and nothing in Podnet reads
/// them of a stored object. Where the field does not exist (another System.Text.Json), the node is copied as before.
/// </remarks>
internal static class SharedSubtrees
{
    [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "_parent")]
    private static extern ref JsonNode? ParentOf(JsonNode node);

    /// <summary>Whether this runtime's <see cref="JsonNode"/> has the parent field <see cref="Lend"/> clears.</summary>
    internal static readonly bool Available = Probe();

    private static bool Probe()
    {
        try
        {
            var child = new JsonObject();
            _ = new JsonObject { ["child"] = child };
            ParentOf(child) = null;
            return child.Parent is null;
        }
        catch (MissingFieldException)
        {
            return false;
        }
    }

    /// <summary>
    /// <paramref name="node"/> of a stored version, ready to be added to the version that replaces it (or a copy where
    /// nodes cannot be shared). Only for a node no one will write through again.
    /// </summary>
    internal static JsonNode? Lend(JsonNode? node)
    {
        if (node is null)
        {
            return null;
        }

        if (!Available)
        {
            return node.DeepClone();
        }

        ParentOf(node) = null;
        return node;
    }

    /// <summary>
    /// The next version of <paramref name="stored"/>, made of its parts: a new object holding the stored fields in their
    /// order, each lent (<see cref="Lend"/>), but metadata, a new object of the stored metadata's fields, lent, without
    /// resourceVersion (which the write stamps), and the fields <paramref name="remade"/>, which hold null in their
    /// places for the write to set. A status update, a binding and an Event's count-up make their versions so; a write
    /// that is not stored gives the parts back with <see cref="Reclaim"/>.
    /// </summary>
    internal static JsonObject NextVersion(JsonObject stored, params ReadOnlySpan<string> remade)
    {
        var next = new SizedJsonObject.Builder(stored.Count);
        foreach (var (field, value) in stored.Fields())
        {
            next.Add(field, remade.Contains(field) ? null
                : field == "metadata" && value is JsonObject metadata ? LendFields(metadata, skipped: "resourceVersion", identityDecoded: true)
                : Lend(value));
        }

        return next.Build();
    }

    /// <summary>
    /// A stored version's identity field (name, namespace or uid, which the store reads of every version on its way in),
    /// as a string value when the stored version's is still its text: a version kept as text (an Event) is read back as
    /// values over that text, and reading a name from one decodes a new string every time. The store reads a new
    /// version's name and namespace about ten times before it is stored, so an Event's count-up decodes each once here
    /// (the decoding was 90 MB of a 10,000-pod world with security groups).
    /// </summary>
    private static JsonNode? Decoded(JsonValue value)
        => value.TryGetValue<JsonElement>(out var text) && text.ValueKind == JsonValueKind.String ? JsonValue.Create(text.GetString()) : Lend(value);

    /// <summary>
    /// A new object holding <paramref name="source"/>'s fields in their order, each lent (<see cref="Lend"/>), but
    /// <paramref name="skipped"/>, which it leaves out, and <paramref name="copied"/>, which it copies so the write that
    /// makes the next version may change it: a next version's metadata (<see cref="NextVersion"/>), or a pod's spec and
    /// status when the scheduler binds it.
    /// </summary>
    /// <param name="room">How many fields the write will add (sized for; a skipped field counts as one it adds again).</param>
    /// <param name="identityDecoded">Whether the identity fields are given as strings (<see cref="Decoded"/>), not lent.</param>
    internal static JsonObject LendFields(JsonObject source, string? skipped = null, string? copied = null, int room = 0, bool identityDecoded = false)
    {
        var result = new SizedJsonObject.Builder(source.Count + room);
        foreach (var (field, value) in source.Fields())
        {
            if (field != skipped)
            {
                result.Add(field, field == copied ? value?.DeepClone()
                    : identityDecoded && field is "name" or "namespace" or "uid" && value is JsonValue identity ? Decoded(identity)
                    : Lend(value));
            }
        }

        return result.Build();
    }

    /// <summary>
    /// Makes <paramref name="owner"/> (and its metadata) the parent on record of each of its fields again, after they
    /// were lent to a version that was then dropped (a no-op or refused write), so the dropped version is not kept alive
    /// by its parent records.
    /// </summary>
    internal static void Reclaim(JsonObject owner)
    {
        if (!Available)
        {
            return;
        }

        foreach (var (field, value) in owner)
        {
            if (value is null)
            {
                continue;
            }

            ParentOf(value) = owner;
            if (field == "metadata" && value is JsonObject metadata)
            {
                foreach (var (_, metadataValue) in metadata)
                {
                    if (metadataValue is not null)
                    {
                        ParentOf(metadataValue) = metadata;
                    }
                }
            }
        }
    }

    /// <summary>
    /// Puts <paramref name="held"/>, a node of a stored object, in place of <paramref name="parent"/>'s field
    /// <paramref name="name"/>. The node it replaces may be held by a stored object too (a part shared earlier), so it
    /// keeps a parent on record: a node without one could be taken into another tree without a copy.
    /// </summary>
    internal static void Replace(JsonObject parent, string name, JsonNode held)
    {
        var replaced = parent[name];
        parent[name] = Lend(held);
        KeepParent(replaced, parent);
    }

    /// <inheritdoc cref="Replace(JsonObject, string, JsonNode)"/>
    internal static void Replace(JsonArray parent, int index, JsonNode held)
    {
        var replaced = parent[index];
        parent[index] = Lend(held);
        KeepParent(replaced, parent);
    }

    private static void KeepParent(JsonNode? replaced, JsonNode parent)
    {
        if (Available && replaced is not null && replaced.Parent is null)
        {
            ParentOf(replaced) = parent;
        }
    }

    /// <summary>
    /// Makes <paramref name="next"/>, a version this write made and nobody else holds, share every object or array that
    /// is equal in <paramref name="previous"/>, the stored version it replaces, instead of keeping its own equal copy:
    /// whole top-level fields (a pod's spec when its status changed) and, within a field that changed, its equal parts
    /// (a pod's labels when an annotation was added, its containers when the scheduler set its nodeName). Called after
    /// admission, whose plugins change a write's own object in place, and before the version is stored.
    /// </summary>
    internal static void ShareUnchanged(JsonObject next, JsonObject previous)
    {
        if (Available && !ReferenceEquals(next, previous))
        {
            ShareFields(next, previous, depth: 0);
        }
    }

    /// <summary>
    /// Whether two nodes are equal, as <see cref="JsonNode.DeepEquals"/> decides (an object's fields in any order, an
    /// array's items in order, values by their content), taking one node for equal to itself at every depth.
    /// <see cref="JsonNode.DeepEquals"/> walks a node compared with itself to its leaves, and the store compares each
    /// new version with the stored one whose parts it shares (a pod's whole spec when its status is written).
    /// </summary>
    internal static bool Equal(JsonNode? a, JsonNode? b)
    {
        if (ReferenceEquals(a, b))
        {
            return true;
        }

        if (a is JsonObject objectA && b is JsonObject objectB)
        {
            if (objectA.Count != objectB.Count)
            {
                return false;
            }

            foreach (var (field, value) in objectA.Fields())
            {
                if (!objectB.TryGetPropertyValue(field, out var other) || !Equal(value, other))
                {
                    return false;
                }
            }

            return true;
        }

        if (a is JsonArray arrayA && b is JsonArray arrayB)
        {
            if (arrayA.Count != arrayB.Count)
            {
                return false;
            }

            for (var i = 0; i < arrayA.Count; i++)
            {
                if (!Equal(arrayA[i], arrayB[i]))
                {
                    return false;
                }
            }

            return true;
        }

        // Values, null, and a container against something else.
        return JsonNode.DeepEquals(a, b);
    }

    // A top-level field and the fields within it: deeper, an unequal part is small or changes as a whole (a condition).
    private const int SharedDepth = 1;

    private static void ShareFields(JsonObject next, JsonObject previous, int depth)
    {
        List<(string Field, JsonNode Value)>? shared = null;
        foreach (var (field, value) in next.Fields())
        {
            // Strings and numbers are shared already (a JsonValue holds the same string); only containers are worth it.
            if (value is not (JsonObject or JsonArray) || !previous.TryGetPropertyValue(field, out var kept) || kept is null || ReferenceEquals(kept, value))
            {
                continue;
            }

            if (Equal(kept, value))
            {
                (shared ??= []).Add((field, kept));
            }
            else if (depth < SharedDepth && value is JsonObject nextField && kept is JsonObject keptField)
            {
                ShareFields(nextField, keptField, depth + 1);
            }
        }

        foreach (var (field, kept) in shared ?? [])
        {
            Replace(next, field, kept);
        }
    }
}
