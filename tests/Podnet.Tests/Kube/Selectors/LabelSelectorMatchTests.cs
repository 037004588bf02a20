using Podnet.Kube.Selectors;

namespace Podnet.Tests.Kube.Selectors;

public class LabelSelectorMatchTests
{
    private static readonly Dictionary<string, string> Web = new()
    {
        ["app"] = "web",
        ["tier"] = "frontend",
        ["replicas"] = "3",
        ["empty"] = "",
    };

    [Theory]
    [InlineData("app=web", true)]
    [InlineData("app==web", true)]
    [InlineData("app=db", false)]
    [InlineData("missing=web", false)]
    [InlineData("empty=", true)]
    [InlineData("missing=", false)]
    public void LabelSelector_Equals_NeedsKey(string text, bool expected)
    {
        Assert.Equal(expected, LabelSelector.Parse(text).Matches(Web));
    }

    [Theory]
    [InlineData("app!=db", true)]
    [InlineData("app!=web", false)]
    [InlineData("missing!=web", true)]
    [InlineData("empty!=", false)]
    public void LabelSelector_NotEquals_MatchesMissingKey(string text, bool expected)
    {
        Assert.Equal(expected, LabelSelector.Parse(text).Matches(Web));
    }

    [Theory]
    [InlineData("app in (db,web)", true)]
    [InlineData("app in (db)", false)]
    [InlineData("missing in (web)", false)]
    [InlineData("missing in ()", false)]
    [InlineData("empty in ()", true)]
    public void LabelSelector_In_NeedsKey(string text, bool expected)
    {
        Assert.Equal(expected, LabelSelector.Parse(text).Matches(Web));
    }

    [Theory]
    [InlineData("app notin (db)", true)]
    [InlineData("app notin (db,web)", false)]
    [InlineData("missing notin (web)", true)]
    [InlineData("empty notin ()", false)]
    public void LabelSelector_NotIn_MatchesMissingKey(string text, bool expected)
    {
        Assert.Equal(expected, LabelSelector.Parse(text).Matches(Web));
    }

    [Theory]
    [InlineData("app", true)]
    [InlineData("empty", true)]
    [InlineData("missing", false)]
    [InlineData("!app", false)]
    [InlineData("!empty", false)]
    [InlineData("!missing", true)]
    public void LabelSelector_ExistsAndDoesNotExist(string text, bool expected)
    {
        Assert.Equal(expected, LabelSelector.Parse(text).Matches(Web));
    }

    [Theory]
    [InlineData("replicas>2", true)]
    [InlineData("replicas>3", false)]
    [InlineData("replicas<4", true)]
    [InlineData("replicas<3", false)]
    [InlineData("replicas>0", true)]
    [InlineData("missing>0", false)]
    [InlineData("missing<0", false)]
    [InlineData("app>0", false)]
    [InlineData("app<0", false)]
    [InlineData("empty<1", false)]
    public void LabelSelector_GreaterAndLessThan_CompareIntegers(string text, bool expected)
    {
        Assert.Equal(expected, LabelSelector.Parse(text).Matches(Web));
    }

    [Fact]
    public void LabelSelector_GreaterThan_ComparesNumericallyNotLexically()
    {
        var labels = new Dictionary<string, string> { ["n"] = "10" };

        Assert.True(LabelSelector.Parse("n>9").Matches(labels));
        Assert.False(LabelSelector.Parse("n<9").Matches(labels));
        Assert.True(LabelSelector.Parse("n<11").Matches(new Dictionary<string, string> { ["n"] = "-5" }));
        Assert.False(LabelSelector.Parse("n>1").Matches(new Dictionary<string, string> { ["n"] = "1.5" }));
    }

    [Fact]
    public void LabelSelector_Requirements_AreAnded()
    {
        Assert.True(LabelSelector.Parse("app=web,tier in (frontend),!canary,replicas>1").Matches(Web));
        Assert.False(LabelSelector.Parse("app=web,tier in (backend)").Matches(Web));
        Assert.False(LabelSelector.Parse("app=web,!tier").Matches(Web));
    }

    [Fact]
    public void LabelSelector_Everything_MatchesAll_Nothing_MatchesNone()
    {
        var none = new Dictionary<string, string>();

        Assert.True(LabelSelector.Everything.Matches(Web));
        Assert.True(LabelSelector.Everything.Matches(none));
        Assert.False(LabelSelector.Nothing.Matches(Web));
        Assert.False(LabelSelector.Nothing.Matches(none));
        Assert.True(LabelSelector.Everything.IsEverything);
        Assert.False(LabelSelector.Nothing.IsEverything);
        Assert.True(LabelSelector.Nothing.IsNothing);
    }

    [Fact]
    public void LabelSelector_FromSet_MatchesExactly()
    {
        var selector = LabelSelector.FromSet(new Dictionary<string, string> { ["tier"] = "frontend", ["app"] = "web" });

        Assert.Equal("app=web,tier=frontend", selector.ToString());
        Assert.True(selector.Matches(Web));
        Assert.False(selector.Matches(new Dictionary<string, string> { ["app"] = "web" }));
        Assert.Same(LabelSelector.Everything, LabelSelector.FromSet(new Dictionary<string, string>()));
    }

    [Fact]
    public void LabelRequirement_Create_Validates()
    {
        var ok = LabelRequirement.Create("app", SelectorOperator.In, ["b", "a"]);
        Assert.Equal("app in (a,b)", ok.ToString());

        var e = Assert.Throws<SelectorException>(() => LabelRequirement.Create("app", SelectorOperator.In, []));
        Assert.Equal("values: Invalid value: []: for 'in', 'notin' operators, values set can't be empty", e.Message);

        e = Assert.Throws<SelectorException>(() => LabelRequirement.Create("app", SelectorOperator.Exists, ["x"]));
        Assert.Equal("values: Invalid value: [\"x\"]: values set must be empty for exists and does not exist", e.Message);

        e = Assert.Throws<SelectorException>(() => LabelRequirement.Create("app", SelectorOperator.Equals, ["a", "b"]));
        Assert.Equal("values: Invalid value: [\"a\",\"b\"]: exact-match compatibility requires one single value", e.Message);
    }

    [Fact]
    public void LabelRequirement_Equality_ComparesValues()
    {
        Assert.Equal(
            new LabelRequirement("a", SelectorOperator.In, ["x", "y"]),
            new LabelRequirement("a", SelectorOperator.In, new List<string> { "x", "y" }));
        Assert.NotEqual(
            new LabelRequirement("a", SelectorOperator.In, ["x", "y"]),
            new LabelRequirement("a", SelectorOperator.In, ["x"]));
    }
}
