using System.Text.Json.Nodes;
using Podnet.Kube.Selectors;

namespace Podnet.Tests.Kube.Selectors;

public class LabelSelectorFromLabelSelectorTests
{
    private static LabelSelector From(string json, string? path = null) => LabelSelector.FromLabelSelector(JsonNode.Parse(json), path);

    private static string Error(string json, string? path = null)
        => Assert.Throws<SelectorException>(() => From(json, path)).Message;

    [Fact]
    public void LabelSelector_FromLabelSelector_MatchLabelsAndExpressions()
    {
        var selector = From("""
            {
              "matchLabels": {"tier": "fe", "app": "web"},
              "matchExpressions": [
                {"key": "env", "operator": "In", "values": ["prod", "dev"]},
                {"key": "canary", "operator": "DoesNotExist"},
                {"key": "zone", "operator": "NotIn", "values": ["a"]},
                {"key": "owner", "operator": "Exists", "values": []}
              ]
            }
            """);

        Assert.Equal("app=web,!canary,env in (dev,prod),owner,tier=fe,zone notin (a)", selector.ToString());
        Assert.Equal(new LabelRequirement("app", SelectorOperator.Equals, ["web"]), selector.Requirements[0]);
        Assert.Equal(new LabelRequirement("env", SelectorOperator.In, ["prod", "dev"]), selector.Requirements[2]);
    }

    [Fact]
    public void LabelSelector_FromLabelSelector_Matches()
    {
        var selector = From("""{"matchLabels":{"app":"web"},"matchExpressions":[{"key":"zone","operator":"NotIn","values":["a"]}]}""");

        Assert.True(selector.Matches(new Dictionary<string, string> { ["app"] = "web" }));
        Assert.True(selector.Matches(new Dictionary<string, string> { ["app"] = "web", ["zone"] = "b" }));
        Assert.False(selector.Matches(new Dictionary<string, string> { ["app"] = "web", ["zone"] = "a" }));
        Assert.False(selector.Matches(new Dictionary<string, string> { ["zone"] = "b" }));
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("""{"matchLabels":{},"matchExpressions":[]}""")]
    [InlineData("""{"matchLabels":null,"matchExpressions":null}""")]
    public void LabelSelector_FromLabelSelector_EmptyIsEverything(string json)
    {
        var selector = From(json);

        Assert.Same(LabelSelector.Everything, selector);
        Assert.True(selector.Matches(new Dictionary<string, string> { ["any"] = "thing" }));
    }

    [Fact]
    public void LabelSelector_FromLabelSelector_NullThrowsArgumentNull()
    {
        Assert.Throws<ArgumentNullException>(() => LabelSelector.FromLabelSelector(null));
    }

    [Fact]
    public void LabelSelector_FromLabelSelector_UnknownOperator()
    {
        Assert.Equal(
            "\"Foo\" is not a valid label selector operator",
            Error("""{"matchExpressions":[{"key":"a","operator":"Foo","values":["b"]}]}"""));
        Assert.Equal(
            "\"in\" is not a valid label selector operator",
            Error("""{"matchExpressions":[{"key":"a","operator":"in","values":["b"]}]}"""));
        Assert.Equal("\"\" is not a valid label selector operator", Error("""{"matchExpressions":[{"key":"a"}]}"""));
    }

    [Fact]
    public void LabelSelector_FromLabelSelector_InWithoutValues_IsRequired()
    {
        Assert.Equal(
            "matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'",
            Error("""{"matchExpressions":[{"key":"a","operator":"In"}]}"""));
        Assert.Equal(
            "spec.selector.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'",
            Error("""{"matchExpressions":[{"key":"a","operator":"NotIn","values":[]}]}""", "spec.selector"));
    }

    [Fact]
    public void LabelSelector_FromLabelSelector_ExistsWithValues_IsForbidden()
    {
        Assert.Equal(
            "matchExpressions[1].values: Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
            Error("""{"matchExpressions":[{"key":"a","operator":"Exists"},{"key":"b","operator":"DoesNotExist","values":["x"]}]}"""));
    }

    [Fact]
    public void LabelSelector_FromLabelSelector_SeveralErrors_AreAggregated()
    {
        Assert.Equal(
            "[matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn', "
            + "matchExpressions[0].key: Invalid value: \"-a\": name part must consist of alphanumeric characters, '-', '_' or '.', "
            + "and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', "
            + "regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')]",
            Error("""{"matchExpressions":[{"key":"-a","operator":"In"}]}"""));
    }

    [Fact]
    public void LabelSelector_FromLabelSelector_InvalidLabelValue()
    {
        const string valueMessage =
            "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character "
            + "(e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

        Assert.Equal("matchLabels: Invalid value: \"-bad\": " + valueMessage, Error("""{"matchLabels":{"app":"-bad"}}"""));
        Assert.Equal(
            "matchExpressions[0].values[1]: Invalid value: \"b c\": " + valueMessage,
            Error("""{"matchExpressions":[{"key":"a","operator":"In","values":["ok","b c"]}]}"""));
    }

    [Fact]
    public void LabelSelector_FromLabelSelector_InvalidLabelKey()
    {
        Assert.Equal(
            "matchLabels: Invalid value: \"/app\": prefix part must be non-empty",
            Error("""{"matchLabels":{"/app":"web"}}"""));
    }

    [Theory]
    [InlineData("""{"matchLabels":{"a":1}}""", "json: cannot unmarshal number into Go struct field LabelSelector.matchLabels of type string")]
    [InlineData("""{"matchLabels":[]}""", "json: cannot unmarshal array into Go struct field LabelSelector.matchLabels of type map[string]string")]
    [InlineData("""{"matchExpressions":{}}""", "json: cannot unmarshal object into Go struct field LabelSelector.matchExpressions of type []v1.LabelSelectorRequirement")]
    [InlineData("[]", "json: cannot unmarshal array into Go value of type v1.LabelSelector")]
    public void LabelSelector_FromLabelSelector_WrongJsonShape(string json, string message)
    {
        Assert.Equal(message, Error(json));
    }
}
