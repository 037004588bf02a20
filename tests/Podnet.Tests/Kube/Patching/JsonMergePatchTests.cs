using System.Text.Json.Nodes;
using Podnet.Kube.Patching;
using static Podnet.Tests.Kube.Patching.JsonAssert;

namespace Podnet.Tests.Kube.Patching;

public class JsonMergePatchTests
{
    [Fact]
    public void MergePatch_NullDeletesKey()
    {
        var result = JsonMergePatch.Apply(Parse("""{"a":1,"b":2}"""), Parse("""{"b":null}"""));
        Equal("""{"a":1}""", result);
    }

    [Fact]
    public void MergePatch_ObjectsMergeRecursively()
    {
        var result = JsonMergePatch.Apply(
            Parse("""{"metadata":{"labels":{"app":"web","tier":"front"},"name":"x"}}"""),
            Parse("""{"metadata":{"labels":{"tier":"back","new":"1"}}}"""));
        Equal("""{"metadata":{"labels":{"app":"web","tier":"back","new":"1"},"name":"x"}}""", result);
    }

    [Fact]
    public void MergePatch_ArraysAreReplaced()
    {
        var result = JsonMergePatch.Apply(Parse("""{"a":[1,2,3]}"""), Parse("""{"a":[4]}"""));
        Equal("""{"a":[4]}""", result);
    }

    [Fact]
    public void MergePatch_DoesNotMutateInputs()
    {
        var target = Parse("""{"a":{"b":1},"c":2}""");
        var patch = Parse("""{"a":{"b":null,"d":{"e":null}},"c":null}""");
        var result = JsonMergePatch.Apply(target, patch);
        Equal("""{"a":{"d":{}}}""", result);
        Equal("""{"a":{"b":1},"c":2}""", target);
        Equal("""{"a":{"b":null,"d":{"e":null}},"c":null}""", patch);
    }

    // RFC 7386 appendix A.
    [Theory]
    [InlineData("""{"a":"b"}""", """{"a":"c"}""", """{"a":"c"}""")]
    [InlineData("""{"a":"b"}""", """{"b":"c"}""", """{"a":"b","b":"c"}""")]
    [InlineData("""{"a":"b"}""", """{"a":null}""", """{}""")]
    [InlineData("""{"a":"b","b":"c"}""", """{"a":null}""", """{"b":"c"}""")]
    [InlineData("""{"a":["b"]}""", """{"a":"c"}""", """{"a":"c"}""")]
    [InlineData("""{"a":"c"}""", """{"a":["b"]}""", """{"a":["b"]}""")]
    [InlineData("""{"a":{"b":"c"}}""", """{"a":{"b":"d","c":null}}""", """{"a":{"b":"d"}}""")]
    [InlineData("""{"a":[{"b":"c"}]}""", """{"a":[1]}""", """{"a":[1]}""")]
    [InlineData("""["a","b"]""", """["c","d"]""", """["c","d"]""")]
    [InlineData("""{"a":"b"}""", """["c"]""", """["c"]""")]
    [InlineData("""{"a":"foo"}""", "null", "null")]
    [InlineData("""{"a":"foo"}""", "\"bar\"", "\"bar\"")]
    [InlineData("""{"e":null}""", """{"a":1}""", """{"e":null,"a":1}""")]
    [InlineData("""[1,2]""", """{"a":"b","c":null}""", """{"a":"b"}""")]
    [InlineData("""{}""", """{"a":{"bb":{"ccc":null}}}""", """{"a":{"bb":{}}}""")]
    public void MergePatch_Rfc7386AppendixExamples(string target, string patch, string expected)
    {
        Equal(expected, JsonMergePatch.Apply(JsonNode.Parse(target), JsonNode.Parse(patch)));
    }

    [Fact]
    public void MergePatch_NullTargetIsTreatedAsEmptyObject()
    {
        Equal("""{"a":1}""", JsonMergePatch.Apply(null, Parse("""{"a":1,"b":null}""")));
    }
}
