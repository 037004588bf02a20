using System.Text.Json.Nodes;
using Podnet.Kube.Api;
using Podnet.Kube.Controllers;
using Podnet.Kube.Views;

namespace Podnet.Tests.Kube.Controllers;

/// <summary>
/// Where a DaemonSet's pods go, read from a template whose affinity arrives untyped: a part of another shape is absent,
/// not a crash of every write that reaches the DaemonSet controller (the served-API fuzzer's 500 on a node create).
/// </summary>
public class DaemonSetPlacementTests
{
    private static NodeView Node(string name) => new(KubeObject.Parse("""{"apiVersion":"v1","kind":"Node","metadata":{"name":"NAME","labels":{"zone":"a"}}}""".Replace("NAME", name, StringComparison.Ordinal)));

    [Theory]
    [InlineData("""{"spec":{"affinity":{"nodeAffinity":5}}}""")]
    [InlineData("""{"spec":{"affinity":{"nodeAffinity":{"requiredDuringSchedulingIgnoredDuringExecution":[1]}}}}""")]
    [InlineData("""{"spec":{"affinity":"anywhere"}}""")]
    [InlineData("""{"spec":7}""")]
    public void MalformedAffinity_IsAbsent_ThePodFitsAnyNode(string template)
        => Assert.True(DaemonSetPlacement.Of(JsonNode.Parse(template)).Fits(Node("n1")));

    [Fact]
    public void RequiredNodeAffinity_StillDecides()
    {
        var placement = DaemonSetPlacement.Of(JsonNode.Parse("""
            {"spec":{"affinity":{"nodeAffinity":{"requiredDuringSchedulingIgnoredDuringExecution":{"nodeSelectorTerms":[
              {"matchExpressions":[{"key":"zone","operator":"In","values":["b"]}]}]}}}}}
            """));

        Assert.False(placement.Fits(Node("n1")));
    }
}
