using System.Text.Json;
using System.Text.Json.Nodes;

namespace Podnet.Kube.Patching;

/// <summary>
/// JSON Patch (RFC 6902), the API server's <c>application/json-patch+json</c>: a list of add, remove, replace,
/// move, copy and test operations applied in order to a copy of the target. Any failure (a test that does not
/// hold, a path that does not exist, a malformed operation) fails the whole patch with a <see cref="PatchException"/>.
/// </summary>
public static class JsonPatch
{
    public static JsonNode? Apply(JsonNode? target, JsonArray operations)
    {
        ArgumentNullException.ThrowIfNull(operations);
        var document = target?.DeepClone();
        for (var i = 0; i < operations.Count; i++)
        {
            if (operations[i] is not JsonObject operation)
            {
                throw new PatchException($"operation {i}: an operation must be a JSON object");
            }

            document = ApplyOperation(document, operation, i);
        }

        return document;
    }

    private static JsonNode? ApplyOperation(JsonNode? document, JsonObject operation, int number)
    {
        var op = RequiredString(operation, "op", number);
        var path = JsonPointer.Parse(RequiredString(operation, "path", number));
        switch (op)
        {
            case "add":
                return Add(document, path, RequiredValue(operation, number, op).DeepCloneOrNull());
            case "remove":
                return Remove(document, path, op, out _);
            case "replace":
            {
                var value = RequiredValue(operation, number, op).DeepCloneOrNull();
                document = Remove(document, path, op, out _);
                return Add(document, path, value);
            }

            case "move":
            {
                var from = JsonPointer.Parse(RequiredString(operation, "from", number));
                if (from.IsProperPrefixOf(path))
                {
                    throw new PatchException($"move: cannot move \"{from}\" into its own child \"{path}\"");
                }

                if (from.Text == path.Text)
                {
                    _ = Get(document, from, op);
                    return document;
                }

                document = Remove(document, from, op, out var moved);
                return Add(document, path, moved);
            }

            case "copy":
            {
                var from = JsonPointer.Parse(RequiredString(operation, "from", number));
                return Add(document, path, Get(document, from, op).DeepCloneOrNull());
            }

            case "test":
            {
                var expected = RequiredValue(operation, number, op);
                var actual = Get(document, path, op);
                if (!JsonNode.DeepEquals(actual, expected))
                {
                    throw new PatchException(
                        $"test: the value at \"{path}\" is {Describe(actual)}, not {Describe(expected)}");
                }

                return document;
            }

            default:
                throw new PatchException($"operation {number}: unknown op \"{op}\" (expected add, remove, replace, move, copy or test)");
        }
    }

    private static JsonNode? Add(JsonNode? document, JsonPointer path, JsonNode? value)
    {
        if (path.IsRoot)
        {
            return value;
        }

        var parent = Get(document, path, "add", parentOnly: true);
        var token = path.Tokens[^1];
        switch (parent)
        {
            case JsonObject obj:
                obj[token] = value;
                break;
            case JsonArray array:
                var index = path.ArrayIndex(token);
                if (index == -1)
                {
                    array.Add(value);
                }
                else if (index <= array.Count)
                {
                    array.Insert(index, value);
                }
                else
                {
                    throw new PatchException($"add: index {index} in \"{path}\" is past the end of an array of {array.Count}");
                }

                break;
            default:
                throw new PatchException($"add: the parent of \"{path}\" is not an object or array");
        }

        return document;
    }

    private static JsonNode? Remove(JsonNode? document, JsonPointer path, string op, out JsonNode? removed)
    {
        if (path.IsRoot)
        {
            removed = document;
            return null;
        }

        var parent = Get(document, path, op, parentOnly: true);
        var token = path.Tokens[^1];
        switch (parent)
        {
            case JsonObject obj when obj.TryGetPropertyValue(token, out removed):
                obj.Remove(token);
                return document;
            case JsonArray array:
                var index = path.ArrayIndex(token);
                if (index < 0 || index >= array.Count)
                {
                    throw new PatchException($"{op}: index \"{token}\" in \"{path}\" is out of range (array of {array.Count})");
                }

                removed = array[index];
                array.RemoveAt(index);
                return document;
            default:
                throw new PatchException($"{op}: path \"{path}\" does not exist");
        }
    }

    /// <summary>The value at <paramref name="path"/> (or its parent container); a missing member is an error.</summary>
    private static JsonNode? Get(JsonNode? document, JsonPointer path, string op, bool parentOnly = false)
    {
        var current = document;
        var count = parentOnly ? path.Tokens.Count - 1 : path.Tokens.Count;
        for (var i = 0; i < count; i++)
        {
            var token = path.Tokens[i];
            switch (current)
            {
                case JsonObject obj when obj.TryGetPropertyValue(token, out var child):
                    current = child;
                    break;
                case JsonArray array:
                    var index = path.ArrayIndex(token);
                    if (index < 0 || index >= array.Count)
                    {
                        throw new PatchException($"{op}: index \"{token}\" in \"{path}\" is out of range (array of {array.Count})");
                    }

                    current = array[index];
                    break;
                default:
                    throw new PatchException($"{op}: path \"{path}\" does not exist");
            }
        }

        return current;
    }

    private static string RequiredString(JsonObject operation, string member, int number)
    {
        if (!operation.TryGetPropertyValue(member, out var node) || node is not JsonValue value
            || value.GetValueKind() != JsonValueKind.String)
        {
            throw new PatchException($"operation {number}: missing or non-string \"{member}\"");
        }

        return value.GetValue<string>();
    }

    private static JsonNode? RequiredValue(JsonObject operation, int number, string op)
    {
        if (!operation.TryGetPropertyValue("value", out var value))
        {
            throw new PatchException($"operation {number} ({op}): missing \"value\"");
        }

        return value;
    }

    private static string Describe(JsonNode? node) => node is null ? "null" : node.ToJsonString();

    private static JsonNode? DeepCloneOrNull(this JsonNode? node) => node?.DeepClone();
}
