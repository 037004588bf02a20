using System.Text.Json.Nodes;
using Podnet.Kube.Serialization;

namespace Podnet.Tests.Kube.Serialization;

public class YamlManifestsTests
{
    private static JsonNode? Value(string yamlValue)
        => YamlManifests.Parse($"v: {yamlValue}\n", "test.yaml").Single().Content!["v"];

    private static void AssertJson(string expectedJson, JsonNode? actual)
        => Assert.True(
            JsonNode.DeepEquals(JsonNode.Parse(expectedJson), actual),
            $"expected {expectedJson} but got {actual?.ToJsonString() ?? "null"}");

    private static ManifestSyntaxException ParseError(string text)
        => Assert.Throws<ManifestSyntaxException>(() => YamlManifests.Parse(text, "bad.yaml"));

    [Theory]
    [InlineData("true", true)]
    [InlineData("True", true)]
    [InlineData("TRUE", true)]
    [InlineData("false", false)]
    [InlineData("False", false)]
    [InlineData("FALSE", false)]
    [InlineData("yes", true)]
    [InlineData("Yes", true)]
    [InlineData("YES", true)]
    [InlineData("y", true)]
    [InlineData("Y", true)]
    [InlineData("no", false)]
    [InlineData("No", false)]
    [InlineData("NO", false)]
    [InlineData("n", false)]
    [InlineData("N", false)]
    [InlineData("on", true)]
    [InlineData("On", true)]
    [InlineData("ON", true)]
    [InlineData("off", false)]
    [InlineData("Off", false)]
    [InlineData("OFF", false)]
    public void Yaml_PlainBooleanSpellings_AreBooleans(string text, bool expected)
    {
        var node = Value(text);
        Assert.Equal(System.Text.Json.JsonValueKind.True == node!.GetValueKind(), expected);
        Assert.Equal(expected, node.GetValue<bool>());
    }

    [Fact]
    public void Yaml_UnquotedOn_IsTrue() => AssertJson("true", Value("on"));

    [Theory]
    [InlineData("tRUE")]
    [InlineData("oN")]
    [InlineData("yEs")]
    [InlineData("nO")]
    [InlineData("ofF")]
    public void Yaml_MixedCaseBooleanLookalikes_StayStrings(string text)
        => AssertJson($"\"{text}\"", Value(text));

    [Theory]
    [InlineData("\"true\"", "true")]
    [InlineData("'on'", "on")]
    [InlineData("\"yes\"", "yes")]
    [InlineData("'n'", "n")]
    [InlineData("\"null\"", "null")]
    [InlineData("'123'", "123")]
    [InlineData("\"1.5\"", "1.5")]
    [InlineData("''", "")]
    [InlineData("\"~\"", "~")]
    public void Yaml_QuotedScalars_AreAlwaysStrings(string yaml, string expected)
        => AssertJson(System.Text.Json.JsonSerializer.Serialize(expected), Value(yaml));

    [Theory]
    [InlineData("null")]
    [InlineData("Null")]
    [InlineData("NULL")]
    [InlineData("~")]
    [InlineData("")]
    public void Yaml_NullForms_AreJsonNull(string text)
    {
        var doc = YamlManifests.Parse($"v: {text}\nw: 1\n", "t").Single().Content!.AsObject();
        Assert.True(doc.ContainsKey("v"));
        Assert.Null(doc["v"]);
    }

    [Theory]
    [InlineData("nULL")]
    [InlineData("nil")]
    [InlineData("None")]
    public void Yaml_NullLookalikes_StayStrings(string text) => AssertJson($"\"{text}\"", Value(text));

    [Theory]
    [InlineData("0", "0")]
    [InlineData("42", "42")]
    [InlineData("-17", "-17")]
    [InlineData("+17", "17")]
    [InlineData("0x1F", "31")]
    [InlineData("0X1f", "31")]
    [InlineData("-0x10", "-16")]
    [InlineData("0o17", "15")]
    [InlineData("0644", "420")]
    [InlineData("0755", "493")]
    [InlineData("0b101", "5")]
    [InlineData("1_000_000", "1000000")]
    [InlineData("9223372036854775807", "9223372036854775807")]
    [InlineData("-9223372036854775808", "-9223372036854775808")]
    [InlineData("18446744073709551615", "18446744073709551615")]
    [InlineData("0xFFFFFFFFFFFFFFFF", "18446744073709551615")]
    public void Yaml_Integers_FollowGoYamlV2(string text, string json)
    {
        var node = Value(text)!;
        Assert.Equal(System.Text.Json.JsonValueKind.Number, node.GetValueKind());
        Assert.Equal(json, node.ToJsonString());
    }

    [Theory]
    [InlineData("1.5", "1.5")]
    [InlineData("1.20", "1.2")]
    [InlineData("1.0", "1")]
    [InlineData("-2.5", "-2.5")]
    [InlineData(".5", "0.5")]
    [InlineData("-.5", "-0.5")]
    [InlineData("1e3", "1000")]
    [InlineData("1.5E-3", "0.0015")]
    [InlineData("1e21", "1e+21")]
    [InlineData("1e-7", "1e-7")]
    [InlineData("08", "8")]
    [InlineData("99999999999999999999", "100000000000000000000")]
    [InlineData("1_000.5", "1000.5")]
    public void Yaml_Floats_FollowGoYamlV2_AndGoJson(string text, string json)
    {
        var node = Value(text)!;
        Assert.Equal(System.Text.Json.JsonValueKind.Number, node.GetValueKind());
        Assert.Equal(json, node.ToJsonString());
    }

    [Fact]
    public void Yaml_Numbers_ReadAsAnyNumericType()
    {
        var doc = YamlManifests.Parse("replicas: 3\nratio: 0.25\n", "t")[0].Content!;
        Assert.Equal(3, doc["replicas"]!.GetValue<int>());
        Assert.Equal(3L, doc["replicas"]!.GetValue<long>());
        Assert.Equal(0.25, doc["ratio"]!.GetValue<double>());
    }

    [Theory]
    [InlineData("1.20")]
    [InlineData("1.2.3")]
    [InlineData("v1.11.2-eksbuild.1")]
    [InlineData("1.29.0")]
    [InlineData("0x")]
    [InlineData("1e400")]
    [InlineData("2024-01-01")]
    [InlineData("2024-01-01T10:00:00Z")]
    [InlineData("12:30")]
    [InlineData("1:20:30")]
    [InlineData("-x")]
    [InlineData("+")]
    [InlineData(".")]
    [InlineData("0x1p-2")]
    [InlineData("1Gi")]
    [InlineData("500m")]
    [InlineData("10.0.0.0/16")]
    [InlineData("192.168.1.1")]
    [InlineData(".Inf_")]
    public void Yaml_VersionsTimestampsAndLookalikes(string text)
    {
        var node = Value(text)!;
        if (text == "1.20")
        {
            // Unquoted 1.20 is the number 1.2: the classic Kubernetes-version pitfall.
            Assert.Equal("1.2", node.ToJsonString());
            AssertJson("\"1.20\"", Value("\"1.20\""));
            return;
        }

        Assert.Equal(System.Text.Json.JsonValueKind.String, node.GetValueKind());
        Assert.Equal(text, node.GetValue<string>());
    }

    [Theory]
    [InlineData(".inf")]
    [InlineData("-.Inf")]
    [InlineData("+.INF")]
    [InlineData(".nan")]
    [InlineData(".NaN")]
    public void Yaml_InfinityAndNaN_HaveNoJsonForm(string text)
    {
        var ex = ParseError($"a: 1\nv: {text}\n");
        Assert.Equal(2, ex.Line);
        Assert.Equal(4, ex.Column);
        Assert.StartsWith("bad.yaml:2:4: json: unsupported value", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Yaml_QuotedInfinity_IsString() => AssertJson("\".inf\"", Value("'.inf'"));

    [Fact]
    public void Yaml_BlockScalars_AreStrings()
    {
        var doc = YamlManifests.Parse("a: |\n  true\n  123\nb: >\n  folded\n  text\nc: |-\n  42\nd: >-\n  on\n", "t")[0].Content;
        AssertJson("""{"a":"true\n123\n","b":"folded text\n","c":"42","d":"on"}""", doc);
    }

    [Fact]
    public void Yaml_Tags_ForceTypes()
    {
        var doc = YamlManifests.Parse("a: !!str 123\nb: !!int \"42\"\nc: !!float 3\nd: !!bool yes\ne: !custom 7\nf: !!binary aGVsbG8=\ng: ! true\n", "t")[0].Content;
        AssertJson("""{"a":"123","b":42,"c":3,"d":true,"e":"7","f":"hello","g":"true"}""", doc);
    }

    [Fact]
    public void Yaml_TagThatDoesNotFit_IsError()
    {
        var ex = ParseError("a: !!int abc\n");
        Assert.Equal("bad.yaml:1:4: cannot decode !!str `abc` as a !!int", ex.Message);
    }

    [Fact]
    public void Yaml_NonStringKeys_BecomeStrings()
    {
        var doc = YamlManifests.Parse("1: one\n0x10: hex\n1.5: float\non: bool\nno: bool2\n2024-01-01: date\n", "t")[0].Content;
        AssertJson("""{"1":"one","16":"hex","1.5":"float","true":"bool","false":"bool2","2024-01-01":"date"}""", doc);
        Assert.Equal(["1", "16", "1.5", "true", "false", "2024-01-01"], doc!.AsObject().Select(p => p.Key));
    }

    [Fact]
    public void Yaml_NullKey_IsError()
    {
        var ex = ParseError("a: 1\n~: 2\n");
        Assert.Equal(2, ex.Line);
        Assert.Contains("unsupported map key", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Yaml_MappingAsKey_IsError()
    {
        var ex = ParseError("? {a: 1}\n: x\n");
        Assert.Contains("invalid map key", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Yaml_MultiDocument_HasIndexesAndStartLines()
    {
        const string text = "# leading comment\napiVersion: v1\nkind: A\n---\nkind: B\n---\n---\n# only a comment\n---\nkind: C\n";
        var docs = YamlManifests.Parse(text, "multi.yaml");
        Assert.Equal(5, docs.Count);
        Assert.Equal([0, 1, 2, 3, 4], docs.Select(d => d.Index));
        Assert.Equal([2, 4, 6, 7, 9], docs.Select(d => d.Line));
        Assert.All(docs, d => Assert.Equal("multi.yaml", d.Source));
        AssertJson("""{"apiVersion":"v1","kind":"A"}""", docs[0].Content);
        AssertJson("""{"kind":"B"}""", docs[1].Content);
        Assert.Null(docs[2].Content);
        Assert.Null(docs[3].Content);
        AssertJson("""{"kind":"C"}""", docs[4].Content);
    }

    [Theory]
    [InlineData("")]
    [InlineData("# just a comment\n")]
    [InlineData("\n\n")]
    public void Yaml_NoDocuments_GivesEmptyList(string text) => Assert.Empty(YamlManifests.Parse(text, "t"));

    [Fact]
    public void Yaml_TrailingSeparator_GivesEmptyDocument()
    {
        var docs = YamlManifests.Parse("a: 1\n---\n", "t");
        Assert.Equal(2, docs.Count);
        Assert.Null(docs[1].Content);
        Assert.Equal(2, docs[1].Line);
    }

    [Fact]
    public void Yaml_Comments_AreIgnored()
    {
        var doc = YamlManifests.Parse("# top\na: 1 # trailing\n# between\nb: \"x # not a comment\"\nc: x#y\n", "t")[0].Content;
        AssertJson("""{"a":1,"b":"x # not a comment","c":"x#y"}""", doc);
    }

    [Fact]
    public void Yaml_AnchorsAliasesAndMergeKeys_AreResolved()
    {
        const string text = """
            base: &base
              image: nginx
              port: 80
            extra: &extra
              port: 81
              debug: true
            a:
              <<: *base
              port: 8080
            b:
              name: b
              <<: [*extra, *base]
            c: *base
            list: [&x 1, *x]
            """;
        var doc = YamlManifests.Parse(text, "t")[0].Content!;
        AssertJson("""{"image":"nginx","port":8080}""", doc["a"]);
        AssertJson("""{"name":"b","port":81,"debug":true,"image":"nginx"}""", doc["b"]);
        AssertJson("""{"image":"nginx","port":80}""", doc["c"]);
        AssertJson("[1,1]", doc["list"]);

        // Aliases are copies: changing one doesn't change the other.
        doc["c"]!["image"] = "changed";
        Assert.Equal("nginx", doc["base"]!["image"]!.GetValue<string>());
    }

    [Fact]
    public void Yaml_QuotedMergeKey_IsOrdinaryKey()
        => AssertJson("""{"<<":{"a":1}}""", YamlManifests.Parse("'<<': {a: 1}\n", "t")[0].Content);

    [Fact]
    public void Yaml_MergeOfScalar_IsError()
    {
        var ex = ParseError("a: &a 1\nb:\n  <<: *a\n");
        Assert.Equal("bad.yaml:3:7: map merge requires map or sequence of maps as the value", ex.Message);
    }

    [Fact]
    public void Yaml_UnknownAlias_IsError()
    {
        var ex = ParseError("a: 1\nb: *nope\n");
        Assert.Equal(2, ex.Line);
        Assert.Contains("nope", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Yaml_AliasBomb_IsRejected()
    {
        var lines = new List<string> { "a0: &a0 [x, x, x, x, x, x, x, x, x, x]" };
        for (var i = 1; i < 9; i++)
        {
            lines.Add($"a{i}: &a{i} [{string.Join(", ", Enumerable.Repeat($"*a{i - 1}", 10))}]");
        }

        var ex = ParseError(string.Join('\n', lines));
        Assert.Contains("excessive aliasing", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Yaml_JsonInput_Works()
    {
        const string json = "{\n\t\"apiVersion\": \"v1\",\n\t\"kind\": \"ConfigMap\",\n\t\"data\": {\"on\": \"yes\", \"n\": 1.50, \"z\":null, \"t\":true},\n\t\"list\": [1, \"2\", [], {}]\n}\n";
        var docs = YamlManifests.Parse(json, "cm.json");
        Assert.Single(docs);
        AssertJson("""{"apiVersion":"v1","kind":"ConfigMap","data":{"on":"yes","n":1.5,"z":null,"t":true},"list":[1,"2",[],{}]}""", docs[0].Content);
    }

    [Fact]
    public void Yaml_SyntaxError_HasSourceLineAndColumn()
    {
        var ex = ParseError("apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\n labels: y\n");
        Assert.Equal("bad.yaml", ex.Source);
        Assert.Equal(5, ex.Line);
        Assert.True(ex.Column >= 1);
        Assert.StartsWith($"bad.yaml:5:{ex.Column}: ", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Yaml_UnclosedFlowSequence_IsError()
    {
        var ex = ParseError("a: [1, 2\n");
        Assert.Equal("bad.yaml:2:1: While parsing a flow sequence, did not find expected ',' or ']'.", ex.Message);
    }

    [Fact]
    public void Yaml_TabIndentation_IsError()
    {
        var ex = ParseError("a:\n\tb: 1\n");
        Assert.Contains("tab", ex.Message, StringComparison.OrdinalIgnoreCase);
        Assert.StartsWith("bad.yaml:", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Yaml_DuplicateKey_IsError()
    {
        var ex = ParseError("metadata:\n  name: a\n  labels: {}\n  name: b\n");
        Assert.Equal("bad.yaml:4:3: mapping key \"name\" already defined at line 2", ex.Message);
        Assert.Equal(4, ex.Line);
        Assert.Equal(3, ex.Column);
    }

    [Fact]
    public void Yaml_KeysThatBecomeEqual_AreDuplicates()
    {
        var ex = ParseError("on: 1\ntrue: 2\n");
        Assert.Contains("mapping key \"true\" already defined at line 1", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Yaml_SameKeyInDifferentDocuments_IsFine()
        => Assert.Equal(2, YamlManifests.Parse("a: 1\n---\na: 2\n", "t").Count);

    [Fact]
    public void Yaml_TopLevelScalarAndList()
    {
        var docs = YamlManifests.Parse("--- 5\n--- [a, yes]\n", "t");
        AssertJson("5", docs[0].Content);
        AssertJson("""["a",true]""", docs[1].Content);
    }

    [Fact]
    public void ParseSingle_RejectsSeveralDocuments()
    {
        AssertJson("""{"a":1}""", YamlManifests.ParseSingle("a: 1\n", "t"));
        Assert.Null(YamlManifests.ParseSingle("", "t"));
        var ex = Assert.Throws<ManifestSyntaxException>(() => YamlManifests.ParseSingle("a: 1\n---\nb: 2\n", "two.yaml"));
        Assert.Equal(2, ex.Line);
    }
}
