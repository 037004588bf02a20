using System.Text.Json;
using System.Text.Json.Nodes;

namespace Podnet.Kube.Patching;

/// <summary>
/// Strategic merge patch (<c>application/strategic-merge-patch+json</c>), as the API server applies it
/// (k8s.io/apimachinery/pkg/util/strategicpatch with <c>MergeParallelList</c> and <c>IgnoreUnmatchedNulls</c>):
/// maps merge recursively and <c>null</c> deletes a key; a list with patch strategy merge merges item by item on
/// its merge key (or as a set, for scalars); other lists are replaced. The directives <c>$patch</c>,
/// <c>$retainKeys</c>, <c>$setElementOrder/&lt;list&gt;</c> and <c>$deleteFromPrimitiveList/&lt;list&gt;</c> are
/// honoured and never appear in the result. Which lists merge on which key comes from
/// <see cref="KubePatchSchemas"/>. Inputs are never mutated.
/// </summary>
/// <remarks>
/// Ordering follows the real implementation: with <c>$setElementOrder</c> the listed items come in that order
/// and the live items it does not name keep their relative order around them; without it, items that the patch
/// names keep the patch's order, and an item new to the list lands before the live items that follow it, which
/// is why kubectl always sends <c>$setElementOrder</c>.
/// </remarks>
public static class StrategicMergePatch
{
    private const string DirectiveMarker = "$patch";
    private const string RetainKeysDirective = "$retainKeys";
    private const string SetElementOrderPrefix = "$setElementOrder/";
    private const string DeleteFromPrimitiveListPrefix = "$deleteFromPrimitiveList/";

    /// <summary>
    /// True for the built-in kinds (core v1, apps/v1, batch/v1, networking.k8s.io/v1, ...); false for custom
    /// resources such as vpcresources.k8s.aws/v1beta1 SecurityGroupPolicy, for which the API server answers 415.
    /// </summary>
    public static bool Supports(string apiVersion, string kind) => KubePatchSchemas.IsBuiltIn(apiVersion, kind);

    public static JsonNode Apply(JsonNode original, JsonNode patch, string apiVersion, string kind)
    {
        var type = KubePatchSchemas.Find(apiVersion, kind)
            ?? throw new PatchException($"strategic merge patch is not supported for {apiVersion}, Kind={kind}; use a merge patch or a JSON patch");
        return Apply(original, patch, type);
    }

    /// <summary>Applies <paramref name="patch"/> to <paramref name="original"/> with an explicit schema.</summary>
    public static JsonNode Apply(JsonNode original, JsonNode patch, PatchType type)
    {
        if (original is not JsonObject originalObject)
        {
            throw new PatchException("strategic merge patch: the original object must be a JSON object");
        }

        if (patch is not JsonObject patchObject)
        {
            throw new PatchException("strategic merge patch: the patch must be a JSON object");
        }

        return MergeMap(originalObject, patchObject, type, "");
    }

    private static JsonObject MergeMap(JsonObject? original, JsonObject patch, PatchType? type, string path)
    {
        if (patch.TryGetPropertyValue(DirectiveMarker, out var directive))
        {
            switch (DirectiveValue(directive, path))
            {
                case "replace":
                    return MergeMap(null, Without(patch, DirectiveMarker), type, path);
                case "delete":
                    return [];
                case "merge":
                    patch = Without(patch, DirectiveMarker);
                    break;
                case var other:
                    throw new PatchException($"{Describe(path)}: unknown $patch directive \"{other}\" in a map (expected replace, delete or merge)");
            }
        }

        var result = original is null ? [] : (JsonObject)original.DeepClone();
        ApplyRetainKeys(result, patch, path);
        var handled = ApplySetElementOrder(result, patch, type, path);

        foreach (var (key, patchValue) in patch)
        {
            if (key == RetainKeysDirective || key.StartsWith(SetElementOrderPrefix, StringComparison.Ordinal)
                || handled.Contains(key))
            {
                continue;
            }

            if (key.StartsWith(DeleteFromPrimitiveListPrefix, StringComparison.Ordinal))
            {
                DeleteFromPrimitiveList(result, key, patchValue, path);
                continue;
            }

            if (patchValue is null)
            {
                result.Remove(key);
                continue;
            }

            var field = type?.Field(key);
            var fieldPath = Join(path, key);
            result.TryGetPropertyValue(key, out var originalValue);
            result[key] = MergeValue(originalValue, patchValue, field, fieldPath);
        }

        return result;
    }

    private static JsonNode? MergeValue(JsonNode? original, JsonNode patch, PatchField? field, string path)
        => (original, patch) switch
        {
            (JsonObject o, JsonObject p) when field?.Strategy != PatchStrategy.Replace => MergeMap(o, p, field?.Type, path),
            (JsonArray o, JsonArray p) => MergeListHandler(o, p, field, path),
            _ => Materialize(patch, field, path),
        };

    /// <summary>A patch value with nothing to merge into: directives and nulls are resolved against empty.</summary>
    private static JsonNode? Materialize(JsonNode? patch, PatchField? field, string path) => patch switch
    {
        JsonObject p when field?.Strategy != PatchStrategy.Replace => MergeMap(null, p, field?.Type, path),
        JsonArray p => MergeListHandler([], p, field, path),
        _ => patch?.DeepClone(),
    };

    private static JsonArray MergeListHandler(JsonArray original, JsonArray patch, PatchField? field, string path)
        => field?.Strategy == PatchStrategy.Merge
            ? ToArray(MergeList(Items(original), Items(patch), field, path))
            : (JsonArray)patch.DeepClone();

    private static List<JsonNode?> MergeList(List<JsonNode?> original, List<JsonNode?> patch, PatchField field, string path)
    {
        if (original.Count == 0 && patch.Count == 0)
        {
            return [];
        }

        var ofMaps = ElementsAreMaps(path, original, patch);
        List<JsonNode?> merged;
        var mergeKey = field.MergeKey;
        if (!ofMaps)
        {
            mergeKey = null;
            merged = [.. original.Select(Clone)];
            foreach (var item in patch)
            {
                if (!merged.Any(m => JsonNode.DeepEquals(m, item)))
                {
                    merged.Add(Clone(item));
                }
            }
        }
        else
        {
            if (mergeKey is null)
            {
                throw new PatchException($"{Describe(path)}: cannot merge a list of objects without a merge key");
            }

            (original, patch) = ApplySpecialElements(original, patch, mergeKey, field.Type, path);
            merged = MergeByKey(original, patch, mergeKey, field.Type, path);
        }

        var (patchItems, serverOnly) = Partition(merged, patch, mergeKey, path);
        return NormalizeElementOrder(patchItems, serverOnly, patch, original, mergeKey, path);
    }

    /// <summary>
    /// Handles list items that carry <c>$patch</c>: <c>delete</c> removes the item with that key from the
    /// original, <c>replace</c> makes the patch's other items the whole list.
    /// </summary>
    private static (List<JsonNode?> Original, List<JsonNode?> Patch) ApplySpecialElements(
        List<JsonNode?> original, List<JsonNode?> patch, string mergeKey, PatchType? type, string path)
    {
        var plain = new List<JsonNode?>();
        var replace = false;
        foreach (var item in patch.Cast<JsonObject>())
        {
            if (!item.TryGetPropertyValue(DirectiveMarker, out var directive))
            {
                plain.Add(item);
                continue;
            }

            switch (DirectiveValue(directive, path))
            {
                case "delete":
                    var keyValue = MergeKeyValue(item, mergeKey, path);
                    original = [.. original.Where(o => !SameKey(o, keyValue, mergeKey))];
                    break;
                case "replace":
                    replace = true;
                    break;
                case "merge":
                    throw new PatchException($"{Describe(path)}: $patch: merge is not supported for a list item");
                case var other:
                    throw new PatchException($"{Describe(path)}: unknown $patch directive \"{other}\" in a list item (expected delete or replace)");
            }
        }

        if (replace)
        {
            // The patch's own items become the list; resolve their directives and nulls against nothing.
            var replacement = plain.Cast<JsonObject>()
                .Select(item => (JsonNode?)MergeMap(null, item, type, ItemPath(path, mergeKey, MergeKeyValue(item, mergeKey, path))))
                .ToList();
            return (replacement, []);
        }

        return (original, plain);
    }

    private static List<JsonNode?> MergeByKey(List<JsonNode?> original, List<JsonNode?> patch, string mergeKey, PatchType? type, string path)
    {
        var merged = original.Select(Clone).ToList();
        foreach (var item in patch.Cast<JsonObject>())
        {
            var keyValue = MergeKeyValue(item, mergeKey, path);
            var itemPath = ItemPath(path, mergeKey, keyValue);
            var index = merged.FindIndex(m => SameKey(m, keyValue, mergeKey));
            if (index >= 0)
            {
                merged[index] = MergeMap((JsonObject)merged[index]!, item, type, itemPath);
            }
            else
            {
                merged.Add(MergeMap(null, item, type, itemPath));
            }
        }

        return merged;
    }

    /// <summary>Applies <c>$setElementOrder/&lt;list&gt;</c> directives; returns the list keys it has merged.</summary>
    private static HashSet<string> ApplySetElementOrder(JsonObject result, JsonObject patch, PatchType? type, string path)
    {
        var handled = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (directiveKey, orderNode) in patch)
        {
            if (!directiveKey.StartsWith(SetElementOrderPrefix, StringComparison.Ordinal))
            {
                continue;
            }

            var key = directiveKey[SetElementOrderPrefix.Length..];
            var fieldPath = Join(path, key);
            if (key.Length == 0 || orderNode is not JsonArray orderArray)
            {
                throw new PatchException($"{Describe(path)}: {directiveKey} must name a list and hold a list");
            }

            var field = type?.Field(key);
            var order = Items(orderArray);
            var foundOriginal = result.TryGetPropertyValue(key, out var originalNode) && originalNode is not null;
            var foundPatch = patch.TryGetPropertyValue(key, out var patchNode) && patchNode is not null;
            if (foundOriginal && originalNode is not JsonArray || foundPatch && patchNode is not JsonArray)
            {
                throw new PatchException($"{Describe(fieldPath)}: {directiveKey} applies to a list, but the field is not a list");
            }

            handled.Add(key);
            if (!foundOriginal && !foundPatch)
            {
                continue;
            }

            var originalItems = foundOriginal ? Items((JsonArray)originalNode!) : [];
            var patchItemsRaw = foundPatch ? Items((JsonArray)patchNode!) : [];
            var mergeKey = ElementsAreMaps(fieldPath, originalItems, patchItemsRaw, order) ? field?.MergeKey : null;
            if (mergeKey is null && order.Any(o => o is JsonObject))
            {
                throw new PatchException($"{Describe(fieldPath)}: {directiveKey} lists objects, but the list has no merge key");
            }

            ValidateOrder(patchItemsRaw, order, mergeKey, fieldPath, directiveKey);
            var merged = foundPatch
                ? Items(MergeValue(foundOriginal ? originalNode : null, patchNode!, field, fieldPath) as JsonArray ?? [])
                : [.. originalItems.Select(Clone)];

            var (patchItems, serverOnly) = Partition(merged, order, mergeKey, fieldPath);
            result[key] = ToArray(NormalizeElementOrder(patchItems, serverOnly, order, originalItems, mergeKey, fieldPath));
        }

        return handled;
    }

    /// <summary>The items of the patch list (deletions aside) must appear in the $setElementOrder list, in its order.</summary>
    private static void ValidateOrder(List<JsonNode?> patchList, List<JsonNode?> order, string? mergeKey, string path, string directiveKey)
    {
        if (order.Count == 0 || patchList.Count == 0)
        {
            return;
        }

        var items = patchList.Where(p => !(p is JsonObject o && o.ContainsKey(DirectiveMarker))).ToList();
        int patchIndex = 0, orderIndex = 0;
        while (patchIndex < items.Count && orderIndex < order.Count)
        {
            if (SameElement(items[patchIndex], order[orderIndex], mergeKey, path))
            {
                patchIndex++;
            }

            orderIndex++;
        }

        if (patchIndex < items.Count)
        {
            throw new PatchException($"{Describe(path)}: the order of the patch list does not match {directiveKey}");
        }
    }

    private static void ApplyRetainKeys(JsonObject result, JsonObject patch, string path)
    {
        if (!patch.TryGetPropertyValue(RetainKeysDirective, out var retainNode))
        {
            return;
        }

        if (retainNode is not JsonArray retainArray || retainArray.Any(k => k is not JsonValue v || v.GetValueKind() != JsonValueKind.String))
        {
            throw new PatchException($"{Describe(path)}: $retainKeys must be a list of field names");
        }

        var retain = retainArray.Select(k => k!.GetValue<string>()).ToHashSet(StringComparer.Ordinal);
        foreach (var (key, value) in patch)
        {
            if (value is null || key == RetainKeysDirective || key == DirectiveMarker
                || key.StartsWith(SetElementOrderPrefix, StringComparison.Ordinal)
                || key.StartsWith(DeleteFromPrimitiveListPrefix, StringComparison.Ordinal))
            {
                continue;
            }

            if (!retain.Contains(key))
            {
                throw new PatchException($"{Describe(path)}: the patch sets \"{key}\", which $retainKeys does not list");
            }
        }

        foreach (var key in result.Select(p => p.Key).Where(k => !retain.Contains(k)).ToList())
        {
            result.Remove(key);
        }
    }

    private static void DeleteFromPrimitiveList(JsonObject result, string directiveKey, JsonNode? value, string path)
    {
        var key = directiveKey[DeleteFromPrimitiveListPrefix.Length..];
        if (key.Length == 0 || value is not JsonArray toDelete || toDelete.Any(v => v is JsonObject or JsonArray))
        {
            throw new PatchException($"{Describe(path)}: {directiveKey} must name a list and hold a list of values");
        }

        if (result.TryGetPropertyValue(key, out var current) && current is JsonArray currentArray)
        {
            result[key] = ToArray([.. currentArray.Where(item => !toDelete.Any(d => JsonNode.DeepEquals(d, item))).Select(Clone)]);
        }
    }

    /// <summary>
    /// Sorts the patch's items by <paramref name="patchOrder"/> and the live-only items by
    /// <paramref name="serverOrder"/>, then interleaves them: a live-only item goes first only when the live list
    /// has it before the next patch item.
    /// </summary>
    private static List<JsonNode?> NormalizeElementOrder(List<JsonNode?> patchItems, List<JsonNode?> serverOnly,
        List<JsonNode?> patchOrder, List<JsonNode?> serverOrder, string? mergeKey, string path)
    {
        var right = SortBy(patchItems, patchOrder, mergeKey, path);
        var left = SortBy(serverOnly, serverOrder, mergeKey, path);
        var all = new List<JsonNode?>(left.Count + right.Count);
        int i = 0, j = 0;
        while (i < left.Count || j < right.Count)
        {
            if (i >= left.Count)
            {
                all.Add(right[j++]);
            }
            else if (j >= right.Count)
            {
                all.Add(left[i++]);
            }
            else
            {
                var li = IndexOf(serverOrder, left[i], mergeKey, path);
                var ri = IndexOf(serverOrder, right[j], mergeKey, path);
                all.Add(li >= 0 && ri >= 0 && li < ri ? left[i++] : right[j++]);
            }
        }

        return all;
    }

    private static List<JsonNode?> SortBy(List<JsonNode?> items, List<JsonNode?> order, string? mergeKey, string path)
        => [.. items.Select((item, position) => (item, position, index: IndexOf(order, item, mergeKey, path)))
            .OrderBy(x => x.index < 0 ? int.MaxValue : x.index)
            .ThenBy(x => x.position)
            .Select(x => x.item)];

    private static (List<JsonNode?> InList, List<JsonNode?> NotInList) Partition(
        List<JsonNode?> items, List<JsonNode?> by, string? mergeKey, string path)
    {
        var inList = new List<JsonNode?>();
        var notInList = new List<JsonNode?>();
        foreach (var item in items)
        {
            (IndexOf(by, item, mergeKey, path) >= 0 ? inList : notInList).Add(item);
        }

        return (inList, notInList);
    }

    private static int IndexOf(List<JsonNode?> list, JsonNode? item, string? mergeKey, string path)
        => list.FindIndex(candidate => SameElement(candidate, item, mergeKey, path));

    private static bool SameElement(JsonNode? left, JsonNode? right, string? mergeKey, string path)
        => mergeKey is null
            ? JsonNode.DeepEquals(left, right)
            : JsonNode.DeepEquals(MergeKeyValue(left, mergeKey, path), MergeKeyValue(right, mergeKey, path));

    private static bool SameKey(JsonNode? item, JsonNode? keyValue, string mergeKey)
        => item is JsonObject o && o.TryGetPropertyValue(mergeKey, out var value) && JsonNode.DeepEquals(value, keyValue);

    private static JsonNode? MergeKeyValue(JsonNode? item, string mergeKey, string path)
    {
        if (item is not JsonObject o || !o.TryGetPropertyValue(mergeKey, out var value))
        {
            throw new PatchException($"{Describe(path)}: list item {item?.ToJsonString() ?? "null"} does not have the merge key \"{mergeKey}\"");
        }

        return value;
    }

    /// <summary>
    /// True when the lists hold objects, false when they hold scalars; mixed lists and lists of lists are errors.
    /// </summary>
    private static bool ElementsAreMaps(string path, params List<JsonNode?>[] lists)
    {
        bool? maps = null;
        foreach (var item in lists.SelectMany(l => l))
        {
            if (item is JsonArray)
            {
                throw new PatchException($"{Describe(path)}: lists of lists cannot be merged");
            }

            var isMap = item is JsonObject;
            if (maps is not null && maps != isMap)
            {
                throw new PatchException($"{Describe(path)}: list items are not all of the same type");
            }

            maps = isMap;
        }

        return maps ?? false;
    }

    private static string DirectiveValue(JsonNode? directive, string path)
        => directive is JsonValue v && v.GetValueKind() == JsonValueKind.String
            ? v.GetValue<string>()
            : throw new PatchException($"{Describe(path)}: $patch must be a string, not {directive?.ToJsonString() ?? "null"}");

    private static JsonObject Without(JsonObject patch, string key)
    {
        var copy = new JsonObject();
        foreach (var (k, v) in patch)
        {
            if (k != key)
            {
                copy[k] = v?.DeepClone();
            }
        }

        return copy;
    }

    private static List<JsonNode?> Items(JsonArray array) => [.. array];

    private static JsonNode? Clone(JsonNode? node) => node?.DeepClone();

    /// <summary>Builds an array from nodes, cloning any that already belong to another container.</summary>
    private static JsonArray ToArray(List<JsonNode?> items)
    {
        var array = new JsonArray();
        foreach (var item in items)
        {
            array.Add(item?.Parent is null ? item : item.DeepClone());
        }

        return array;
    }

    private static string Join(string path, string key) => path.Length == 0 ? key : path + "." + key;

    private static string ItemPath(string path, string mergeKey, JsonNode? keyValue)
        => $"{path}[{mergeKey}={(keyValue is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : keyValue?.ToJsonString())}]";

    private static string Describe(string path) => path.Length == 0 ? "the object" : path;
}
