using System.Text.Json.Nodes;
using Podnet.Kube.Serialization;

namespace Podnet.Tests.Kube.Serialization;

public class YamlCoreSchemaTests
{
    [Theory]
    [InlineData("y")]
    [InlineData("n")]
    [InlineData("yes")]
    [InlineData("Off")]
    public void Yaml12Mode_KeepsYaml11OnlyBooleansAsStrings(string text)
    {
        var parsed = YamlManifests.Parse($"name: {text}\n", "t.yaml", yaml11Booleans: false)[0].Content!;
        Assert.Equal(text, parsed["name"]!.GetValue<string>());
    }

    [Fact]
    public void Yaml12Mode_StillReadsTrueAndNumbers()
    {
        var parsed = YamlManifests.Parse("a: true\nb: 8\nc: 'y'\n", "t.yaml", yaml11Booleans: false)[0].Content!;
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"a":true,"b":8,"c":"y"}"""), parsed));
    }

    [Fact]
    public void DefaultMode_IsKubectls()
        => Assert.True(YamlManifests.Parse("name: y\n", "t.yaml")[0].Content!["name"]!.GetValue<bool>());
}
