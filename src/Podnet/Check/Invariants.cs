using System.Globalization;
using Podnet.Aws.Ec2;
using Podnet.Kube.Api;
using Podnet.Kube.Views;
using Podnet.ResourceController;

namespace Podnet.Check;

/// <summary>
/// What must hold in a world at any moment, whatever EC2 did to its controllers (issue 15): no two pods and no two
/// network interfaces share an address; no VLAN is used twice on a trunk; every branch interface belongs to a live
/// pod, waits in its trunk's delete queue (the cooldown) or is left to the garbage collector; every other interface
/// the controllers made is attached or left to the garbage collector; a node's <c>vpc.amazonaws.com/pod-eni</c>
/// capacity is its trunk's branch limit and holds the trunk's branches; no interface outlives its cluster but the
/// available ones EKS leaves behind (seed 000's leak); and every pod that can run is Running. Checked on
/// <see cref="InvariantFacts"/>: a world's, read directly (no EC2 calls, so no faults and no throttling), or a live
/// cluster's, read through its APIs (<c>podnet check --kubeconfig</c>); changes nothing.
/// </summary>
public static class Invariants
{
    /// <summary>The violations of <paramref name="world"/> now, in a stable order; empty when every invariant holds.</summary>
    public static IReadOnlyList<Violation> Check(World.World world) => Check(FactsOf(world));

    /// <summary>
    /// What the invariants read of <paramref name="world"/>: its pods and nodes, EC2's interfaces and associations read
    /// directly (an analysis, not a controller's call: no IAM, throttling or fault, and nothing changes), and the VPC
    /// resource controller's trunks, delete queues and interfaces left to the garbage collector.
    /// </summary>
    public static InvariantFacts FactsOf(World.World world)
    {
        ArgumentNullException.ThrowIfNull(world);
        var store = world.ControlPlane.Store;
        var cloud = world.Cloud;
        var controller = world.ResourceController;
        return new InvariantFacts(
            world.Cluster?.Name,
            cloud is not null && world.Cluster is { } cluster && !cloud.Eks.ListClusters().Contains(cluster.Name),
            store.List("v1", "Pod").Items,
            store.List("v1", "Node").Items,
            cloud?.Ec2View.DescribeNetworkInterfaces(DescribeRequest.All),
            cloud?.Ec2View.DescribeTrunkInterfaceAssociations(DescribeRequest.All) ?? [],
            controller?.Trunks.Values.Select(t => new NodeTrunk(t.NodeName, t.TrunkId, t.BranchLimit)).ToList(),
            controller?.Trunks.Values.SelectMany(t => t.DeleteQueue).Select(q => q.Branch.EniId).ToHashSet(StringComparer.Ordinal) ?? [],
            controller?.LeftBehind.ToHashSet(StringComparer.Ordinal) ?? []);
    }

    /// <summary>The violations of <paramref name="facts"/>, in a stable order; empty when every invariant holds.</summary>
    public static IReadOnlyList<Violation> Check(InvariantFacts facts)
    {
        ArgumentNullException.ThrowIfNull(facts);
        var violations = new List<Violation>();
        var pods = facts.Pods.Select(p => PodView.Of(p)).ToList();
        var live = pods.Where(p => !p.IsFinished && !p.IsTerminating).ToList();
        if (!facts.ClusterGone)
        {
            PodAddresses(live, violations);
            PodsRunning(live, violations);
        }

        if (facts.Interfaces is { } interfaces)
        {
            InterfaceAddresses(interfaces, violations);
            Vlans(facts.Associations, live, violations);
            if (facts.ClusterGone)
            {
                OutlivesCluster(facts.ClusterName!, interfaces, violations);
            }
            else if (facts.Trunks is { } trunks && facts.ClusterName is { } cluster)
            {
                Interfaces(cluster, facts.Cooling, facts.LeftBehind, interfaces, pods, violations);
                Capacity(trunks, facts.Nodes, facts.Associations, live, violations);
            }
        }

        return violations;
    }

    /// <summary>Two pods (not on the host's network) with the same address.</summary>
    private static void PodAddresses(List<PodView> live, List<Violation> violations)
    {
        foreach (var group in live.Where(p => !p.HostNetwork && p.PodIP is not null).GroupBy(p => p.PodIP!, StringComparer.Ordinal).Where(g => g.Count() > 1).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            violations.Add(new("duplicate-address", $"{group.Key}: pods {string.Join(", ", group.Select(Name).Order(StringComparer.Ordinal))}"));
        }
    }

    /// <summary>Two network interfaces holding the same private address.</summary>
    private static void InterfaceAddresses(IReadOnlyList<NetworkInterface> interfaces, List<Violation> violations)
    {
        var holders = interfaces
            .SelectMany(e => e.PrivateIpAddresses.Select(a => (a.PrivateIpAddress, e.NetworkInterfaceId)))
            .GroupBy(h => h.PrivateIpAddress, StringComparer.Ordinal)
            .Where(g => g.Select(h => h.NetworkInterfaceId).Distinct(StringComparer.Ordinal).Count() > 1)
            .OrderBy(g => g.Key, StringComparer.Ordinal);
        foreach (var group in holders)
        {
            violations.Add(new("duplicate-address", $"{group.Key}: network interfaces {string.Join(", ", group.Select(h => h.NetworkInterfaceId).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))}"));
        }
    }

    /// <summary>A VLAN associated twice on one trunk (EC2's associations), or written into two live pods' annotations on one node.</summary>
    private static void Vlans(IReadOnlyList<TrunkInterfaceAssociation> associations, List<PodView> live, List<Violation> violations)
    {
        foreach (var group in associations.GroupBy(a => (a.TrunkInterfaceId, a.VlanId)).Where(g => g.Count() > 1).OrderBy(g => g.Key.TrunkInterfaceId, StringComparer.Ordinal).ThenBy(g => g.Key.VlanId))
        {
            violations.Add(new("duplicate-vlan", $"trunk {group.Key.TrunkInterfaceId} VLAN {group.Key.VlanId.ToString(CultureInfo.InvariantCulture)}: branches {string.Join(", ", group.Select(a => a.BranchInterfaceId).Order(StringComparer.Ordinal))}"));
        }

        var annotated = live
            .Where(p => p.NodeName is not null && p.Object.Annotations.ContainsKey(VpcResourceController.PodEniAnnotation))
            .SelectMany(p => BranchEni.Parse(p.Object.Annotations[VpcResourceController.PodEniAnnotation]).Select(b => (Node: p.NodeName!, b.VlanId, Pod: Name(p))));
        foreach (var group in annotated.GroupBy(a => (a.Node, a.VlanId)).Where(g => g.Select(a => a.Pod).Distinct(StringComparer.Ordinal).Count() > 1).OrderBy(g => g.Key.Node, StringComparer.Ordinal).ThenBy(g => g.Key.VlanId))
        {
            violations.Add(new("duplicate-vlan", $"node {group.Key.Node} VLAN {group.Key.VlanId.ToString(CultureInfo.InvariantCulture)}: pods {string.Join(", ", group.Select(a => a.Pod).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))}"));
        }
    }

    /// <summary>
    /// A branch interface that no pod's annotation names, no trunk's delete queue holds and the garbage collector does
    /// not have; another interface the controllers made (owner tag, or ipamd's <c>aws-K8S-</c> description) that is
    /// not attached; a live pod's annotation that names an interface EC2 does not have.
    /// </summary>
    private static void Interfaces(string cluster, IReadOnlySet<string>? cooling, IReadOnlySet<string> leftBehind, IReadOnlyList<NetworkInterface> interfaces, List<PodView> pods, List<Violation> violations)
    {
        var owners = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pod in pods.Where(p => p.Object.Annotations.ContainsKey(VpcResourceController.PodEniAnnotation)))
        {
            foreach (var branch in BranchEni.Parse(pod.Object.Annotations[VpcResourceController.PodEniAnnotation]))
            {
                owners[branch.EniId] = Name(pod);
            }
        }

        foreach (var eni in interfaces.OrderBy(e => e.NetworkInterfaceId, StringComparer.Ordinal))
        {
            if (!IsOfCluster(eni, cluster) || leftBehind.Contains(eni.NetworkInterfaceId))
            {
                continue;
            }

            if (eni.InterfaceType == NetworkInterfaceTypes.Branch)
            {
                if (!owners.ContainsKey(eni.NetworkInterfaceId) && cooling?.Contains(eni.NetworkInterfaceId) != true)
                {
                    // A live cluster's controller keeps its delete queue in memory: a branch in its cooldown (30 s
                    // after its pod went) cannot be told from a leaked one, and the line says so.
                    violations.Add(new("leaked-interface", $"{eni.NetworkInterfaceId} (branch, {eni.PrivateIpAddress}): no pod's {VpcResourceController.PodEniAnnotation} annotation names it, and it is in no trunk's delete queue" + (cooling is null ? " (unless in its cooldown: a live cluster's delete queue is not visible)" : string.Empty)));
                }
            }
            else if (eni.Attachment is null)
            {
                violations.Add(new("leaked-interface", $"{eni.NetworkInterfaceId} ({eni.InterfaceType}, {eni.Description}): available, attached to no instance"));
            }
        }

        var existing = interfaces.Select(e => e.NetworkInterfaceId).ToHashSet(StringComparer.Ordinal);
        foreach (var (eniId, pod) in owners.Where(o => !existing.Contains(o.Key)).OrderBy(o => o.Key, StringComparer.Ordinal))
        {
            if (pods.First(p => Name(p) == pod) is { IsFinished: false, IsTerminating: false })
            {
                violations.Add(new("missing-interface", $"{pod}: its {VpcResourceController.PodEniAnnotation} annotation names {eniId}, which EC2 does not have"));
            }
        }
    }

    /// <summary>A managed node's capacity differs from its trunk's branch limit, or its trunk holds more branches than that.</summary>
    private static void Capacity(IReadOnlyList<NodeTrunk> trunks, IReadOnlyList<KubeObject> nodes, IReadOnlyList<TrunkInterfaceAssociation> associations, List<PodView> live, List<Violation> violations)
    {
        var byName = nodes.ToDictionary(n => n.Name, StringComparer.Ordinal);
        foreach (var trunk in trunks.OrderBy(t => t.NodeName, StringComparer.Ordinal))
        {
            if (!byName.TryGetValue(trunk.NodeName, out var node))
            {
                continue;
            }

            var nodeName = trunk.NodeName;
            var limit = trunk.BranchLimit.ToString(CultureInfo.InvariantCulture);
            var capacity = new NodeView(node).Capacity.TryGetValue(ResourceControllerNames.PodEni, out var c) ? c.ToString(CultureInfo.InvariantCulture) : "none";
            if (capacity != limit)
            {
                violations.Add(new("pod-eni-capacity", $"node {nodeName}: {ResourceControllerNames.PodEni} capacity {capacity}, its trunk {trunk.TrunkId} takes {limit} branches"));
            }

            var onTrunk = associations.Count(a => a.TrunkInterfaceId == trunk.TrunkId);
            var inPods = live.Where(p => p.NodeName == nodeName).Sum(VpcResourceController.PodEniCount);
            if (onTrunk > trunk.BranchLimit || inPods > trunk.BranchLimit)
            {
                violations.Add(new("pod-eni-capacity", $"node {nodeName}: {onTrunk.ToString(CultureInfo.InvariantCulture)} branches associated with trunk {trunk.TrunkId} and {inPods.ToString(CultureInfo.InvariantCulture)} requested by its pods, over its capacity of {limit}"));
            }
        }
    }

    /// <summary>After the cluster is deleted: an interface of it that is not one of the available ones EKS leaves behind.</summary>
    private static void OutlivesCluster(string cluster, IReadOnlyList<NetworkInterface> interfaces, List<Violation> violations)
    {
        foreach (var eni in interfaces.Where(e => IsOfCluster(e, cluster)).OrderBy(e => e.NetworkInterfaceId, StringComparer.Ordinal))
        {
            var eksLeavesIt = eni.Status == "available" && eni.TagSet.Any(t => t.Key == "eks:eni:owner" && LeakedInterfaces.Owners.Contains(t.Value));
            if (!eksLeavesIt)
            {
                violations.Add(new("outlives-cluster", $"{eni.NetworkInterfaceId} ({eni.InterfaceType}, {eni.Status}, {eni.Description}): cluster {cluster} is deleted"));
            }
        }
    }

    /// <summary>A pod bound to a node, or not found unschedulable, that is neither Running nor finished.</summary>
    private static void PodsRunning(List<PodView> live, List<Violation> violations)
    {
        foreach (var pod in live.Where(p => p.Phase != "Running").OrderBy(Name, StringComparer.Ordinal))
        {
            if (pod.UnschedulableSince is not null)
            {
                // The scheduler found no node for it: it cannot run in this cluster as it is.
                continue;
            }

            var where = pod.NodeName is { } node ? $"on node {node}" : "not scheduled";
            violations.Add(new("pod-not-running", $"{Name(pod)}: {pod.Phase}, {where}"));
        }
    }

    /// <summary>Whether an interface is the cluster's: its owner's cluster tags (the controller's <c>kubernetes.io/cluster/NAME</c>, ipamd's <c>cluster.k8s.amazonaws.com/name</c>).</summary>
    private static bool IsOfCluster(NetworkInterface eni, string cluster)
        => eni.TagSet.Any(t => (t.Key == $"kubernetes.io/cluster/{cluster}" && t.Value == "owned") || (t.Key == "cluster.k8s.amazonaws.com/name" && t.Value == cluster));

    private static string Name(PodView pod) => $"{pod.Namespace}/{pod.Name}";
}
