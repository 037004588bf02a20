using System.Globalization;
using System.Text.Json.Nodes;
using Podnet.Aws.Ec2;
using Podnet.Aws.Eks;
using Podnet.Aws.InstanceTypes;
using Podnet.Kube.Api;

namespace Podnet.Kube.Nodes;

/// <summary>
/// The Node object a kubelet on an EKS AMI registers for an EC2 instance: named after the private DNS name, with
/// the labels EKS and the cloud provider put on it, its addresses, and capacity and allocatable as the AMI's
/// bootstrap computes them (max pods from the VPC CNI's table, kube-reserved cpu and memory), and what its AMI says of
/// the machine: OS image, kernel, architecture (<see cref="EksOptimizedAmi"/>) and container runtime
/// (<see cref="ContainerRuntime"/>), which follow the AMI type and the Kubernetes version. On one of EKS's
/// Windows AMIs the node is a Windows node: <c>kubernetes.io/os=windows</c>, its build in
/// <c>node.kubernetes.io/windows-build</c>, and max pods the IPv4 addresses of one interface less the primary one.
/// </summary>
public static class NodeRegistration
{
    /// <summary>
    /// The Node the kubelet of <paramref name="instance"/> registers. <paramref name="nodegroupLabels"/> and
    /// <paramref name="taints"/> are the managed node group's <c>labels</c> and <c>taints</c>, which EKS's bootstrap
    /// hands the kubelet as <c>--node-labels</c> and <c>--register-with-taints</c>.
    /// </summary>
    /// <param name="instance">The EC2 instance: its private DNS name names the node.</param>
    /// <param name="type">Its instance type (capacity, allocatable, max pods from the table).</param>
    /// <param name="kubernetesVersion">The cluster's version, e.g. 1.31 (the kubelet reports <see cref="EksKubernetesBuilds.KubeletVersion"/>, v1.31.7-eks-473151a).</param>
    /// <param name="nodegroup">The managed node group, or null for a node outside one.</param>
    /// <param name="zoneId">The zone's ID (usw2-az1), for <c>topology.k8s.aws/zone-id</c>.</param>
    /// <param name="maxPodsOverride">The kubelet's <c>--max-pods</c> when set; else the table's value.</param>
    /// <param name="nodegroupLabels">The node group's labels; null for none.</param>
    /// <param name="taints">The node group's taints; null for none.</param>
    /// <param name="now">When the kubelet registers: its conditions' heartbeat and transition times (none when null).</param>
    /// <param name="amiType">The node group's AMI type (<see cref="AmiTypes"/>): its OS image, kernel, architecture and
    /// container runtime (<see cref="EksOptimizedAmi"/>, <see cref="ContainerRuntime"/>); null for a node outside a node
    /// group, which runs the AMI a node group of <paramref name="kubernetesVersion"/> gets by default.</param>
    /// <param name="ipv6Address">The instance's IPv6 address on a node of an IPv6 cluster (its first InternalIP); null otherwise.</param>
    public static KubeObject NodeFor(Instance instance, InstanceTypeInfo type, string kubernetesVersion, string? nodegroup, string zoneId, int? maxPodsOverride = null,
        IReadOnlyDictionary<string, string>? nodegroupLabels = null, IReadOnlyList<NodegroupTaint>? taints = null, DateTimeOffset? now = null, string? amiType = null,
        string? ipv6Address = null)
    {
        var at = now is { } t ? KubeObject.FormatTimestamp(t) : null;
        JsonObject Condition(string type, string status, string reason, string message)
        {
            var condition = new JsonObject { ["type"] = type, ["status"] = status };
            if (at is not null)
            {
                condition["lastHeartbeatTime"] = at;
                condition["lastTransitionTime"] = at;
            }

            condition["reason"] = reason;
            condition["message"] = message;
            return condition;
        }

        ArgumentNullException.ThrowIfNull(instance);
        ArgumentNullException.ThrowIfNull(type);
        var zone = instance.Placement.AvailabilityZone;
        var region = zone[..^1];
        var windowsBuild = AmiTypes.WindowsBuild(amiType);
        var os = windowsBuild is null ? "linux" : "windows";
        var arch = EksOptimizedAmi.Architecture(amiType);
        var maxPods = maxPodsOverride ?? (windowsBuild is null ? type.MaxPods : WindowsMaxPods(type)) ?? 110;
        var cpu = (decimal)(type.DefaultVCpus ?? 2);
        var memoryBytes = (decimal)(type.MemoryMiB ?? 4096) * 1024 * 1024;
        var reservedCpu = ReservedCpu(cpu);
        var reservedMemory = ((11m * maxPods) + 255 + 100) * 1024 * 1024;

        // In the kubelet's order (kubelet_node_status.go, initialNode): its own labels, then --node-labels over them
        // ("the node label will overwrite default setting"), then what the cloud provider says of the instance
        // (instance type, zone, region), which no label of the node group can change. EKS's own node group labels
        // come with --node-labels too, and a node group cannot take them over.
        var set = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["beta.kubernetes.io/arch"] = arch,
            ["beta.kubernetes.io/os"] = os,
            ["kubernetes.io/arch"] = arch,
            ["kubernetes.io/hostname"] = instance.PrivateDnsName,
            ["kubernetes.io/os"] = os,
        };
        if (windowsBuild is not null)
        {
            // The kubelet's own label on Windows (kubelet_node_status.go, initialNode: LabelWindowsBuild).
            set["node.kubernetes.io/windows-build"] = windowsBuild;
        }

        foreach (var (key, value) in nodegroupLabels ?? new Dictionary<string, string>())
        {
            set[key] = value;
        }

        set["beta.kubernetes.io/instance-type"] = type.InstanceType;
        set["node.kubernetes.io/instance-type"] = type.InstanceType;
        set["failure-domain.beta.kubernetes.io/region"] = region;
        set["failure-domain.beta.kubernetes.io/zone"] = zone;
        set["topology.kubernetes.io/region"] = region;
        set["topology.kubernetes.io/zone"] = zone;
        set["topology.k8s.aws/zone-id"] = zoneId;
        set["eks.amazonaws.com/capacityType"] = "ON_DEMAND";
        if (nodegroup is not null)
        {
            set["eks.amazonaws.com/nodegroup"] = nodegroup;
            set["eks.amazonaws.com/nodegroup-image"] = instance.ImageId;
        }

        var labels = new JsonObject();
        foreach (var (key, value) in set)
        {
            labels[key] = value;
        }

        // --register-with-taints: the node group's taints, beside the not-ready taint the node starts with.
        var nodeTaints = new JsonArray(new JsonObject { ["key"] = Kubelet.NotReadyTaint, ["effect"] = "NoSchedule" });
        foreach (var taint in taints ?? [])
        {
            nodeTaints.Add(TaintOf(taint));
        }

        var resources = new Func<decimal, decimal, int, JsonObject>((cores, memory, pods) => new JsonObject
        {
            ["cpu"] = Quantity.FormatCpu(cores),
            ["ephemeral-storage"] = "20959212Ki",
            ["hugepages-1Gi"] = "0",
            ["hugepages-2Mi"] = "0",
            ["memory"] = Quantity.FormatKi(memory),
            ["pods"] = pods.ToString(CultureInfo.InvariantCulture),
        });

        return KubeObject.From(new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Node",
            ["metadata"] = new JsonObject
            {
                ["name"] = instance.PrivateDnsName,
                ["labels"] = labels,
                ["annotations"] = new JsonObject
                {
                    ["alpha.kubernetes.io/provided-node-ip"] = ipv6Address ?? instance.PrivateIpAddress,
                    ["node.alpha.kubernetes.io/ttl"] = "0",
                    ["volumes.kubernetes.io/controller-managed-attach-detach"] = "true",
                },
            },
            ["spec"] = new JsonObject
            {
                ["providerID"] = $"aws:///{zone}/{instance.InstanceId}",
                ["taints"] = nodeTaints,
            },
            ["status"] = new JsonObject
            {
                // On a node of an IPv6 cluster the kubelet's --node-ip is the instance's IPv6 address, and the node's
                // addresses put that family first (cloud-provider's GetNodeAddressesFromNodeIP): its InternalIP is
                // the IPv6 one, the IPv4 one follows.
                // An instance with a public IPv4 address has it as ExternalIP and its public name as ExternalDNS, in
                // the order cloud-provider-aws gives them (aws.go extractIPv4NodeAddresses): the private addresses,
                // the public one, the private name as InternalDNS and Hostname, the public name.
                ["addresses"] = new JsonArray([..
                    (ipv6Address is null ? Array.Empty<JsonNode>() : [new JsonObject { ["type"] = "InternalIP", ["address"] = ipv6Address }]),
                    new JsonObject { ["type"] = "InternalIP", ["address"] = instance.PrivateIpAddress },
                    .. (instance.PublicIpAddress is { } publicIp ? [new JsonObject { ["type"] = "ExternalIP", ["address"] = publicIp }] : Array.Empty<JsonNode>()),
                    new JsonObject { ["type"] = "InternalDNS", ["address"] = instance.PrivateDnsName },
                    new JsonObject { ["type"] = "Hostname", ["address"] = instance.PrivateDnsName },
                    .. (instance.PublicDnsName is { Length: > 0 } publicName ? [new JsonObject { ["type"] = "ExternalDNS", ["address"] = publicName }] : Array.Empty<JsonNode>())]),
                ["capacity"] = resources(cpu, memoryBytes, maxPods),
                ["allocatable"] = resources(cpu - reservedCpu, memoryBytes - reservedMemory, maxPods),
                ["conditions"] = new JsonArray(
                    Condition("MemoryPressure", "False", "KubeletHasSufficientMemory", "kubelet has sufficient memory available"),
                    Condition("DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
                    Condition("PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
                    Condition("Ready", "False", "KubeletNotReady", "container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not initialized")),
                ["daemonEndpoints"] = new JsonObject { ["kubeletEndpoint"] = new JsonObject { ["Port"] = 10250 } },
                ["nodeInfo"] = new JsonObject
                {
                    ["architecture"] = arch,
                    ["containerRuntimeVersion"] = ContainerRuntime.For(kubernetesVersion, amiType),
                    ["kernelVersion"] = EksOptimizedAmi.KernelVersion(amiType, kubernetesVersion),
                    ["kubeProxyVersion"] = EksKubernetesBuilds.KubeletVersion(kubernetesVersion),
                    ["kubeletVersion"] = EksKubernetesBuilds.KubeletVersion(kubernetesVersion),
                    ["operatingSystem"] = os,
                    ["osImage"] = EksOptimizedAmi.OsImage(amiType, kubernetesVersion),
                    ["machineID"] = instance.InstanceId.Replace("i-", "ec2", StringComparison.Ordinal),
                    ["systemUUID"] = instance.InstanceId.Replace("i-", "ec2", StringComparison.Ordinal),
                    ["bootID"] = instance.InstanceId,
                },
            },
        });
    }

    /// <summary>
    /// Max pods on a Windows node: the IPv4 addresses of one network interface less its primary one ("Windows nodes
    /// support one elastic network interface per node. The number of pods that you can run per Windows node is equal
    /// to the number of IP addresses available per elastic network interface for the node's instance type, minus
    /// one", EKS user guide, windows-support; the VPC resource controller's <c>getCapacity</c> for Windows in
    /// pkg/provider/ip/provider.go is the same number). Null when the type's limits are unknown.
    /// </summary>
    public static int? WindowsMaxPods(InstanceTypeInfo type)
    {
        ArgumentNullException.ThrowIfNull(type);
        return type.Ipv4AddressesPerInterface - 1;
    }

    /// <summary>The EKS AMI's kube-reserved cpu: 6% of the first core, 1% of the second, 0.5% of the next two, 0.25% above.</summary>
    public static decimal ReservedCpu(decimal cores)
    {
        var reserved = 0m;
        var steps = new (decimal Cores, decimal Fraction)[] { (1, 0.06m), (1, 0.01m), (2, 0.005m), (decimal.MaxValue, 0.0025m) };
        var left = cores;
        foreach (var (span, fraction) in steps)
        {
            var take = Math.Min(left, span);
            reserved += take * fraction;
            left -= take;
            if (left <= 0)
            {
                break;
            }
        }

        return reserved;
    }

    /// <summary>
    /// The node's Lease in <c>kube-node-lease</c>, which the kubelet takes when it registers and renews every 10 s
    /// (pkg/kubelet/nodelease, k8s.io/component-helpers/apimachinery/lease controller.go newLease): held by the node,
    /// 40 s long, owned by the Node. <c>kubectl describe node</c> shows it. Renewals are not modelled: the renew time
    /// is the registration's.
    /// </summary>
    /// <summary>A node group's taint as a Node's <c>spec.taints</c> entry: key, value when it has one, Kubernetes' effect.</summary>
    private static JsonObject TaintOf(NodegroupTaint taint)
    {
        var entry = new JsonObject { ["key"] = taint.Key };
        if (taint.Value is { Length: > 0 } value)
        {
            entry["value"] = value;
        }

        entry["effect"] = taint.KubernetesEffect;
        return entry;
    }

    /// <summary>
    /// <paramref name="node"/> with its node group's labels and taints changed from <paramref name="before"/> to
    /// <paramref name="after"/> (UpdateNodegroupConfig): labels the group dropped are taken off, its labels set; taints
    /// the group had are taken off (by key and effect) and its taints put on. Labels and taints the node got otherwise
    /// (kubectl label, the kubelet's, the resource controller's) stay.
    /// </summary>
    public static KubeObject WithNodegroupConfig(
        KubeObject node,
        (IReadOnlyDictionary<string, string> Labels, IReadOnlyList<NodegroupTaint> Taints) before,
        (IReadOnlyDictionary<string, string> Labels, IReadOnlyList<NodegroupTaint> Taints) after)
    {
        ArgumentNullException.ThrowIfNull(node);
        return node.With(json =>
        {
            var metadata = KubeObject.EnsureMetadata(json);
            var labels = metadata["labels"] as JsonObject ?? [];
            metadata["labels"] = labels;
            foreach (var key in before.Labels.Keys.Where(k => !after.Labels.ContainsKey(k)))
            {
                labels.Remove(key);
            }

            foreach (var (key, value) in after.Labels)
            {
                labels[key] = value;
            }

            var spec = json["spec"] as JsonObject ?? [];
            json["spec"] = spec;
            var kept = (spec["taints"] as JsonArray ?? []).OfType<JsonObject>()
                .Where(t => !before.Taints.Concat(after.Taints).Any(g => g.Key == t["key"]?.GetValue<string>() && g.KubernetesEffect == t["effect"]?.GetValue<string>()))
                .Select(t => (JsonNode)t.DeepClone());
            spec["taints"] = new JsonArray([.. kept, .. after.Taints.Select(t => (JsonNode)TaintOf(t))]);
        });
    }

    public static KubeObject LeaseFor(KubeObject node, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(node);
        var micro = now.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", System.Globalization.CultureInfo.InvariantCulture);
        return KubeObject.From(new JsonObject
        {
            ["apiVersion"] = "coordination.k8s.io/v1",
            ["kind"] = "Lease",
            ["metadata"] = new JsonObject
            {
                ["name"] = node.Name,
                ["namespace"] = "kube-node-lease",
                ["ownerReferences"] = new JsonArray(new JsonObject
                {
                    ["apiVersion"] = "v1",
                    ["kind"] = "Node",
                    ["name"] = node.Name,
                    ["uid"] = node.Uid,
                }),
            },
            ["spec"] = new JsonObject
            {
                ["holderIdentity"] = node.Name,
                ["leaseDurationSeconds"] = 40,
                ["renewTime"] = micro,
            },
        });
    }
}
