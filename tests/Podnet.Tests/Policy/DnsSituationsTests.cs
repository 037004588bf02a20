using Podnet.Kube.Views;
using Podnet.Policy;
using Podnet.Tests.TestSupport;

namespace Podnet.Tests.Policy;

/// <summary>
/// <see cref="Reachability.DnsSituations"/>: pods that the DNS step cannot tell apart share a group, so lint asks one
/// of them; the node, the resolv.conf and (where a NetworkPolicy is enforced) the pod's labels set groups apart.
/// </summary>
public class DnsSituationsTests
{
    private const string SgExample = "security-groups-for-pods";

    /// <summary>A pod with the policy's groups pinned to the node that holds two replicas, asking only 169.254.20.10.</summary>
    private const string CachePod = """
        apiVersion: v1
        kind: Pod
        metadata:
          name: client
          namespace: my-namespace
          labels: {role: my-role}
        spec:
          nodeSelector: {kubernetes.io/hostname: ip-192-168-96-4.us-west-2.compute.internal}
          dnsPolicy: None
          dnsConfig: {nameservers: [169.254.20.10]}
          containers:
          - {name: curl, image: public.ecr.aws/docker/library/busybox:1.36}
        """;

    [Fact]
    public void DnsSituations_ReplicasOnOneNode_ShareAGroup_OtherNodesAndResolversDoNot()
    {
        var world = ExampleWorlds.Load(SgExample, null, CachePod);
        var pods = world.ControlPlane.Store.List("v1", "Pod", "my-namespace").Items.Select(p => PodView.Of(p)).OrderBy(p => p.Name, StringComparer.Ordinal).ToList();
        var replicas = pods.Where(p => p.Name.StartsWith("my-deployment-", StringComparison.Ordinal)).ToList();
        var client = Assert.Single(pods, p => p.Name == "client");

        var groups = new Reachability(world).DnsSituations(pods);

        // One group per node for the replicas (no NetworkPolicy here: their names and pod-template labels do not count),
        // and the pod with its own resolv.conf alone, though it shares a node with two of them.
        var replicaNodes = replicas.Select(p => p.NodeName).Distinct().Count();
        Assert.InRange(replicaNodes, 2, replicas.Count - 1);
        Assert.Equal(replicaNodes + 1, groups.Count);
        Assert.Equal(pods.Count, groups.Sum(g => g.Count));
        Assert.All(groups, g => Assert.Single(g.Select(p => p.NodeName).Distinct()));
        Assert.Contains(groups, g => g.Count > 1);
        Assert.Contains(groups, g => g.Count == 1 && g[0] == client);
        Assert.Equal(replicas.Any(r => r.NodeName == client.NodeName) ? 2 : 1, groups.Count(g => g[0].NodeName == client.NodeName));
        Assert.Same(pods[0], groups[0][0]);
    }

    [Fact]
    public void DnsSituations_WithAnEnforcedPolicy_PodsOfOtherLabelsOnOneNodeAreApart()
    {
        const string other = """
            apiVersion: v1
            kind: Pod
            metadata:
              name: other
              namespace: my-namespace
              labels: {role: my-role, tier: other}
            spec:
              nodeSelector: {kubernetes.io/hostname: ip-192-168-96-4.us-west-2.compute.internal}
              containers:
              - {name: nginx, image: public.ecr.aws/nginx/nginx:1.23}
            ---
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: deny-all, namespace: default}
            spec: {podSelector: {}}
            """;
        static string Enforced(string text) => text.Replace("    env:\n      ENABLE_POD_ENI", "    enableNetworkPolicy: \"true\"\n    env:\n      ENABLE_POD_ENI", StringComparison.Ordinal);
        PodView[] Pods(Podnet.World.World world) =>
            [.. world.ControlPlane.Store.List("v1", "Pod", "my-namespace").Items.Select(p => PodView.Of(p)).Where(p => p.NodeName == "ip-192-168-96-4.us-west-2.compute.internal")];

        var unenforced = ExampleWorlds.Load(SgExample, null, other);
        var together = Pods(unenforced);
        Assert.True(together.Length > 1);
        Assert.Single(new Reachability(unenforced).DnsSituations(together));

        var enforced = ExampleWorlds.Load(SgExample, Enforced, other);
        var apart = new Reachability(enforced).DnsSituations(Pods(enforced));
        Assert.Equal(2, apart.Count);
        Assert.Contains(apart, g => g is [{ Name: "other" }]);
    }
}
