using System.Text.Json.Nodes;

namespace Podnet.Kube.Api;

/// <summary>
/// The fields of a <see cref="JsonObject"/> in order, walked by position (<see cref="JsonObject.GetAt"/>) instead of
/// through the object's enumerator, which is an interface and so a heap allocation per walk: the store walks every
/// pod it writes several times (interning, comparing, decoding), and those enumerators were a twentieth of what a
/// 10,000-pod settle allocated. A field's value may be replaced during the walk; a field must not be added or removed.
/// </summary>
internal static class JsonObjectFields
{
    /// <summary>The fields of <paramref name="json"/> as <c>(name, value)</c> pairs, for <c>foreach</c>.</summary>
    public static Walk Fields(this JsonObject json) => new(json);

    /// <summary>A walk over one object's fields; its enumerator is a struct.</summary>
    public readonly struct Walk(JsonObject json)
    {
        public Enumerator GetEnumerator() => new(json);
    }

    /// <summary>The position of a walk.</summary>
    public struct Enumerator(JsonObject json)
    {
        private int _index = -1;

        public readonly KeyValuePair<string, JsonNode?> Current => json.GetAt(_index);

        public bool MoveNext() => ++_index < json.Count;
    }
}
