using System.Text.Json;
using System.Text.Json.Nodes;
using Podnet.Kube.Api;

namespace Podnet.Tests.Kube.Api;

/// <summary><see cref="SharedSubtrees.NextVersion"/>: the next version holds the stored one's parts, its identity as strings.</summary>
public class SharedSubtreesTests
{
    private static readonly string[] Identity = ["name", "namespace", "uid"];

    private const string Event = """{"kind":"Event","metadata":{"name":"web.1","namespace":"default","uid":"u-1","resourceVersion":"7","creationTimestamp":"2026-12-02T00:00:00Z"},"count":1}""";

    [Fact]
    public void NextVersion_OfAVersionReadFromText_GivesItsIdentityAsStrings_AndLendsTheRest()
    {
        // An Event kept as text is read back so: its values are views over the text, each read a new string.
        var stored = JsonNode.Parse(Event)!.AsObject();
        var storedMetadata = stored["metadata"]!.AsObject();
        var created = storedMetadata["creationTimestamp"];

        var next = SharedSubtrees.NextVersion(stored, "count");

        var metadata = next["metadata"]!.AsObject();
        Assert.Equal(["name", "namespace", "uid", "creationTimestamp"], metadata.Select(f => f.Key));
        foreach (var field in Identity)
        {
            Assert.False(metadata[field]!.AsValue().TryGetValue<JsonElement>(out _), $"{field} is still a view over the text");
            Assert.Equal(storedMetadata[field]!.GetValue<string>(), metadata[field]!.GetValue<string>());
        }

        Assert.Same(created, metadata["creationTimestamp"]);
        Assert.Null(next["count"]);
        Assert.Equal("Event", next["kind"]!.GetValue<string>());
    }

    [Fact]
    public void NextVersion_OfATree_LendsItsIdentityAsItIs()
    {
        var stored = JsonNode.Parse(Event)!.AsObject().DeepClone().AsObject();
        stored["metadata"]!["name"] = "web.1";
        var name = stored["metadata"]!["name"];

        var next = SharedSubtrees.NextVersion(stored, "count");

        Assert.Same(name, next["metadata"]!["name"]);
    }
}
