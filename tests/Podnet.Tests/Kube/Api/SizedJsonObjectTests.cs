using System.Text.Json.Nodes;
using Podnet.Kube.Api;

namespace Podnet.Tests.Kube.Api;

/// <summary><see cref="SizedJsonObject"/>: an object made at its size holds what one built field by field holds, in order.</summary>
public class SizedJsonObjectTests
{
    [Fact]
    public void Of_KeepsTheFieldsInOrder_WithNullsAndNestedObjects()
    {
        var made = SizedJsonObject.Of(("kind", "Event"), ("count", 1), ("lastProbeTime", null), ("metadata", SizedJsonObject.Of(5, ("name", "web.1"))));

        Assert.Equal("""{"kind":"Event","count":1,"lastProbeTime":null,"metadata":{"name":"web.1"}}""", made.ToJsonString());
        Assert.Same(made, made["metadata"]!.Parent);
    }

    [Fact]
    public void Builder_AddsPastTheRoomSaid_AndTheObjectTakesMoreFieldsAfter()
    {
        var builder = new SizedJsonObject.Builder(2);
        for (var i = 0; i < 40; i++)
        {
            builder.Add($"f{i}", i);
        }

        var made = builder.Build();
        made["after"] = true;

        Assert.Equal(41, made.Count);
        Assert.Equal(39, made["f39"]!.GetValue<int>());
        Assert.Equal("after", made.GetAt(40).Key);
    }

    [Fact]
    public void Builder_OfNoFields_IsAnEmptyObject() => Assert.Equal("{}", new SizedJsonObject.Builder(0).Build().ToJsonString());

    [Fact]
    public void Of_ANameTwice_IsRefused_AndTheNextBuildOnTheThreadIsWhole()
    {
        Assert.Throws<ArgumentException>(() => SizedJsonObject.Of(("a", 1), ("a", 2)));

        Assert.Equal("""{"b":2,"c":3,"d":4,"e":5}""", SizedJsonObject.Of(("b", 2), ("c", 3), ("d", 4), ("e", 5)).ToJsonString());
    }

    [Fact]
    public void Of_AValueOfAnotherObject_IsRefused()
    {
        var held = new JsonObject();
        _ = new JsonObject { ["held"] = held };

        Assert.Throws<InvalidOperationException>(() => SizedJsonObject.Of(("held", held)));
    }
}
