using Podnet.Kube.Selectors;

namespace Podnet.Tests.Kube.Selectors;

public class LabelSelectorParseTests
{
    private const string NameRegexMessage =
        "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character "
        + "(e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";

    private const string ValueRegexMessage =
        "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character "
        + "(e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

    [Theory]
    [InlineData("a=b", "a", SelectorOperator.Equals, new[] { "b" })]
    [InlineData("a==b", "a", SelectorOperator.Equals, new[] { "b" })]
    [InlineData("a!=b", "a", SelectorOperator.NotEquals, new[] { "b" })]
    [InlineData("a in (c,b)", "a", SelectorOperator.In, new[] { "b", "c" })]
    [InlineData("a notin (b)", "a", SelectorOperator.NotIn, new[] { "b" })]
    [InlineData("a", "a", SelectorOperator.Exists, new string[0])]
    [InlineData("!a", "a", SelectorOperator.DoesNotExist, new string[0])]
    [InlineData("a>1", "a", SelectorOperator.GreaterThan, new[] { "1" })]
    [InlineData("a<2", "a", SelectorOperator.LessThan, new[] { "2" })]
    [InlineData("example.com/app=web", "example.com/app", SelectorOperator.Equals, new[] { "web" })]
    public void LabelSelector_Parse_EveryOperator(string text, string key, SelectorOperator op, string[] values)
    {
        var selector = LabelSelector.Parse(text);

        var requirement = Assert.Single(selector.Requirements);
        Assert.Equal(key, requirement.Key);
        Assert.Equal(op, requirement.Operator);
        Assert.Equal(values, requirement.Values);
        Assert.False(selector.IsEverything);
    }

    [Fact]
    public void LabelSelector_Parse_FullGrammar_SortsByKey()
    {
        var selector = LabelSelector.Parse("a=b,c!=d,e in (f,g),h notin (i),j,!k");

        Assert.Equal(
            [
                new LabelRequirement("a", SelectorOperator.Equals, ["b"]),
                new LabelRequirement("c", SelectorOperator.NotEquals, ["d"]),
                new LabelRequirement("e", SelectorOperator.In, ["f", "g"]),
                new LabelRequirement("h", SelectorOperator.NotIn, ["i"]),
                new LabelRequirement("j", SelectorOperator.Exists, []),
                new LabelRequirement("k", SelectorOperator.DoesNotExist, []),
            ],
            selector.Requirements);
    }

    [Fact]
    public void LabelSelector_Parse_IgnoresWhitespace()
    {
        var selector = LabelSelector.Parse("  a  =  b ,\tc\n!=\r\nd , e in(f , g) ,  ! h  ");

        Assert.Equal("a=b,c!=d,e in (f,g),!h", selector.ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("\t\n")]
    public void LabelSelector_Parse_EmptyIsEverything(string text)
    {
        var selector = LabelSelector.Parse(text);

        Assert.Same(LabelSelector.Everything, selector);
        Assert.True(selector.IsEverything);
        Assert.Empty(selector.Requirements);
        Assert.Equal(string.Empty, selector.ToString());
    }

    [Theory]
    [InlineData("a=", "a", SelectorOperator.Equals)]
    [InlineData("a==", "a", SelectorOperator.Equals)]
    [InlineData("a!=", "a", SelectorOperator.NotEquals)]
    public void LabelSelector_Parse_MissingExactValueIsEmptyString(string text, string key, SelectorOperator op)
    {
        // apimachinery's parseExactValue takes end-of-string or ',' after the operator as the empty value.
        var requirement = Assert.Single(LabelSelector.Parse(text).Requirements);

        Assert.Equal(new LabelRequirement(key, op, [string.Empty]), requirement);
    }

    [Theory]
    [InlineData("a in ()", new[] { "" })]
    [InlineData("a in (,b)", new[] { "", "b" })]
    [InlineData("a in (b,)", new[] { "", "b" })]
    [InlineData("a in (b,,c)", new[] { "", "b", "c" })]
    [InlineData("a in (b,b,a)", new[] { "a", "b" })]
    [InlineData("a in (in,notin)", new[] { "in", "notin" })]
    public void LabelSelector_Parse_SetValues_AreDistinctSortedAndMayBeEmpty(string text, string[] values)
    {
        Assert.Equal(values, Assert.Single(LabelSelector.Parse(text).Requirements).Values);
    }

    [Theory]
    [InlineData("a in (", "unable to parse requirement: found '', expected: ',', ')' or identifier")]
    [InlineData("a in b", "unable to parse requirement: found 'b' expected: '('")]
    [InlineData("a in", "unable to parse requirement: found '' expected: '('")]
    [InlineData("a in (b c)", "unable to parse requirement: found 'c', expected: ',' or ')'")]
    [InlineData("a in (b,", "unable to parse requirement: found '', expected: ',', or identifier")]
    [InlineData("a===", "unable to parse requirement: found '=', expected: identifier")]
    [InlineData("a b", "unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt")]
    [InlineData("a!b", "unable to parse requirement: found '!', expected: in, notin, =, ==, !=, gt, lt")]
    [InlineData("!", "unable to parse requirement: found '', expected: identifier")]
    [InlineData("=b", "found '=', expected: !, identifier, or 'end of string'")]
    [InlineData("a,", "found '', expected: identifier after ','")]
    [InlineData("a,,b", "found ',', expected: identifier after ','")]
    [InlineData("!a=b", "found '=', expected: ',' or 'end of string'")]
    [InlineData("x=a==b", "found '==', expected: ',' or 'end of string'")]
    [InlineData("x<a", "unable to parse requirement: values[0]: Invalid value: \"a\": for 'Gt', 'Lt' operators, the value must be an integer")]
    [InlineData("x>", "unable to parse requirement: values[0]: Invalid value: \"\": for 'Gt', 'Lt' operators, the value must be an integer")]
    public void LabelSelector_Parse_Malformed_ThrowsApiServerMessage(string text, string message)
    {
        var e = Assert.Throws<SelectorException>(() => LabelSelector.Parse(text));

        Assert.Equal(message, e.Message);
    }

    [Fact]
    public void LabelSelector_Parse_InvalidKey_UsesNilPath()
    {
        var e = Assert.Throws<SelectorException>(() => LabelSelector.Parse("app:monolith"));

        Assert.Equal("unable to parse requirement: <nil>: Invalid value: \"app:monolith\": " + NameRegexMessage, e.Message);
    }

    [Fact]
    public void LabelSelector_Parse_InvalidValue_UsesValuesKeyPath()
    {
        var e = Assert.Throws<SelectorException>(() => LabelSelector.Parse("x=a||y"));

        Assert.Equal("unable to parse requirement: values[0][x]: Invalid value: \"a||y\": " + ValueRegexMessage, e.Message);
    }

    [Fact]
    public void LabelSelector_Parse_NegativeBound_IsNotALabelValue()
    {
        // ParseInt accepts "-1", but the value must also be a valid label value, which cannot start with '-'.
        var e = Assert.Throws<SelectorException>(() => LabelSelector.Parse("x>-1"));

        Assert.Equal("unable to parse requirement: values[0][x]: Invalid value: \"-1\": " + ValueRegexMessage, e.Message);
    }

    [Fact]
    public void LabelSelector_Parse_SeveralRequirementErrors_AreAggregated()
    {
        var e = Assert.Throws<SelectorException>(() => LabelSelector.Parse("x>-a-"));

        Assert.Equal(
            "unable to parse requirement: [values[0]: Invalid value: \"-a-\": for 'Gt', 'Lt' operators, the value must be an integer, "
            + "values[0][x]: Invalid value: \"-a-\": " + ValueRegexMessage + "]",
            e.Message);
    }

    [Fact]
    public void LabelSelector_TryParse_ReportsError()
    {
        Assert.False(LabelSelector.TryParse("a in b", out _, out var error));
        Assert.Equal("unable to parse requirement: found 'b' expected: '('", error);

        Assert.True(LabelSelector.TryParse("a", out var selector, out error));
        Assert.Null(error);
        Assert.Equal("a", selector.ToString());
    }

    [Fact]
    public void LabelSelector_ToString_IsCanonical()
    {
        var selector = LabelSelector.Parse("z=1, b in (y,x), a notin (q), !c, d, e>5, f<3, g!=h, k==v");

        Assert.Equal("a notin (q),b in (x,y),!c,d,e>5,f<3,g!=h,k=v,z=1", selector.ToString());
    }

    [Fact]
    public void LabelSelector_ToString_RoundTrips()
    {
        const string canonical = "a notin (,q),b in (x,y),!c,d,e>5,f<3,g!=,k=v";

        Assert.Equal(canonical, LabelSelector.Parse(canonical).ToString());
        Assert.Equal(LabelSelector.Parse(canonical).Requirements, LabelSelector.Parse(LabelSelector.Parse(canonical).ToString()).Requirements);
    }

    [Fact]
    public void LabelSelector_Parse_SameKeyTwice_KeepsBothInWrittenOrder()
    {
        var selector = LabelSelector.Parse("b=1,a!=2,a=3");

        Assert.Equal("a!=2,a=3,b=1", selector.ToString());
    }

    [Fact]
    public void LabelSelector_Parse_Null_Throws()
    {
        Assert.Throws<ArgumentNullException>(() => LabelSelector.Parse(null!));
    }
}
