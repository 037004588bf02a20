using System.Text.Json;
using System.Text.Json.Nodes;

namespace Podnet.Policy.NetworkPolicies;

/// <summary>Reads integers from JSON numbers however they are backed.</summary>
internal static class JsonNumbers
{
    public static bool TryGetInt(JsonNode? node, out int value)
    {
        value = 0;
        if (node is not JsonValue v || v.GetValueKind() != JsonValueKind.Number)
        {
            return false;
        }

        if (v.TryGetValue(out value))
        {
            return true;
        }

        if (v.TryGetValue<long>(out var l) && l is >= int.MinValue and <= int.MaxValue)
        {
            value = (int)l;
            return true;
        }

        if (v.TryGetValue<double>(out var d) && d == Math.Floor(d) && d is >= int.MinValue and <= int.MaxValue)
        {
            value = (int)d;
            return true;
        }

        return false;
    }
}
