using System.Globalization;
using System.Text.Json.Nodes;
using Amazon.EC2.Model;

namespace Podnet.Live;

/// <summary>
/// A cluster's VPC, as EC2 describes it, in a world's AWS documents (<c>aws.podnet.dev/v1alpha1</c>) with the real
/// IDs: a <c>Vpc</c> per VPC, a <c>Subnet</c> per subnet, a <c>SecurityGroup</c> per group with its ingress and egress
/// rules, the EKS <c>Cluster</c> (its name from the cluster security group's <c>aws:eks:cluster-name</c> tag, which
/// EKS sets; the group kept by ID; its rules beyond EKS's own as a <c>SecurityGroupIngress</c>) and a <c>NodeGroup</c>
/// per EKS managed node group (instances tagged <c>eks:nodegroup-name</c>: their types, subnets and number).
/// What a world cannot say is left out and said in <see cref="Result.Notes"/>: the VPC's <c>default</c> group (every
/// VPC of the world gets its own), instances outside managed node groups, the interfaces and addresses the VPC CNI
/// attached (the world's aws-node attaches them again), the branch interfaces the VPC resource controller attached
/// (a world has no kind for them), rules naming a group of another VPC, tags with the reserved <c>aws:</c> prefix.
/// </summary>
public static class AwsDocuments
{
    private const string ApiVersion = "aws.podnet.dev/v1alpha1";

    /// <summary>The documents, and what was left out.</summary>
    public sealed record Result(IReadOnlyList<JsonObject> Documents, IReadOnlyList<string> Notes);

    /// <summary>What the Kubernetes side says about the cluster that EC2 does not.</summary>
    /// <param name="Version">The server's <c>MAJOR.MINOR</c>, the cluster's Kubernetes version.</param>
    /// <param name="ServiceIpv4Cidr">The service range (from the <c>kubernetes</c> Service's address), or null for EKS's default.</param>
    /// <param name="MaxPodsByNodegroup">The pods a node of each node group takes (its Node's <c>status.capacity.pods</c>).</param>
    public sealed record ClusterFacts(string? Version, string? ServiceIpv4Cidr, IReadOnlyDictionary<string, int> MaxPodsByNodegroup);

    /// <summary>The documents of <paramref name="inventory"/>.</summary>
    public static Result From(Ec2Inventory inventory, ClusterFacts facts)
    {
        ArgumentNullException.ThrowIfNull(inventory);
        ArgumentNullException.ThrowIfNull(facts);
        var documents = new List<JsonObject>();
        var notes = new List<string>();
        foreach (var vpc in inventory.Vpcs.OrderBy(v => v.VpcId, StringComparer.Ordinal))
        {
            var spec = new JsonObject { ["VpcId"] = vpc.VpcId, ["CidrBlock"] = vpc.CidrBlock };
            var secondary = (vpc.CidrBlockAssociationSet ?? []).Where(a => a.CidrBlock != vpc.CidrBlock && a.CidrBlockState?.State?.Value == "associated").Select(a => (JsonNode)a.CidrBlock).ToArray();
            if (secondary.Length > 0)
            {
                spec["SecondaryCidrBlocks"] = new JsonArray(secondary);
            }

            AddTags(spec, vpc.Tags, vpc.VpcId, notes);
            documents.Add(Document("Vpc", vpc.VpcId, spec));
        }

        var subnets = inventory.Subnets.OrderBy(s => s.AvailabilityZone, StringComparer.Ordinal).ThenBy(s => s.CidrBlock, StringComparer.Ordinal).ToList();
        foreach (var subnet in subnets)
        {
            var spec = new JsonObject
            {
                ["SubnetId"] = subnet.SubnetId,
                ["Vpc"] = subnet.VpcId,
                ["CidrBlock"] = subnet.CidrBlock,
                ["AvailabilityZone"] = subnet.AvailabilityZone,
            };
            if (subnet.MapPublicIpOnLaunch == true)
            {
                spec["MapPublicIpOnLaunch"] = true;
            }

            AddTags(spec, subnet.Tags, subnet.SubnetId, notes);
            documents.Add(Document("Subnet", subnet.SubnetId, spec));
        }

        var clusterGroup = inventory.SecurityGroups.FirstOrDefault(g => Tag(g.Tags, "aws:eks:cluster-name") is not null);
        var clusterName = clusterGroup is null ? null : Tag(clusterGroup.Tags, "aws:eks:cluster-name");
        var defaultGroups = inventory.SecurityGroups.Where(g => g.GroupName == "default").Select(g => g.GroupId).ToHashSet(StringComparer.Ordinal);
        var described = inventory.SecurityGroups.Where(g => g != clusterGroup && !defaultGroups.Contains(g.GroupId)).OrderBy(g => g.GroupId, StringComparer.Ordinal).ToList();
        var known = described.Select(g => g.GroupId).Append(clusterGroup?.GroupId).OfType<string>().ToHashSet(StringComparer.Ordinal);
        foreach (var group in described)
        {
            var spec = new JsonObject
            {
                ["GroupId"] = group.GroupId,
                ["GroupName"] = group.GroupName,
                ["Description"] = group.Description,
                ["Vpc"] = group.VpcId,
                ["IpPermissions"] = Permissions(group.IpPermissions, group.GroupId, known, notes),
                ["IpPermissionsEgress"] = Permissions(group.IpPermissionsEgress, group.GroupId, known, notes),
            };
            AddTags(spec, group.Tags, group.GroupId, notes);
            documents.Add(Document("SecurityGroup", group.GroupId, spec));
        }

        foreach (var id in defaultGroups.Order(StringComparer.Ordinal))
        {
            var users = inventory.NetworkInterfaces.Where(n => (n.Groups ?? []).Any(g => g.GroupId == id)).Select(n => n.NetworkInterfaceId).ToList();
            if (users.Count > 0)
            {
                notes.Add($"security group {id} is its VPC's \"default\" group, which a world's VPC makes itself with an ID of its own: the rules of {string.Join(", ", users)} that come from it are not in the world");
            }
        }

        if (clusterGroup is not null)
        {
            AddCluster(documents, notes, inventory, clusterGroup, clusterName!, facts, known);
        }
        else if (inventory.Vpcs.Count > 0)
        {
            notes.Add("no security group carries EKS's aws:eks:cluster-name tag: not an EKS cluster's VPC, so the world has no Cluster and no NodeGroup (its nodes are left out)");
        }

        foreach (var eni in inventory.NetworkInterfaces.Where(n => n.Attachment?.InstanceId is null && n.InterfaceType?.Value != "branch").OrderBy(n => n.NetworkInterfaceId, StringComparer.Ordinal))
        {
            notes.Add($"network interface {eni.NetworkInterfaceId} ({eni.PrivateIpAddress}, groups {string.Join(" ", (eni.Groups ?? []).Select(g => g.GroupId))}) is attached to no instance: a world cannot describe an interface of its own; left out");
        }

        var branches = inventory.NetworkInterfaces.Count(n => n.InterfaceType?.Value == "branch");
        if (branches > 0)
        {
            // A dumped pod keeps its pod-eni annotation (the resource controller's webhook lets a pod given running keep
            // it, and the controller takes the branch it names as the pod's), but a world has no kind for the interface.
            notes.Add($"{branches} branch network interface{(branches == 1 ? " is" : "s are")} not in the world, which has no kind for an existing interface: a pod whose vpc.amazonaws.com/pod-eni annotation names one keeps it, but no interface of the world holds its address, so reach cannot judge that pod by its security groups");
        }

        return new Result(documents, notes);
    }

    /// <summary>The Cluster, the rules added to its group, and a NodeGroup per managed node group.</summary>
    private static void AddCluster(List<JsonObject> documents, List<string> notes, Ec2Inventory inventory, SecurityGroup clusterGroup, string clusterName, ClusterFacts facts, HashSet<string> known)
    {
        // EKS's API (describe-cluster) is not read: the cluster's subnets are taken as every subnet of its VPC.
        var subnets = inventory.Subnets.Where(s => s.VpcId == clusterGroup.VpcId).OrderBy(s => s.AvailabilityZone, StringComparer.Ordinal).ThenBy(s => s.CidrBlock, StringComparer.Ordinal).ToList();
        var spec = new JsonObject
        {
            ["Subnets"] = new JsonArray([.. subnets.Select(s => (JsonNode)s.SubnetId)]),
            ["ClusterSecurityGroupId"] = clusterGroup.GroupId,
        };
        if (facts.Version is not null)
        {
            spec["Version"] = facts.Version;
        }

        if (facts.ServiceIpv4Cidr is not null)
        {
            spec["ServiceIpv4Cidr"] = facts.ServiceIpv4Cidr;
        }

        documents.Add(Document("Cluster", clusterName, spec));

        // EKS gives its group one rule: all traffic from itself. Any other was added since, and is kept.
        var added = (clusterGroup.IpPermissions ?? []).Select(p => p.DeepCloneWithout(clusterGroup.GroupId)).OfType<IpPermission>().ToList();
        var permissions = Permissions(added, clusterGroup.GroupId, known, notes);
        if (permissions.Count > 0)
        {
            documents.Add(Document("SecurityGroupIngress", $"{clusterName}-cluster-security-group", new JsonObject { ["ClusterSecurityGroup"] = clusterName, ["IpPermissions"] = permissions }));
        }

        if ((clusterGroup.IpPermissionsEgress ?? []) is not [{ IpProtocol: "-1", Ipv4Ranges: [{ CidrIp: "0.0.0.0/0" }] }])
        {
            notes.Add($"the cluster security group {clusterGroup.GroupId} has egress rules of its own: a world's Cluster gives it EKS's (all traffic out), so they are not in the world");
        }

        var inNodegroups = inventory.Instances.Where(i => Tag(i.Tags, "eks:nodegroup-name") is not null).ToList();
        foreach (var instance in inventory.Instances.Except(inNodegroups).OrderBy(i => i.InstanceId, StringComparer.Ordinal))
        {
            notes.Add($"instance {instance.InstanceId} ({instance.PrivateIpAddress}) is in no EKS managed node group: a world describes nodes by node group only; left out");
        }

        foreach (var nodegroup in inNodegroups.GroupBy(i => Tag(i.Tags, "eks:nodegroup-name")!, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var subnetIds = nodegroup.Select(i => i.SubnetId).Distinct(StringComparer.Ordinal).ToHashSet(StringComparer.Ordinal);
            var ngSpec = new JsonObject
            {
                ["Cluster"] = clusterName,
                ["InstanceTypes"] = new JsonArray([.. nodegroup.Select(i => i.InstanceType.Value).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).Select(t => (JsonNode)t)]),
                ["Subnets"] = new JsonArray([.. subnets.Where(s => subnetIds.Contains(s.SubnetId)).Select(s => (JsonNode)s.SubnetId)]),
                ["DesiredSize"] = nodegroup.Count(),
            };
            if (facts.MaxPodsByNodegroup.TryGetValue(nodegroup.Key, out var maxPods))
            {
                ngSpec["MaxPods"] = maxPods;
            }

            documents.Add(Document("NodeGroup", nodegroup.Key, ngSpec));
        }

        notes.Add($"the nodes are the node groups' instances launched again in the world, with addresses the world hands out: a node whose address differs from {string.Join(", ", inNodegroups.Select(i => i.PrivateIpAddress).Order(StringComparer.Ordinal).Take(3))}{(inNodegroups.Count > 3 ? " …" : string.Empty)} has another name, and pods bound to a node the world does not have stay off the network");
    }

    /// <summary>
    /// A permission without the pair that names <paramref name="self"/> when its protocol is all traffic (EKS's own rule
    /// on the cluster group); null when nothing is left of it.
    /// </summary>
    private static IpPermission? DeepCloneWithout(this IpPermission permission, string self)
    {
        if (permission.IpProtocol != "-1")
        {
            return permission;
        }

        var pairs = (permission.UserIdGroupPairs ?? []).Where(p => p.GroupId != self).ToList();
        var rest = new IpPermission { IpProtocol = permission.IpProtocol, FromPort = permission.FromPort, ToPort = permission.ToPort, Ipv4Ranges = permission.Ipv4Ranges, Ipv6Ranges = permission.Ipv6Ranges, PrefixListIds = permission.PrefixListIds, UserIdGroupPairs = pairs };
        return (rest.Ipv4Ranges?.Count ?? 0) + (rest.Ipv6Ranges?.Count ?? 0) + (rest.PrefixListIds?.Count ?? 0) + pairs.Count == 0 ? null : rest;
    }

    /// <summary>Rules as the world's IpPermissions: the aws CLI's field names; a pair naming a group the world lacks is left out (and said).</summary>
    private static JsonArray Permissions(IEnumerable<IpPermission>? permissions, string groupId, HashSet<string> known, List<string> notes)
    {
        var list = new JsonArray();
        foreach (var p in permissions ?? [])
        {
            var entry = new JsonObject { ["IpProtocol"] = p.IpProtocol };
            if (p.IpProtocol != "-1" && p.FromPort is { } from)
            {
                entry["FromPort"] = from;
            }

            if (p.IpProtocol != "-1" && p.ToPort is { } to)
            {
                entry["ToPort"] = to;
            }

            var ranges = (p.Ipv4Ranges ?? []).Select(r => (JsonNode)Described(new JsonObject { ["CidrIp"] = r.CidrIp }, r.Description)).ToArray();
            var v6 = (p.Ipv6Ranges ?? []).Select(r => (JsonNode)Described(new JsonObject { ["CidrIpv6"] = r.CidrIpv6 }, r.Description)).ToArray();
            var prefixLists = (p.PrefixListIds ?? []).Select(r => (JsonNode)Described(new JsonObject { ["PrefixListId"] = r.Id }, r.Description)).ToArray();
            var pairs = new List<JsonNode>();
            foreach (var pair in p.UserIdGroupPairs ?? [])
            {
                if (known.Contains(pair.GroupId))
                {
                    pairs.Add(Described(new JsonObject { ["GroupId"] = pair.GroupId }, pair.Description));
                }
                else
                {
                    notes.Add($"security group {groupId}: a rule ({p.IpProtocol} {p.FromPort}-{p.ToPort}) names {pair.GroupId}, a group the world does not describe (a VPC's default group, or another VPC's or account's); that part of the rule is left out");
                }
            }

            if (ranges.Length + v6.Length + prefixLists.Length + pairs.Count == 0)
            {
                continue;
            }

            if (ranges.Length > 0)
            {
                entry["IpRanges"] = new JsonArray(ranges);
            }

            if (v6.Length > 0)
            {
                entry["Ipv6Ranges"] = new JsonArray(v6);
            }

            if (prefixLists.Length > 0)
            {
                entry["PrefixListIds"] = new JsonArray(prefixLists);
            }

            if (pairs.Count > 0)
            {
                entry["UserIdGroupPairs"] = new JsonArray([.. pairs]);
            }

            list.Add(entry);
        }

        return list;
    }

    private static JsonObject Described(JsonObject entry, string? description)
    {
        if (!string.IsNullOrEmpty(description))
        {
            entry["Description"] = description;
        }

        return entry;
    }

    /// <summary>Tags as a map; EC2 refuses to create tags with the reserved <c>aws:</c> prefix, so a world cannot give them.</summary>
    private static void AddTags(JsonObject spec, IEnumerable<Amazon.EC2.Model.Tag>? tags, string id, List<string> notes)
    {
        var map = new JsonObject();
        foreach (var tag in (tags ?? []).OrderBy(t => t.Key, StringComparer.Ordinal))
        {
            if (tag.Key.StartsWith("aws:", StringComparison.Ordinal))
            {
                notes.Add($"{id}: tag {tag.Key} has the reserved aws: prefix, which only AWS sets; left out");
                continue;
            }

            map[tag.Key] = tag.Value ?? string.Empty;
        }

        if (map.Count > 0)
        {
            spec["Tags"] = map;
        }
    }

    private static string? Tag(IEnumerable<Amazon.EC2.Model.Tag>? tags, string key) => (tags ?? []).FirstOrDefault(t => t.Key == key)?.Value;

    private static JsonObject Document(string kind, string name, JsonObject spec)
        => new() { ["apiVersion"] = ApiVersion, ["kind"] = kind, ["metadata"] = new JsonObject { ["name"] = name }, ["spec"] = spec };

    /// <summary>The /16 holding the <c>kubernetes</c> Service's address (EKS's service ranges are /16s: 10.100.0.0/16, 172.20.0.0/16, or the one given).</summary>
    public static string? ServiceCidr(string? kubernetesServiceIp)
    {
        if (kubernetesServiceIp is null || !System.Net.IPAddress.TryParse(kubernetesServiceIp, out var address) || address.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork)
        {
            return null;
        }

        var bytes = address.GetAddressBytes();
        return string.Create(CultureInfo.InvariantCulture, $"{bytes[0]}.{bytes[1]}.0.0/16");
    }
}
