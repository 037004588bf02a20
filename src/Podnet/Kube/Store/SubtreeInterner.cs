using System.Text.Json;
using System.Text.Json.Nodes;
using Podnet.Kube.Api;

namespace Podnet.Kube.Store;

/// <summary>
/// Holds one copy of the equal parts of different objects of a kind: the pods of one ReplicaSet or DaemonSet have equal
/// containers, volumes, tolerations, labels and owner references, which the store keeps once instead of once per pod
/// (<see cref="KubeResource.SharedParts"/>). A stored object is never written, so objects can share a part as two
/// versions of one object do (<see cref="SharedSubtrees"/>); a reader sees its own object's JSON either way.
/// </summary>
/// <remarks>
/// Parts are found by a hash of their content and confirmed equal with <see cref="SharedSubtrees.Equal"/>. At most
/// <see cref="Kept"/> parts are held; past that the table starts again (the objects keep what they share), so a
/// cluster whose workloads come and go holds no part of a deleted workload for long. Not thread-safe: the store calls
/// it under its lock.
/// </remarks>
internal sealed class SubtreeInterner
{
    internal const int Kept = 16_384;

    private readonly Dictionary<int, JsonNode> _parts = [];

    /// <summary>
    /// Replaces each object or array within <paramref name="json"/>'s <paramref name="fields"/> (a pod's
    /// <c>spec.tolerations</c>, <c>metadata.labels</c>) by an equal one already held, or holds it for the next object;
    /// where a part differs (a pod's containers, whose volumeMounts name the pod's own service account token volume),
    /// its equal parts are shared instead (the containers' resources, ports and probes). Only for an object the store
    /// is about to store and nobody else holds.
    /// </summary>
    /// <param name="json">The object.</param>
    /// <param name="fields">The top-level fields whose parts are shared.</param>
    /// <param name="previous">The version <paramref name="json"/> replaces, if any: a field it shares whole with it is held already.</param>
    internal void Intern(JsonObject json, IReadOnlyList<string> fields, JsonObject? previous = null)
    {
        if (!SharedSubtrees.Available)
        {
            return;
        }

        foreach (var field in fields)
        {
            var kept = previous?[field];
            if (json[field] is JsonObject parent && !ReferenceEquals(parent, kept))
            {
                InternFields(parent, kept as JsonObject);
            }
        }
    }

    /// <summary>
    /// Interns the objects and arrays of one top-level field but those it holds as the very same nodes as the version it
    /// replaces (<paramref name="kept"/>'s field of the same name): they were interned with that version, and a
    /// top-level field's own hash, made of its parts' hashes, is not needed. A pod's status write lends its metadata's
    /// labels and owner references, a binding its spec's containers, which were hashed again on every write.
    /// </summary>
    private void InternFields(JsonObject parent, JsonObject? kept)
    {
        foreach (var (name, part) in parent.Fields())
        {
            if (part is not (JsonObject or JsonArray) || (kept is not null && kept.TryGetPropertyValue(name, out var before) && ReferenceEquals(before, part)))
            {
                continue;
            }

            Part(part, depth: 1, out var held);
            if (held is not null)
            {
                SharedSubtrees.Replace(parent, name, held);
            }
        }
    }

    // How deep parts are shared: spec, containers, a container, its resources, their requests. Deeper parts are hashed
    // for their parent's sake, not held.
    private const int Depth = 5;

    /// <summary>
    /// Returns <paramref name="container"/>'s content hash (its keys and values in order: two equal parts hash alike),
    /// interning its parts down to <see cref="Depth"/>.
    /// </summary>
    private int InternParts(JsonNode container, int depth)
    {
        var hash = new HashCode();
        if (container is JsonObject obj)
        {
            hash.Add(1);

            // A part is replaced under its name in place, which moves no other field.
            foreach (var (name, part) in obj.Fields())
            {
                hash.Add(name.GetHashCode(StringComparison.Ordinal));
                hash.Add(Part(part, depth, out var held));
                if (held is not null)
                {
                    SharedSubtrees.Replace(obj, name, held);
                }
            }
        }
        else
        {
            var array = (JsonArray)container;
            hash.Add(2);
            for (var i = 0; i < array.Count; i++)
            {
                hash.Add(Part(array[i], depth, out var held));
                if (held is not null)
                {
                    SharedSubtrees.Replace(array, i, held);
                }
            }
        }

        return hash.ToHashCode();
    }

    /// <summary>
    /// The hash of one part; for an object or array within <see cref="Depth"/>, <paramref name="held"/> is an equal part
    /// already held to put in its place (null when this part is now held, or its own parts were shared instead).
    /// </summary>
    private int Part(JsonNode? part, int depth, out JsonNode? held)
    {
        held = null;
        if (part is not (JsonObject or JsonArray))
        {
            return ValueHash(part);
        }

        // Children first: the part's hash is made of theirs, and where the part is not held its parts may be.
        var hash = InternParts(part, depth + 1);
        if (depth > Depth)
        {
            return hash;
        }

        if (!_parts.TryGetValue(hash, out var found))
        {
            if (_parts.Count >= Kept)
            {
                _parts.Clear();
            }

            _parts[hash] = part;
        }
        else if (!ReferenceEquals(found, part) && SharedSubtrees.Equal(found, part))
        {
            held = found;
        }

        return hash;
    }

    private static int ValueHash(JsonNode? node)
    {
        if (node is not JsonValue value)
        {
            return 0;
        }

        return value.GetValueKind() switch
        {
            JsonValueKind.String => value.GetValue<string>().GetHashCode(StringComparison.Ordinal),
            JsonValueKind.True => 3,
            JsonValueKind.False => 4,
            _ when value.TryGetValue<int>(out var number) => number,
            _ => value.ToJsonString().GetHashCode(StringComparison.Ordinal),
        };
    }
}
