using Podnet.Kube.Patching;
using static Podnet.Tests.Kube.Patching.JsonAssert;

namespace Podnet.Tests.Kube.Patching;

public class JsonPatchTests
{
    private const string Doc = """{"metadata":{"name":"p","labels":{"app":"web"}},"spec":{"containers":[{"name":"a"},{"name":"b"}]}}""";

    [Fact]
    public void JsonPatch_AddMember()
    {
        var result = JsonPatch.Apply(Parse(Doc), Array("""[{"op":"add","path":"/metadata/labels/tier","value":"db"}]"""));
        Equal("""{"metadata":{"name":"p","labels":{"app":"web","tier":"db"}},"spec":{"containers":[{"name":"a"},{"name":"b"}]}}""", result);
    }

    [Fact]
    public void JsonPatch_AddReplacesExistingMember()
    {
        var result = JsonPatch.Apply(Parse("""{"a":1}"""), Array("""[{"op":"add","path":"/a","value":[2]}]"""));
        Equal("""{"a":[2]}""", result);
    }

    [Fact]
    public void JsonPatch_AddInsertsIntoArrayAtIndex()
    {
        var result = JsonPatch.Apply(Parse("""{"a":[1,3]}"""), Array("""[{"op":"add","path":"/a/1","value":2}]"""));
        Equal("""{"a":[1,2,3]}""", result);
    }

    [Fact]
    public void JsonPatch_AddDashAppendsToArray()
    {
        var result = JsonPatch.Apply(Parse(Doc), Array("""[{"op":"add","path":"/spec/containers/-","value":{"name":"c"}}]"""));
        Equal("""{"metadata":{"name":"p","labels":{"app":"web"}},"spec":{"containers":[{"name":"a"},{"name":"b"},{"name":"c"}]}}""", result);
    }

    [Fact]
    public void JsonPatch_AddAtArrayEndIndexAppends()
    {
        Equal("""[1,2]""", JsonPatch.Apply(Parse("""[1]"""), Array("""[{"op":"add","path":"/1","value":2}]""")));
    }

    [Fact]
    public void JsonPatch_AddRootReplacesDocument()
    {
        Equal("""{"x":1}""", JsonPatch.Apply(Parse("""{"a":1}"""), Array("""[{"op":"add","path":"","value":{"x":1}}]""")));
    }

    [Fact]
    public void JsonPatch_RemoveMemberAndArrayItem()
    {
        var result = JsonPatch.Apply(Parse(Doc), Array("""
            [{"op":"remove","path":"/metadata/labels/app"},{"op":"remove","path":"/spec/containers/0"}]
            """));
        Equal("""{"metadata":{"name":"p","labels":{}},"spec":{"containers":[{"name":"b"}]}}""", result);
    }

    [Fact]
    public void JsonPatch_Replace()
    {
        var result = JsonPatch.Apply(Parse(Doc), Array("""
            [{"op":"replace","path":"/metadata/name","value":"q"},{"op":"replace","path":"/spec/containers/1","value":{"name":"z"}}]
            """));
        Equal("""{"metadata":{"name":"q","labels":{"app":"web"}},"spec":{"containers":[{"name":"a"},{"name":"z"}]}}""", result);
    }

    [Fact]
    public void JsonPatch_Move()
    {
        var result = JsonPatch.Apply(Parse("""{"a":{"b":1},"c":[1,2,3]}"""), Array("""
            [{"op":"move","from":"/a/b","path":"/d"},{"op":"move","from":"/c/0","path":"/c/-"}]
            """));
        Equal("""{"a":{},"c":[2,3,1],"d":1}""", result);
    }

    [Fact]
    public void JsonPatch_Copy()
    {
        var result = JsonPatch.Apply(Parse("""{"a":{"b":[1]}}"""), Array("""
            [{"op":"copy","from":"/a","path":"/c"},{"op":"add","path":"/c/b/-","value":2}]
            """));
        Equal("""{"a":{"b":[1]},"c":{"b":[1,2]}}""", result);
    }

    [Fact]
    public void JsonPatch_TestPassesThenAppliesRest()
    {
        var result = JsonPatch.Apply(Parse(Doc), Array("""
            [{"op":"test","path":"/spec/containers/1/name","value":"b"},{"op":"remove","path":"/spec"}]
            """));
        Equal("""{"metadata":{"name":"p","labels":{"app":"web"}}}""", result);
    }

    [Fact]
    public void JsonPatch_TestComparesStructurally()
    {
        var result = JsonPatch.Apply(Parse("""{"a":{"x":[1,{"y":null}],"z":"s"}}"""), Array("""
            [{"op":"test","path":"/a","value":{"z":"s","x":[1,{"y":null}]}}]
            """));
        Equal("""{"a":{"x":[1,{"y":null}],"z":"s"}}""", result);
    }

    [Fact]
    public void JsonPatch_TestFailure_Throws()
    {
        var ex = Assert.Throws<PatchException>(() =>
            JsonPatch.Apply(Parse(Doc), Array("""[{"op":"test","path":"/metadata/name","value":"other"}]""")));
        Assert.Contains("/metadata/name", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void JsonPatch_FailureLeavesInputUntouched()
    {
        var doc = Parse(Doc);
        Assert.Throws<PatchException>(() => JsonPatch.Apply(doc, Array("""
            [{"op":"remove","path":"/metadata"},{"op":"test","path":"/spec","value":1}]
            """)));
        Equal(Doc, doc);
    }

    [Theory]
    [InlineData("""[{"op":"remove","path":"/metadata/missing"}]""", "/metadata/missing")]
    [InlineData("""[{"op":"replace","path":"/nope","value":1}]""", "/nope")]
    [InlineData("""[{"op":"add","path":"/nope/deeper","value":1}]""", "/nope/deeper")]
    [InlineData("""[{"op":"remove","path":"/spec/containers/5"}]""", "out of range")]
    [InlineData("""[{"op":"add","path":"/spec/containers/3","value":1}]""", "past the end")]
    [InlineData("""[{"op":"remove","path":"/spec/containers/01"}]""", "invalid array index")]
    [InlineData("""[{"op":"replace","path":"/spec/containers/-","value":1}]""", "out of range")]
    [InlineData("""[{"op":"test","path":"/missing","value":1}]""", "/missing")]
    [InlineData("""[{"op":"move","from":"/missing","path":"/x"}]""", "/missing")]
    [InlineData("""[{"op":"copy","from":"/missing","path":"/x"}]""", "/missing")]
    [InlineData("""[{"op":"move","from":"/metadata","path":"/metadata/labels/x"}]""", "own child")]
    [InlineData("""[{"op":"frobnicate","path":"/a"}]""", "unknown op \"frobnicate\"")]
    [InlineData("""[{"path":"/a"}]""", "\"op\"")]
    [InlineData("""[{"op":"add","path":"/a"}]""", "\"value\"")]
    [InlineData("""[{"op":"move","path":"/a"}]""", "\"from\"")]
    [InlineData("""[{"op":"add","path":"a","value":1}]""", "must be empty or start with '/'")]
    [InlineData("""[{"op":"add","path":"/a~2b","value":1}]""", "'~' must be followed by 0 or 1")]
    [InlineData("""["add"]""", "must be a JSON object")]
    public void JsonPatch_BadOperations_Throw(string operations, string reason)
    {
        var ex = Assert.Throws<PatchException>(() => JsonPatch.Apply(Parse(Doc), Array(operations)));
        Assert.Contains(reason, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void JsonPatch_PointerEscapes()
    {
        var doc = Parse("""{"metadata":{"annotations":{"vpc.amazonaws.com/pod-eni":"[]","a~b":"1"}}}""");
        var result = JsonPatch.Apply(doc, Array("""
            [{"op":"replace","path":"/metadata/annotations/vpc.amazonaws.com~1pod-eni","value":"[{}]"},
             {"op":"remove","path":"/metadata/annotations/a~0b"},
             {"op":"add","path":"/metadata/annotations/~01","value":"tilde-one"}]
            """));
        Equal("""{"metadata":{"annotations":{"vpc.amazonaws.com/pod-eni":"[{}]","~1":"tilde-one"}}}""", result);
    }

    [Fact]
    public void JsonPatch_EmptyMemberNameIsAddressable()
    {
        Equal("""{"":{"x":1}}""", JsonPatch.Apply(Parse("""{"":{}}"""), Array("""[{"op":"add","path":"//x","value":1}]""")));
    }

    [Fact]
    public void JsonPatch_AddsNullValue()
    {
        Equal("""{"a":null}""", JsonPatch.Apply(Parse("""{}"""), Array("""[{"op":"add","path":"/a","value":null}]""")));
    }
}
