using System.Text.Json.Nodes;
using Podnet.Kube.Serialization;

namespace Podnet.Tests.Kube.Serialization;

public class YamlToYamlTests
{
    private static JsonNode? RoundTrip(JsonNode? node)
    {
        var yaml = YamlManifests.ToYaml(node);
        var docs = YamlManifests.Parse(yaml, "roundtrip.yaml");
        Assert.Single(docs);
        return docs[0].Content;
    }

    private static void AssertRoundTrips(JsonNode? node)
    {
        var back = RoundTrip(node);
        Assert.True(JsonNode.DeepEquals(node, back), $"{node?.ToJsonString()} came back as {back?.ToJsonString()}\n{YamlManifests.ToYaml(node)}");
    }

    private static string Yaml(string json) => YamlManifests.ToYaml(JsonNode.Parse(json));

    [Fact]
    public void ToYaml_NestedObjects_BlockStyleTwoSpaces()
    {
        Assert.Equal(
            "a:\n  b:\n    c: 1\n  d: x\ne: true\n",
            Yaml("""{"a":{"b":{"c":1},"d":"x"},"e":true}"""));
    }

    [Fact]
    public void ToYaml_KeepsKeyOrder()
        => Assert.Equal("z: 1\na: 2\nm: 3\n", Yaml("""{"z":1,"a":2,"m":3}"""));

    [Fact]
    public void ToYaml_ListsUnderKeys_AreNotIndented()
    {
        Assert.Equal(
            "items:\n- a\n- b: 1\n  c: 2\n- - x\n  - \"y\"\n- []\n- {}\nafter: null\n",
            Yaml("""{"items":["a",{"b":1,"c":2},["x","y"],[],{}],"after":null}"""));
    }

    [Fact]
    public void ToYaml_EmptyCollections_AreFlow()
    {
        Assert.Equal("a: {}\nb: []\n", Yaml("""{"a":{},"b":[]}"""));
        Assert.Equal("{}\n", Yaml("{}"));
        Assert.Equal("[]\n", Yaml("[]"));
    }

    [Fact]
    public void ToYaml_TopLevelList()
        => Assert.Equal("- 1\n- a: b\n", Yaml("""[1,{"a":"b"}]"""));

    [Theory]
    [InlineData("on", "\"on\"")]
    [InlineData("true", "\"true\"")]
    [InlineData("Yes", "\"Yes\"")]
    [InlineData("n", "\"n\"")]
    [InlineData("null", "\"null\"")]
    [InlineData("~", "\"~\"")]
    [InlineData("", "\"\"")]
    [InlineData("123", "\"123\"")]
    [InlineData("0755", "\"0755\"")]
    [InlineData("1.5", "\"1.5\"")]
    [InlineData("1.20", "\"1.20\"")]
    [InlineData("1e3", "\"1e3\"")]
    [InlineData(".inf", "\".inf\"")]
    [InlineData("2024-01-01T00:00:00Z", "\"2024-01-01T00:00:00Z\"")]
    [InlineData("1:20", "\"1:20\"")]
    [InlineData("8080:80", "8080:80")]
    [InlineData("a: b", "'a: b'")]
    [InlineData("a:", "'a:'")]
    [InlineData("- x", "'- x'")]
    [InlineData("-", "'-'")]
    [InlineData("*", "'*'")]
    [InlineData("&a", "'&a'")]
    [InlineData("!tag", "'!tag'")]
    [InlineData("#x", "'#x'")]
    [InlineData("x #y", "'x #y'")]
    [InlineData("{x}", "'{x}'")]
    [InlineData("[x]", "'[x]'")]
    [InlineData("'q'", "'''q'''")]
    [InlineData("\"dq\"", "'\"dq\"'")]
    [InlineData("@x", "'@x'")]
    [InlineData("%x", "'%x'")]
    [InlineData("`x", "'`x'")]
    [InlineData("|x", "'|x'")]
    [InlineData(">x", "'>x'")]
    [InlineData("? x", "'? x'")]
    [InlineData("---", "'---'")]
    [InlineData(" lead", "' lead'")]
    [InlineData("trail ", "'trail '")]
    // go-yaml escapes a tab as \t inside double quotes; YamlDotNet's emitter writes the tab itself (it reads back the same).
    [InlineData("a\tb", "\"a\tb\"")]
    [InlineData("<<", "\"<<\"")]
    [InlineData("plain text", "plain text")]
    [InlineData("v1.11.2-eksbuild.1", "v1.11.2-eksbuild.1")]
    [InlineData("a:b", "a:b")]
    [InlineData("x#y", "x#y")]
    [InlineData("-x", "-x")]
    [InlineData("10.0.0.0/16", "10.0.0.0/16")]
    [InlineData("héllo", "héllo")]
    [InlineData("\U0001F600", "\"\\U0001F600\"")]
    public void ToYaml_StringsQuotedOnlyWhenNeeded(string value, string expected)
    {
        var node = new JsonObject { ["v"] = value };
        Assert.Equal($"v: {expected}\n", YamlManifests.ToYaml(node));
        AssertRoundTrips(node);
    }

    [Theory]
    [InlineData("on")]
    [InlineData("123")]
    [InlineData("")]
    [InlineData("a: b")]
    [InlineData("- x")]
    [InlineData("null")]
    [InlineData("key with spaces")]
    public void ToYaml_KeysThatNeedQuoting_RoundTrip(string key)
        => AssertRoundTrips(new JsonObject { [key] = 1 });

    [Fact]
    public void ToYaml_Scalars()
    {
        Assert.Equal(
            "i: 42\nneg: -7\nbig: 18446744073709551615\nf: 1.5\nwhole: 1\nsmall: 1e-07\nlarge: 1e+21\nmillion: 1e+06\nt: true\nf2: false\n\"n\": null\n",
            Yaml("""{"i":42,"neg":-7,"big":18446744073709551615,"f":1.50,"whole":1.0,"small":1e-7,"large":1e21,"million":1000000.0,"t":true,"f2":false,"n":null}"""));
    }

    [Fact]
    public void ToYaml_NumbersRoundTripByValue()
        => AssertRoundTrips(JsonNode.Parse("""{"a":1,"b":-2.25,"c":1e-7,"d":1e21,"e":0,"f":123456789.125,"g":9223372036854775807}"""));

    [Fact]
    public void ToYaml_MultiLineStrings_AreLiteralBlocks()
    {
        Assert.Equal("script: |\n  echo hi\n  exit 0\n", Yaml("""{"script":"echo hi\nexit 0\n"}"""));
        Assert.Equal("s: |-\n  a\n\n  b\n", Yaml("""{"s":"a\n\nb"}"""));
        Assert.Equal("s: |+\n  a\n\n", Yaml("""{"s":"a\n\n"}"""));
        Assert.Equal("s: |2-\n    indented\n  b\n", Yaml("""{"s":"  indented\nb"}"""));
        Assert.Equal("- |-\n  a\n  b\n", Yaml("""["a\nb"]"""));
        Assert.Equal("k:\n- x: |-\n    a\n    b\n", Yaml("""{"k":[{"x":"a\nb"}]}"""));
    }

    [Fact]
    public void ToYaml_MultiLineWithTrailingSpaces_IsDoubleQuoted()
        => Assert.Equal("s: \"a \\nb\"\n", Yaml("""{"s":"a \nb"}"""));

    [Theory]
    [InlineData("echo hi\nexit 0\n")]
    [InlineData("a\n\nb")]
    [InlineData("a\n\n")]
    [InlineData("  indented\nb")]
    [InlineData("a \nb")]
    [InlineData("\n")]
    [InlineData("line1\r\nline2")]
    [InlineData("tab\there\n")]
    public void ToYaml_MultiLineStrings_RoundTrip(string value)
    {
        AssertRoundTrips(new JsonObject { ["s"] = value });
        AssertRoundTrips(new JsonArray(value, new JsonObject { ["k"] = new JsonArray(value) }));
        AssertRoundTrips(JsonValue.Create(value));
    }

    [Fact]
    public void ToYaml_LongStrings_FoldAfterColumn80()
    {
        var words = string.Join(' ', Enumerable.Range(0, 30).Select(i => $"word{i}"));
        var yaml = YamlManifests.ToYaml(new JsonObject { ["description"] = words });
        var lines = yaml.TrimEnd('\n').Split('\n');
        Assert.True(lines.Length > 1, yaml);
        Assert.StartsWith("description: word0 word1", lines[0], StringComparison.Ordinal);
        Assert.All(lines.Skip(1), line => Assert.StartsWith("  word", line, StringComparison.Ordinal));
        AssertRoundTrips(new JsonObject { ["description"] = words });
        AssertRoundTrips(new JsonObject { ["q"] = "a: " + words });
        AssertRoundTrips(new JsonObject { ["q"] = "true  " + words + "  double  spaces" });
        AssertRoundTrips(new JsonObject { ["q"] = "\t" + words + "   x" });
    }

    [Fact]
    public void ToYaml_NestedObjects_RoundTrip()
    {
        AssertRoundTrips(JsonNode.Parse("""
            {"a":{"b":[{"c":[[1,2],[]],"d":{}},null,"on",{"e":{"f":{"g":"h"}}}]},"empty":"","nul":null,"list":[[["deep"]]]}
            """));
    }

    [Fact]
    public void ToYaml_TopLevelScalars()
    {
        Assert.Equal("null\n", YamlManifests.ToYaml(null));
        Assert.Equal("hello\n", YamlManifests.ToYaml(JsonValue.Create("hello")));
        Assert.Equal("\"on\"\n", YamlManifests.ToYaml(JsonValue.Create("on")));
        Assert.Equal("5\n", YamlManifests.ToYaml(JsonValue.Create(5)));
    }

    [Fact]
    public void ToYamlDocuments_SeparatesWithDashes()
    {
        var yaml = YamlManifests.ToYamlDocuments([JsonNode.Parse("""{"a":1}"""), JsonNode.Parse("""{"b":2}""")]);
        Assert.Equal("a: 1\n---\nb: 2\n", yaml);
        Assert.Equal(2, YamlManifests.Parse(yaml, "t").Count);
    }

    private const string Deployment = """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
          namespace: default
          labels:
            app: web
            tier: "on"
          annotations:
            deployment.kubernetes.io/revision: "3"
        spec:
          replicas: 3
          selector:
            matchLabels:
              app: web
          strategy:
            type: RollingUpdate
            rollingUpdate: {maxSurge: 25%, maxUnavailable: 0}
          template:
            metadata:
              labels:
                app: web
            spec:
              containers:
              - name: nginx
                image: public.ecr.aws/nginx/nginx:1.25
                args: ["--port", "8080", --verbose]
                ports:
                - containerPort: 8080
                  protocol: TCP
                env:
                - name: ENABLED
                  value: "true"
                - name: VERSION
                  value: "1.20"
                - name: SCRIPT
                  value: |
                    set -e
                    echo start
                resources:
                  requests:
                    cpu: 250m
                    memory: 64Mi
                  limits:
                    memory: 128Mi
              nodeSelector:
                kubernetes.io/os: linux
              tolerations: []
        """;

    [Fact]
    public void Deployment_Parses_WithKubectlTypes()
    {
        var doc = YamlManifests.Parse(Deployment, "deploy.yaml").Single().Content!;
        Assert.Equal(3, doc["spec"]!["replicas"]!.GetValue<int>());
        Assert.Equal("on", doc["metadata"]!["labels"]!["tier"]!.GetValue<string>());
        Assert.Equal("3", doc["metadata"]!["annotations"]!["deployment.kubernetes.io/revision"]!.GetValue<string>());
        var container = doc["spec"]!["template"]!["spec"]!["containers"]![0]!;
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""["--port","8080","--verbose"]"""), container["args"]));
        Assert.Equal(8080, container["ports"]![0]!["containerPort"]!.GetValue<int>());
        Assert.Equal("true", container["env"]![0]!["value"]!.GetValue<string>());
        Assert.Equal("1.20", container["env"]![1]!["value"]!.GetValue<string>());
        Assert.Equal("set -e\necho start\n", container["env"]![2]!["value"]!.GetValue<string>());
        Assert.Equal("25%", doc["spec"]!["strategy"]!["rollingUpdate"]!["maxSurge"]!.GetValue<string>());
        Assert.Equal(0, doc["spec"]!["strategy"]!["rollingUpdate"]!["maxUnavailable"]!.GetValue<int>());
    }

    [Fact]
    public void Deployment_ToYaml_PrintsLikeKubectl_AndRoundTrips()
    {
        var doc = YamlManifests.Parse(Deployment, "deploy.yaml").Single().Content!;
        const string expected = """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
              namespace: default
              labels:
                app: web
                tier: "on"
              annotations:
                deployment.kubernetes.io/revision: "3"
            spec:
              replicas: 3
              selector:
                matchLabels:
                  app: web
              strategy:
                type: RollingUpdate
                rollingUpdate:
                  maxSurge: 25%
                  maxUnavailable: 0
              template:
                metadata:
                  labels:
                    app: web
                spec:
                  containers:
                  - name: nginx
                    image: public.ecr.aws/nginx/nginx:1.25
                    args:
                    - --port
                    - "8080"
                    - --verbose
                    ports:
                    - containerPort: 8080
                      protocol: TCP
                    env:
                    - name: ENABLED
                      value: "true"
                    - name: VERSION
                      value: "1.20"
                    - name: SCRIPT
                      value: |
                        set -e
                        echo start
                    resources:
                      requests:
                        cpu: 250m
                        memory: 64Mi
                      limits:
                        memory: 128Mi
                  nodeSelector:
                    kubernetes.io/os: linux
                  tolerations: []

            """;
        Assert.Equal(expected, YamlManifests.ToYaml(doc));
        AssertRoundTrips(doc);
    }
}
