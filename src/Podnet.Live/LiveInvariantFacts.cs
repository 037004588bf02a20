using System.Text.Json.Nodes;
using Podnet.Aws.Ec2;
using Podnet.Aws.InstanceTypes;
using Podnet.Check;
using Podnet.Kube.Api;
using Sdk = Amazon.EC2.Model;

namespace Podnet.Live;

/// <summary>
/// What <c>podnet check --kubeconfig</c> checks the invariants on (<see cref="Invariants.Check(InvariantFacts)"/>),
/// read from a live cluster, read-only: its pods and nodes from the Kubernetes API, and — when its nodes are EC2
/// instances (<c>spec.providerID</c> <c>aws:///ZONE/i-…</c>) — the network interfaces of their VPC, the trunk
/// interfaces attached to the nodes' instances and their branch associations from EC2 (the describe calls of
/// <see cref="Ec2Reader.Actions"/>). A live cluster is checked as it is, not settled; its VPC resource controller's
/// delete queue (the 30 s cooldown of a deleted pod's branch) lives in the controller's memory, so it cannot be read
/// (<see cref="InvariantFacts.Cooling"/> is null), nor what it left to EKS's garbage collector.
/// </summary>
public static class LiveInvariantFacts
{
    /// <summary>Reads the facts of the cluster of <paramref name="source"/>.</summary>
    /// <param name="source">The kubeconfig, context and region.</param>
    /// <param name="endpointUrl">EC2's endpoint, as the aws CLI's <c>--endpoint-url</c>; null for the SDK's resolution.</param>
    /// <param name="cancel">Stops the reading.</param>
    /// <exception cref="LiveClusterException">Either API could not be read.</exception>
    public static async Task<InvariantFacts> ReadAsync(LiveClusterSource source, string? endpointUrl = null, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        IReadOnlyList<JsonObject> objects;
        using (var kubernetes = KubernetesReader.Open(source))
        {
            objects = await kubernetes.ListAsync(cancel).ConfigureAwait(false);
        }

        var pods = objects.Where(o => o["kind"]?.GetValue<string>() == "Pod").Select(KubeObject.From).ToList();
        var nodeJson = objects.Where(o => o["kind"]?.GetValue<string>() == "Node").ToList();
        var nodes = nodeJson.Select(KubeObject.From).ToList();
        var nodeOfInstance = new Dictionary<string, KubeObject>(StringComparer.Ordinal);
        foreach (var (json, node) in nodeJson.Zip(nodes))
        {
            if (LiveSnapshot.InstanceId(json) is { } instanceId)
            {
                nodeOfInstance[instanceId] = node;
            }
        }

        if (nodeOfInstance.Count == 0)
        {
            // No node is an EC2 instance (kind, minikube): the pods alone are checked.
            return new InvariantFacts(null, false, pods, nodes, null, [], null, null, new HashSet<string>(StringComparer.Ordinal));
        }

        var region = source.Region ?? Environment.GetEnvironmentVariable("AWS_REGION") ?? Environment.GetEnvironmentVariable("AWS_DEFAULT_REGION")
                     ?? nodes.Select(n => n.Labels.GetValueOrDefault("topology.kubernetes.io/region")).FirstOrDefault(r => r is not null);
        using var ec2 = Ec2Reader.Open(region, endpointUrl);
        var inventory = await ec2.ReadForInstancesAsync([.. nodeOfInstance.Keys], cancel).ConfigureAwait(false);
        var interfaces = inventory.NetworkInterfaces.Select(Interface).ToList();
        var trunks = interfaces
            .Where(e => e.InterfaceType == NetworkInterfaceTypes.Trunk && e.Attachment is { } a && nodeOfInstance.ContainsKey(a.InstanceId))
            .Select(e => Trunk(e, nodeOfInstance[e.Attachment!.InstanceId], inventory.Instances))
            .ToList();
        var associations = (await ec2.ReadTrunkAssociationsAsync([.. trunks.Select(t => t.TrunkId)], cancel).ConfigureAwait(false))
            .Select(a => new TrunkInterfaceAssociation(a.AssociationId, a.BranchInterfaceId, a.TrunkInterfaceId, a.InterfaceProtocol?.Value ?? "VLAN", a.VlanId ?? 0, a.GreKey, [.. (a.Tags ?? []).Select(t => new Tag(t.Key, t.Value))]))
            .ToList();
        return new InvariantFacts(ClusterName(inventory.Instances, nodeOfInstance.Keys), false, pods, nodes, interfaces, associations, trunks, null, new HashSet<string>(StringComparer.Ordinal));
    }

    /// <summary>
    /// The EKS cluster the nodes belong to: their instances' <c>eks:cluster-name</c> tag (EKS managed node groups tag
    /// their instances with it), else the name in a <c>kubernetes.io/cluster/NAME</c> tag; null when none says.
    /// </summary>
    private static string? ClusterName(IReadOnlyList<Sdk.Instance> instances, IEnumerable<string> nodeInstances)
    {
        var ids = nodeInstances.ToHashSet(StringComparer.Ordinal);
        var tags = instances.Where(i => ids.Contains(i.InstanceId)).SelectMany(i => i.Tags ?? []).ToList();
        return tags.FirstOrDefault(t => t.Key == "eks:cluster-name")?.Value
               ?? tags.Select(t => t.Key).FirstOrDefault(k => k.StartsWith("kubernetes.io/cluster/", StringComparison.Ordinal))?["kubernetes.io/cluster/".Length..];
    }

    /// <summary>
    /// A node's trunk and the branches its instance type takes, from the instance types EC2 publishes (the node's
    /// <c>node.kubernetes.io/instance-type</c> label, as the VPC resource controller reads it, else the instance's type).
    /// </summary>
    private static NodeTrunk Trunk(NetworkInterface trunk, KubeObject node, IReadOnlyList<Sdk.Instance> instances)
    {
        var type = node.Labels.GetValueOrDefault("node.kubernetes.io/instance-type")
                   ?? instances.FirstOrDefault(i => i.InstanceId == trunk.Attachment!.InstanceId)?.InstanceType?.Value
                   ?? string.Empty;
        return new NodeTrunk(node.Name, trunk.NetworkInterfaceId, InstanceTypeCatalog.Default.Find(type)?.BranchInterfaces ?? 0);
    }

    /// <summary>An interface as the AWS SDK reads it, in Podnet's shape of DescribeNetworkInterfaces.</summary>
    private static NetworkInterface Interface(Sdk.NetworkInterface e)
        => new(
            e.NetworkInterfaceId,
            e.SubnetId ?? string.Empty,
            e.VpcId ?? string.Empty,
            e.AvailabilityZone ?? string.Empty,
            e.Description ?? string.Empty,
            e.OwnerId ?? string.Empty,
            e.RequesterManaged ?? false,
            e.Status?.Value ?? string.Empty,
            e.MacAddress ?? string.Empty,
            e.PrivateIpAddress ?? string.Empty,
            e.PrivateDnsName ?? string.Empty,
            e.SourceDestCheck ?? true,
            e.InterfaceType?.Value ?? NetworkInterfaceTypes.Interface,
            [.. (e.Groups ?? []).Select(g => new GroupIdentifier(g.GroupId, g.GroupName))],
            [.. (e.PrivateIpAddresses ?? []).Select(a => new NetworkInterfacePrivateIpAddress(a.PrivateIpAddress, a.PrivateDnsName ?? string.Empty, a.Primary ?? false))],
            [.. (e.Ipv4Prefixes ?? []).Select(p => new Ipv4PrefixSpecification(p.Ipv4Prefix))],
            [.. (e.Ipv6Addresses ?? []).Select(a => new NetworkInterfaceIpv6Address(a.Ipv6Address))],
            e.Attachment is { InstanceId: { } instanceId } a
                ? new NetworkInterfaceAttachment(a.AttachmentId ?? string.Empty, instanceId, a.InstanceOwnerId ?? string.Empty, a.DeviceIndex ?? 0, a.NetworkCardIndex ?? 0, a.Status?.Value ?? string.Empty, a.AttachTime is { } at ? new DateTimeOffset(at.ToUniversalTime(), TimeSpan.Zero) : DateTimeOffset.MinValue, a.DeleteOnTermination ?? false)
                : null,
            [.. (e.TagSet ?? []).Select(t => new Tag(t.Key, t.Value))]);
}
