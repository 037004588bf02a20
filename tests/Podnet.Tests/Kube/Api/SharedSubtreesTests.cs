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

    /// <summary>
    /// <see cref="SharedSubtrees.Equal"/> decides as <see cref="JsonNode.DeepEquals"/> does — fields in any order, items
    /// in order, numbers and strings by their content, null against a JSON null, a value against a container — and
    /// takes a node shared between two trees for equal without walking it.
    /// </summary>
    [Fact]
    public void Equal_DecidesAsDeepEquals_AndTakesASharedNodeForEqual()
    {
        JsonNode? Parse(string text) => JsonNode.Parse(text);
        var pairs = new (JsonNode? A, JsonNode? B)[]
        {
            (Parse("""{"a":1,"b":[1,2,{"c":"x"}]}"""), Parse("""{"b":[1,2,{"c":"x"}],"a":1}""")),
            (Parse("""{"a":1,"b":[1,2]}"""), Parse("""{"a":1,"b":[2,1]}""")),
            (Parse("""{"a":1}"""), Parse("""{"a":1,"b":null}""")),
            (Parse("""{"a":null}"""), new JsonObject { ["a"] = null }),
            (Parse("""{"a":"1"}"""), Parse("""{"a":1}""")),
            (new JsonObject { ["n"] = 1 }, Parse("""{"n":1}""")),
            (new JsonObject { ["s"] = "x" }, Parse("""{"s":"x"}""")),
            (Parse("1"), Parse("{}")),
            (Parse("[]"), Parse("{}")),
            (null, null),
            (null, Parse("null")),
            (Parse("""{"a":{"b":{"c":[true]}}}"""), Parse("""{"a":{"b":{"c":[false]}}}""")),
        };

        Assert.NotEmpty(pairs);
        foreach (var (a, b) in pairs)
        {
            Assert.Equal(JsonNode.DeepEquals(a, b), SharedSubtrees.Equal(a, b));
            Assert.Equal(JsonNode.DeepEquals(b, a), SharedSubtrees.Equal(b, a));
        }

        Assert.Contains(pairs, p => SharedSubtrees.Equal(p.A, p.B));
        Assert.Contains(pairs, p => !SharedSubtrees.Equal(p.A, p.B));

        // A spec held by two versions is one node, equal to itself.
        var spec = Parse("""{"containers":[{"name":"app","image":"nginx"}]}""")!;
        Assert.True(SharedSubtrees.Equal(spec, spec));
        Assert.True(SharedSubtrees.Equal(new JsonArray(1, 2), new JsonArray(1, 2)));
    }
}
