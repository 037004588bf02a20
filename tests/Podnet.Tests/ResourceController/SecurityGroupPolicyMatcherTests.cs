using System.Text.Json.Nodes;
using Podnet.Kube.Api;
using static Podnet.Tests.ResourceController.SgpHarness;

namespace Podnet.Tests.ResourceController;

public sealed class SecurityGroupPolicyMatcherTests
{
    private static KubeObject Pod(JsonObject? labels = null, string ns = "default", string? serviceAccount = null)
        => KubeObject.From(PodJson("p", labels, ns, serviceAccount));

    [Fact]
    public void Matcher_PodLabelsMatch_ReturnsPolicyGroupsInOrder()
    {
        var h = new SgpHarness();
        h.CreatePolicy("web", Labels(("role", "web")), "sg-2", "sg-1");

        var match = h.Matcher.Match(Pod(Labels(("role", "web"), ("tier", "front"))));

        Assert.Null(match.Error);
        Assert.Equal(["sg-2", "sg-1"], match.GroupIds);
    }

    [Fact]
    public void Matcher_DuplicateGroupsAcrossPolicies_UnionKeepsFirstOccurrenceInStoreOrder()
    {
        var h = new SgpHarness();
        // Store order is by name: a-first, b-second, c-third.
        h.CreatePolicy("c-third", Labels(("app", "x")), "sg-d", "sg-a");
        h.CreatePolicy("a-first", Labels(("app", "x")), "sg-a", "sg-b");
        h.CreatePolicy("b-second", Labels(("app", "x")), "sg-b", "sg-c", "sg-b");

        var match = h.Matcher.Match(Pod(Labels(("app", "x"))));

        Assert.Equal(["sg-a", "sg-b", "sg-c", "sg-d"], match.GroupIds);
    }

    [Fact]
    public void Matcher_PolicyWithEmptyGroupIds_IsIgnored()
    {
        var h = new SgpHarness();
        h.CreatePolicy("a-empty", Labels(("app", "x")));
        h.CreatePolicy("b-full", Labels(("app", "x")), "sg-1");

        Assert.Equal(["sg-1"], h.Matcher.Match(Pod(Labels(("app", "x")))).GroupIds);
    }

    [Fact]
    public void Matcher_PolicyWithOnlyEmptyGroupIds_MatchesNothing()
    {
        var h = new SgpHarness();
        h.CreatePolicy("empty", new JsonObject(), null, []);

        var match = h.Matcher.Match(Pod(Labels(("app", "x"))));

        Assert.Null(match.Error);
        Assert.Empty(match.GroupIds);
    }

    [Fact]
    public void Matcher_PolicyWithNeitherSelector_IsIgnored()
    {
        var h = new SgpHarness();
        h.CreatePolicy("no-selectors", null, null, ["sg-1"]);

        Assert.Empty(h.Matcher.Match(Pod(Labels(("app", "x")))).GroupIds);
    }

    [Fact]
    public void Matcher_PolicyInAnotherNamespace_DoesNotMatch()
    {
        var h = new SgpHarness();
        h.CreatePolicy("elsewhere", new JsonObject(), null, ["sg-other"], ns: "other");
        h.CreatePolicy("here", new JsonObject(), null, ["sg-default"]);

        Assert.Equal(["sg-default"], h.Matcher.Match(Pod(Labels(("app", "x")))).GroupIds);
        Assert.Equal(["sg-other"], h.Matcher.Match(Pod(Labels(("app", "x")), ns: "other")).GroupIds);
    }

    [Fact]
    public void Matcher_EmptyPodSelector_MatchesEveryPodOfTheNamespace()
    {
        var h = new SgpHarness();
        h.CreatePolicy("all", new JsonObject(), null, ["sg-all"]);

        Assert.Equal(["sg-all"], h.Matcher.Match(Pod(Labels(("app", "x")))).GroupIds);
        Assert.Equal(["sg-all"], h.Matcher.Match(Pod()).GroupIds);
    }

    [Fact]
    public void Matcher_ServiceAccountSelectorOnly_MatchesThroughServiceAccountLabels()
    {
        var h = new SgpHarness();
        h.CreateServiceAccount("payments", labels: Labels(("team", "pay")));
        h.CreatePolicy("by-sa", null, new JsonObject { ["matchLabels"] = Labels(("team", "pay")) }, ["sg-pay"]);

        Assert.Equal(["sg-pay"], h.Matcher.Match(Pod(Labels(("team", "pay")), serviceAccount: "payments")).GroupIds);
        // The pod's own labels do not count for the ServiceAccount selector.
        Assert.Empty(h.Matcher.Match(Pod(Labels(("team", "pay")))).GroupIds);
    }

    [Fact]
    public void Matcher_BothSelectors_MustBothMatch()
    {
        var h = new SgpHarness();
        h.CreateServiceAccount("payments", labels: Labels(("team", "pay")));
        h.CreatePolicy("both", new JsonObject { ["matchLabels"] = Labels(("app", "api")) }, new JsonObject { ["matchLabels"] = Labels(("team", "pay")) }, ["sg-both"]);

        Assert.Equal(["sg-both"], h.Matcher.Match(Pod(Labels(("app", "api")), serviceAccount: "payments")).GroupIds);
        Assert.Empty(h.Matcher.Match(Pod(Labels(("app", "web")), serviceAccount: "payments")).GroupIds);
        Assert.Empty(h.Matcher.Match(Pod(Labels(("app", "api")))).GroupIds);
    }

    [Fact]
    public void Matcher_MatchLabelsAndMatchExpressions_PodMatchingOnlyOne_DoesNotMatch()
    {
        var h = new SgpHarness();
        var selector = new JsonObject
        {
            ["matchLabels"] = Labels(("role", "db")),
            ["matchExpressions"] = new JsonArray(new JsonObject { ["key"] = "env", ["operator"] = "In", ["values"] = new JsonArray("prod", "staging") }),
        };
        h.CreatePolicy("db", selector, null, ["sg-db"]);

        Assert.Equal(["sg-db"], h.Matcher.Match(Pod(Labels(("role", "db"), ("env", "prod")))).GroupIds);
        Assert.Empty(h.Matcher.Match(Pod(Labels(("role", "db"), ("env", "dev")))).GroupIds);
        Assert.Empty(h.Matcher.Match(Pod(Labels(("role", "web"), ("env", "prod")))).GroupIds);
    }

    [Fact]
    public void Matcher_SelectorThatDoesNotParse_DoesNotMatch()
    {
        var h = new SgpHarness();
        var bad = new JsonObject { ["matchExpressions"] = new JsonArray(new JsonObject { ["key"] = "app", ["operator"] = "Equals", ["values"] = new JsonArray("x") }) };
        h.CreatePolicy("a-bad", bad, null, ["sg-bad"]);
        h.CreatePolicy("b-bad-sa", new JsonObject(), new JsonObject { ["matchLabels"] = Labels(("bad key!", "x")) }, ["sg-bad-sa"]);
        h.CreatePolicy("c-good", Labels(("app", "x")), "sg-good");

        var match = h.Matcher.Match(Pod(Labels(("app", "x"))));

        Assert.Null(match.Error);
        Assert.Equal(["sg-good"], match.GroupIds);
    }

    [Fact]
    public void Matcher_MissingServiceAccount_ReturnsError()
    {
        var h = new SgpHarness();
        h.CreatePolicy("all", new JsonObject(), null, ["sg-all"]);

        var match = h.Matcher.Match(Pod(Labels(("app", "x")), serviceAccount: "ghost"));

        Assert.True(match.Failed);
        Assert.Equal("serviceaccount \"ghost\" not found", match.Error);
        Assert.Empty(match.GroupIds);
    }

    [Fact]
    public void Matcher_NoServiceAccountName_LooksUpDefault()
    {
        var h = new SgpHarness();
        h.Store.Delete(h.Store.Resources.For("v1", "ServiceAccount"), "other", "default");

        Assert.Equal("serviceaccount \"default\" not found", h.Matcher.Match(Pod(ns: "other")).Error);
        Assert.Null(h.Matcher.Match(Pod()).Error);
    }

    [Fact]
    public void Matcher_NoPolicies_MatchesNothingWithoutError()
    {
        var h = new SgpHarness();

        var match = h.Matcher.Match(Pod(Labels(("app", "x"))));

        Assert.False(match.Failed);
        Assert.Empty(match.GroupIds);
    }
}
