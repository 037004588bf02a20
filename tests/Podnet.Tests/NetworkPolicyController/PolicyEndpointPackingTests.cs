using System.Text.Json.Nodes;
using Podnet.Kube.Api;
using Podnet.NetworkPolicyController;

namespace Podnet.Tests.NetworkPolicyController;

/// <summary>
/// How a policy's endpoints spread over PolicyEndpoints (manager.go computePolicyEndpoints): chunks of at most
/// 200 per list, existing PolicyEndpoints refilled before new ones are made, emptied ones deleted, one always kept.
/// </summary>
public class PolicyEndpointPackingTests
{
    private static readonly KubeObject Policy = KubeObject.From(new JsonObject
    {
        ["apiVersion"] = "networking.k8s.io/v1",
        ["kind"] = "NetworkPolicy",
        ["metadata"] = new JsonObject { ["name"] = "big", ["namespace"] = "shop", ["uid"] = "0b5c2d0e-0000-4000-8000-000000000001" },
        ["spec"] = new JsonObject { ["podSelector"] = new JsonObject(), ["policyTypes"] = new JsonArray("Ingress") },
    });

    private static ResolvedEndpoints Pods(int count, int from = 0)
        => new([], [], [.. Enumerable.Range(from, count).Select(i => new PodEndpoint("10.0.0.1", $"10.1.{i / 250}.{i % 250}", $"p{i}", "shop"))]);

    /// <summary>The planned creations as stored objects, named in order.</summary>
    private static List<KubeObject> Stored(PolicyEndpointPlan plan)
        => [.. plan.Creates.Select((c, i) => KubeObject.From(c.DeepClone().AsObject()).WithMetadata("name", $"big-{i:D5}"))];

    private static int PodCount(JsonNode spec) => (spec["podSelectorEndpoints"] as JsonArray)?.Count ?? 0;

    [Fact]
    public void FourHundredFiftyPods_MakeThreePolicyEndpoints_OfTwoHundredTwoHundredFifty()
    {
        var plan = PolicyEndpointPacking.Plan(Policy, [], Pods(450), PolicyEndpointsController.EndpointChunkSize);

        Assert.Equal([200, 200, 50], plan.Creates.Select(c => PodCount(c["spec"]!)));
        Assert.All(plan.Creates, c => Assert.Equal("big-", c["metadata"]!["generateName"]!.GetValue<string>()));
        Assert.Empty(plan.Updates);
        Assert.Empty(plan.Deletes);
    }

    [Fact]
    public void NewPods_FillTheExistingPolicyEndpointsFirst_GonePods_LeaveThem()
    {
        var existing = Stored(PolicyEndpointPacking.Plan(Policy, [], Pods(450), 200));

        // Pods 0-99 gone, 450-549 new: each keeps what is still wanted (100, 200, 50) and the first takes the 100 new ones.
        var plan = PolicyEndpointPacking.Plan(Policy, existing, Pods(450, from: 100), 200);

        Assert.Empty(plan.Creates);
        Assert.Empty(plan.Deletes);
        Assert.Equal([200, 200, 50], plan.Updates.Select(u => PodCount(u.Spec)));
        Assert.Equal(existing.Select(e => e.Name), plan.Updates.Select(u => u.Existing.Name));
        var all = plan.Updates.SelectMany(u => ((JsonArray)u.Spec["podSelectorEndpoints"]!).Select(e => e!["name"]!.GetValue<string>())).ToList();
        Assert.Equal(450, all.Distinct().Count());
        Assert.DoesNotContain("p0", all);
        Assert.Contains("p549", all);
    }

    [Fact]
    public void NothingLeft_KeepsOnePolicyEndpoint_DeletesTheRest()
    {
        var existing = Stored(PolicyEndpointPacking.Plan(Policy, [], Pods(450), 200));

        var plan = PolicyEndpointPacking.Plan(Policy, existing, new ResolvedEndpoints([], [], []), 200);

        Assert.Empty(plan.Creates);
        var kept = Assert.Single(plan.Updates);
        Assert.Equal(0, PodCount(kept.Spec));
        Assert.Equal("""["Ingress"]""", kept.Spec["podIsolation"]!.ToJsonString());
        Assert.Equal(2, plan.Deletes.Count);
        Assert.DoesNotContain(kept.Existing.Name, plan.Deletes.Select(d => d.Name));
    }

    [Fact]
    public void SameAddress_InTwoRules_IsOneEntryWithBothPorts_EveryPortWins()
    {
        var resolved = new ResolvedEndpoints(
            [
                new EndpointInfo("10.1.0.1", [], [new PolicyEndpointPort("TCP", 80)]),
                new EndpointInfo("10.1.0.1", [], [new PolicyEndpointPort("TCP", 443)]),
                new EndpointInfo("10.1.0.2", [], [new PolicyEndpointPort("TCP", 80)]),
                new EndpointInfo("10.1.0.2", [], []),
            ],
            [],
            []);

        var spec = Assert.Single(PolicyEndpointPacking.Plan(Policy, [], resolved, 200).Creates)["spec"]!;

        Assert.Equal(
            """[{"cidr":"10.1.0.1","ports":[{"protocol":"TCP","port":80},{"protocol":"TCP","port":443}]},{"cidr":"10.1.0.2"}]""",
            spec["ingress"]!.ToJsonString());
    }
}
