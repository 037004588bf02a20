using System.Text.Json.Nodes;

namespace Podnet.Tests.Kube.Patching;

internal static class JsonAssert
{
    public static JsonNode Parse(string json) => JsonNode.Parse(json)!;

    public static JsonArray Array(string json) => (JsonArray)JsonNode.Parse(json)!;

    /// <summary>Asserts exact JSON equality (member order aside, array order included).</summary>
    public static void Equal(string expectedJson, JsonNode? actual)
    {
        var expected = JsonNode.Parse(expectedJson);
        Assert.True(JsonNode.DeepEquals(expected, actual),
            $"expected {expected?.ToJsonString() ?? "null"}\n  actual {actual?.ToJsonString() ?? "null"}");
    }
}
