using Podnet.Kube.Selectors;

namespace Podnet.Tests.Kube.Selectors;

public class FieldSelectorTests
{
    // A fake unscheduled pod: spec.nodeName is present but empty; anything else is absent.
    private static readonly Dictionary<string, string> Pending = new()
    {
        ["metadata.name"] = "web-1",
        ["metadata.namespace"] = "default",
        ["spec.nodeName"] = "",
        ["status.phase"] = "Pending",
    };

    private static readonly Dictionary<string, string> Running = new()
    {
        ["metadata.name"] = "web-2",
        ["metadata.namespace"] = "default",
        ["spec.nodeName"] = "ip-10-0-1-5.ec2.internal",
        ["status.phase"] = "Running",
    };

    private static Func<string, string?> Fields(Dictionary<string, string> obj) => path => obj.TryGetValue(path, out var v) ? v : null;

    [Fact]
    public void FieldSelector_Parse_AllOperators()
    {
        var selector = FieldSelector.Parse("status.phase==Running,metadata.name=foo,spec.nodeName!=");

        Assert.Equal(
            [
                new FieldRequirement("metadata.name", true, "foo"),
                new FieldRequirement("spec.nodeName", false, ""),
                new FieldRequirement("status.phase", true, "Running"),
            ],
            selector.Requirements);
        Assert.Equal("metadata.name=foo,spec.nodeName!=,status.phase=Running", selector.ToString());
    }

    [Theory]
    [InlineData(@"metadata.name=a\,b", "a,b")]
    [InlineData(@"metadata.name=a\=b", "a=b")]
    [InlineData(@"metadata.name=a\\b", @"a\b")]
    [InlineData(@"metadata.name=\\\,\=", @"\,=")]
    [InlineData("metadata.name=!x", "!x")]
    [InlineData("metadata.name=", "")]
    public void FieldSelector_Parse_UnescapesValues(string text, string value)
    {
        var requirement = Assert.Single(FieldSelector.Parse(text).Requirements);

        Assert.Equal(new FieldRequirement("metadata.name", true, value), requirement);
        Assert.Equal(text, FieldSelector.Parse(text).ToString());
    }

    [Fact]
    public void FieldSelector_Parse_EscapedCommaDoesNotSplit()
    {
        var selector = FieldSelector.Parse(@"b=x\,y,a!=z");

        Assert.Equal([new FieldRequirement("a", false, "z"), new FieldRequirement("b", true, "x,y")], selector.Requirements);
        Assert.Equal(@"a!=z,b=x\,y", selector.ToString());
    }

    [Fact]
    public void FieldSelector_Parse_FirstOperatorSplits()
    {
        // The field part has no escapes; "!=" beats "=" only where it starts first.
        Assert.Equal(new FieldRequirement("a", false, "b"), Assert.Single(FieldSelector.Parse("a!=b").Requirements));
        Assert.Equal(new FieldRequirement("a", true, "!b"), Assert.Single(FieldSelector.Parse("a=!b").Requirements));
        Assert.Equal(new FieldRequirement("", true, "b"), Assert.Single(FieldSelector.Parse("=b").Requirements));
    }

    [Theory]
    [InlineData("")]
    [InlineData(",")]
    [InlineData(",,")]
    public void FieldSelector_Parse_EmptyIsEverything(string text)
    {
        var selector = FieldSelector.Parse(text);

        Assert.Same(FieldSelector.Everything, selector);
        Assert.True(selector.IsEverything);
        Assert.Equal(string.Empty, selector.ToString());
        Assert.True(selector.Matches(Fields(Pending)));
    }

    [Theory]
    [InlineData("foo", "invalid selector: 'foo'; can't understand 'foo'")]
    [InlineData("a=b,c", "invalid selector: 'a=b,c'; can't understand 'c'")]
    [InlineData("a<b", "invalid selector: 'a<b'; can't understand 'a<b'")]
    [InlineData(@"a=b\x", @"invalid field selector: invalid escape sequence: \x")]
    [InlineData(@"a=\!b", @"invalid field selector: invalid escape sequence: \!")]
    [InlineData(@"a=b\", @"invalid field selector: invalid escape sequence: \")]
    [InlineData("a=b=c", "invalid field selector: unescaped character in value: 61")]
    [InlineData("a===b", "invalid field selector: unescaped character in value: 61")]
    public void FieldSelector_Parse_Malformed_ThrowsApiServerMessage(string text, string message)
    {
        var e = Assert.Throws<SelectorException>(() => FieldSelector.Parse(text));

        Assert.Equal(message, e.Message);
    }

    [Fact]
    public void FieldSelector_TryParse_ReportsError()
    {
        Assert.False(FieldSelector.TryParse("foo", out var selector, out var error));
        Assert.Null(selector);
        Assert.Equal("invalid selector: 'foo'; can't understand 'foo'", error);

        Assert.True(FieldSelector.TryParse("a=b", out selector, out error));
        Assert.Equal("a=b", selector.ToString());
        Assert.Null(error);
    }

    [Theory]
    [InlineData("metadata.name=web-1", true, false)]
    [InlineData("metadata.name!=web-1", false, true)]
    [InlineData("spec.nodeName=", true, false)]
    [InlineData("spec.nodeName!=", false, true)]
    [InlineData("spec.nodeName=ip-10-0-1-5.ec2.internal", false, true)]
    [InlineData("status.phase==Running,metadata.namespace=default", false, true)]
    [InlineData("status.phase!=Running,status.phase!=Succeeded", true, false)]
    [InlineData("metadata.namespace=default", true, true)]
    public void FieldSelector_Matches_FakePods(string text, bool matchesPending, bool matchesRunning)
    {
        var selector = FieldSelector.Parse(text);

        Assert.Equal(matchesPending, selector.Matches(Fields(Pending)));
        Assert.Equal(matchesRunning, selector.Matches(Fields(Running)));
    }

    [Fact]
    public void FieldSelector_Matches_MissingFieldIsEmpty()
    {
        Assert.True(FieldSelector.Parse("spec.missing=").Matches(Fields(Running)));
        Assert.False(FieldSelector.Parse("spec.missing!=").Matches(Fields(Running)));
        Assert.True(FieldSelector.Parse("spec.missing!=x").Matches(Fields(Running)));
        Assert.False(FieldSelector.Parse("spec.missing=x").Matches(Fields(Running)));
    }

    [Fact]
    public void FieldSelector_TryGetExactMatch()
    {
        var selector = FieldSelector.Parse("metadata.name!=x,spec.nodeName=node-1");

        Assert.True(selector.TryGetExactMatch("spec.nodeName", out var node));
        Assert.Equal("node-1", node);
        Assert.False(selector.TryGetExactMatch("metadata.name", out _));
    }

    [Fact]
    public void FieldSelector_EscapeValue_RoundTrips()
    {
        const string raw = @"a\b,c=d!e";

        Assert.Equal(@"a\\b\,c\=d!e", FieldSelector.EscapeValue(raw));
        Assert.Equal(raw, FieldSelector.UnescapeValue(FieldSelector.EscapeValue(raw)));
    }
}
