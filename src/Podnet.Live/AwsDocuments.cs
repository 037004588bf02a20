using System.Globalization;
using System.Text.Json.Nodes;
using Amazon.EC2.Model;

namespace Podnet.Live;

/// <summary>
/// A cluster's VPC, as EC2 describes it, in a world's AWS documents (<c>aws.podnet.dev/v1alpha1</c>) with the real
/// IDs: a <c>Vpc</c> per VPC, a <c>Subnet</c> per subnet, a <c>SecurityGroup</c> per group with its ingress and egress
/// rules, the EKS <c>Cluster</c> (its name from the cluster security group's <c>aws:eks:cluster-name</c> tag, which
/// EKS sets; the group kept by ID; its rules beyond EKS's own as a <c>SecurityGroupIngress</c>), a <c>NodeGroup</c>
/// per EKS managed node group (instances tagged <c>eks:nodegroup-name</c>, kept as its <c>Instances</c> with their IDs,
/// addresses and subnets, so the nodes keep their names), a <c>NetworkInterface</c> per interface of those
/// instances, trunk, branch or detached interface, with its addresses, groups and tags — so every pod keeps the
/// interface, and the security groups, that hold its address — and the routes: an <c>InternetGateway</c> per gateway
/// attached to a VPC, an <c>EgressOnlyInternetGateway</c> per egress-only gateway of one, a <c>NatGateway</c> per public NAT gateway (with its Elastic IP and interface), a
/// <c>RouteTable</c> per route table (the main one too) with its routes to them and its associations, a
/// <c>VpcEndpoint</c> per gateway endpoint (which makes its routes again) and a <c>ManagedPrefixList</c> per list of
/// the account's own, which rules and routes may name, all with their IDs, so a <c>route</c> step names the tables
/// and gateways the VPC router uses.
/// What a world cannot say is left out and said in <see cref="Result.Notes"/>: the VPC's <c>default</c> group (every
/// VPC of the world gets its own), instances outside managed node groups and their interfaces, interfaces AWS
/// services manage (endpoints, EKS's control plane; a NAT gateway's is made again by its NatGateway), rules naming a
/// group of another VPC or a prefix list the world cannot have (one shared by another account, an AWS-managed list
/// Podnet lacks), tags with the reserved <c>aws:</c> prefix, NAT gateways not available, endpoints other than gateway
/// endpoints, and routes to other targets (peering, transit gateways, interface endpoints, interfaces).
/// </summary>
public static partial class AwsDocuments
{
    private const string ApiVersion = "aws.podnet.dev/v1alpha1";

    /// <summary>The documents, and what was left out.</summary>
    public sealed record Result(IReadOnlyList<JsonObject> Documents, IReadOnlyList<string> Notes);

    /// <summary>What the Kubernetes side says about the cluster that EC2 does not.</summary>
    /// <param name="Version">The server's <c>MAJOR.MINOR</c>, the cluster's Kubernetes version.</param>
    /// <param name="ServiceIpv4Cidr">The service range (from the <c>kubernetes</c> Service's address), or null for EKS's default.</param>
    /// <param name="MaxPodsByNodegroup">The pods a node of each node group takes (its Node's <c>status.capacity.pods</c>).</param>
    /// <param name="IpFamily">
    /// <c>ipv6</c> for a cluster whose Services have IPv6 addresses (the <c>kubernetes</c> Service's is), null for ipv4;
    /// the IPv6 service range itself is EKS's choice and is not kept.
    /// </param>
    public sealed record ClusterFacts(string? Version, string? ServiceIpv4Cidr, IReadOnlyDictionary<string, int> MaxPodsByNodegroup, string? IpFamily = null);

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

            // An Amazon-provided IPv6 block is kept with the VPC, as its ID is (a BYOIP or IPAM block is not emulated).
            if ((vpc.Ipv6CidrBlockAssociationSet ?? []).FirstOrDefault(a => a.Ipv6Pool == Podnet.Aws.Ec2.AmazonIpv6Pool.PoolName && a.Ipv6CidrBlockState?.State?.Value == "associated") is { } ipv6)
            {
                spec["AmazonProvidedIpv6CidrBlock"] = true;
                spec["Ipv6CidrBlock"] = ipv6.Ipv6CidrBlock;
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

            if (subnet.EnableDns64 == true)
            {
                spec["EnableDns64"] = true;
            }

            if ((subnet.Ipv6CidrBlockAssociationSet ?? []).FirstOrDefault(a => a.Ipv6CidrBlockState?.State?.Value == "associated") is { } ipv6)
            {
                spec["Ipv6CidrBlock"] = ipv6.Ipv6CidrBlock;
                if (subnet.AssignIpv6AddressOnCreation == true)
                {
                    spec["AssignIpv6AddressOnCreation"] = true;
                }
            }

            AddTags(spec, subnet.Tags, subnet.SubnetId, notes);
            documents.Add(Document("Subnet", subnet.SubnetId, spec));
        }

        var prefixLists = new PrefixListNames(inventory, AddPrefixLists(documents, notes, inventory));
        var natInterfaces = AddRoutes(documents, notes, inventory, prefixLists);

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
                ["IpPermissions"] = Permissions(group.IpPermissions, group.GroupId, known, prefixLists, notes),
                ["IpPermissionsEgress"] = Permissions(group.IpPermissionsEgress, group.GroupId, known, prefixLists, notes),
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
            AddCluster(documents, notes, inventory, clusterGroup, clusterName!, facts, known, prefixLists);
        }
        else if (inventory.Vpcs.Count > 0)
        {
            notes.Add("no security group carries EKS's aws:eks:cluster-name tag: not an EKS cluster's VPC, so the world has no Cluster and no NodeGroup (its nodes are left out)");
        }

        AddInterfaces(documents, notes, inventory, known, natInterfaces);

        return new Result(documents, notes);
    }

    /// <summary>
    /// The routes of the VPCs read: an InternetGateway per gateway attached to one, a NatGateway per gateway that is
    /// <c>available</c> (or <c>pending</c>, which the world makes available) — a public one in a VPC with an internet
    /// gateway, a private one (<c>ConnectivityType: private</c>, no Elastic IP) anywhere —
    /// and a RouteTable per table, with the routes to those gateways (to a CIDR block or to a prefix list the world
    /// has; the <c>local</c> routes are the VPC's own, a gateway endpoint's routes its VpcEndpoint's) and
    /// its associations with the VPC's subnets, then the gateway endpoints. Returns the interfaces of the NAT gateways
    /// written (their NatGateway documents make them again).
    /// </summary>
    private static HashSet<string> AddRoutes(List<JsonObject> documents, List<string> notes, Ec2Inventory inventory, PrefixListNames prefixLists)
    {
        var vpcIds = inventory.Vpcs.Select(v => v.VpcId).ToHashSet(StringComparer.Ordinal);
        var internetGateways = new HashSet<string>(StringComparer.Ordinal);
        foreach (var igw in inventory.InternetGateways.OrderBy(g => g.InternetGatewayId, StringComparer.Ordinal))
        {
            var vpc = (igw.Attachments ?? []).FirstOrDefault(a => vpcIds.Contains(a.VpcId) && a.State?.Value is not ("detaching" or "detached"))?.VpcId;
            if (vpc is null)
            {
                continue;
            }

            var spec = new JsonObject { ["InternetGatewayId"] = igw.InternetGatewayId, ["Attachments"] = new JsonArray(new JsonObject { ["VpcId"] = vpc }) };
            AddTags(spec, igw.Tags, igw.InternetGatewayId, notes);
            documents.Add(Document("InternetGateway", igw.InternetGatewayId, spec));
            internetGateways.Add(igw.InternetGatewayId);
        }

        var egressOnlyGateways = new HashSet<string>(StringComparer.Ordinal);
        foreach (var eigw in inventory.EgressOnlyInternetGateways.OrderBy(g => g.EgressOnlyInternetGatewayId, StringComparer.Ordinal))
        {
            var vpc = (eigw.Attachments ?? []).FirstOrDefault(a => vpcIds.Contains(a.VpcId) && a.State?.Value is null or "attached")?.VpcId;
            if (vpc is null)
            {
                continue;
            }

            var spec = new JsonObject { ["EgressOnlyInternetGatewayId"] = eigw.EgressOnlyInternetGatewayId, ["Attachments"] = new JsonArray(new JsonObject { ["VpcId"] = vpc }) };
            AddTags(spec, eigw.Tags, eigw.EgressOnlyInternetGatewayId, notes);
            documents.Add(Document("EgressOnlyInternetGateway", eigw.EgressOnlyInternetGatewayId, spec));
            egressOnlyGateways.Add(eigw.EgressOnlyInternetGatewayId);
        }

        var vpcsWithGateway = inventory.InternetGateways.Where(g => internetGateways.Contains(g.InternetGatewayId))
            .SelectMany(g => g.Attachments ?? []).Select(a => a.VpcId).ToHashSet(StringComparer.Ordinal);
        var natGateways = new HashSet<string>(StringComparer.Ordinal);
        var natInterfaces = new HashSet<string>(StringComparer.Ordinal);
        foreach (var nat in inventory.NatGateways.OrderBy(n => n.NatGatewayId, StringComparer.Ordinal))
        {
            var state = nat.State?.Value ?? "available";
            var address = (nat.NatGatewayAddresses ?? []).FirstOrDefault(a => a.IsPrimary == true) ?? (nat.NatGatewayAddresses ?? []).FirstOrDefault();
            var isPrivate = nat.ConnectivityType?.Value == "private";
            var why = state is not ("available" or "pending") ? $"{state}, so the routes to it are blackholes"
                : isPrivate ? null
                : !vpcsWithGateway.Contains(nat.VpcId) ? $"in {nat.VpcId}, which has no internet gateway attached"
                : address?.AllocationId is null ? "without an Elastic IP"
                : null;
            if (why is not null)
            {
                notes.Add($"NAT gateway {nat.NatGatewayId} is {why}: left out, and the routes to it");
                continue;
            }

            if (state == "pending")
            {
                notes.Add($"NAT gateway {nat.NatGatewayId} is pending: the world's is available");
            }

            // A private gateway has no Elastic IP: its entry keeps only its private address and interface.
            var entry = new JsonObject();
            if (!isPrivate)
            {
                entry["AllocationId"] = address!.AllocationId;
            }

            if (address?.PublicIp is { } publicIp && !isPrivate)
            {
                entry["PublicIp"] = publicIp;
            }

            if (address?.PrivateIp is { } privateIp)
            {
                entry["PrivateIp"] = privateIp;
            }

            if (address?.NetworkInterfaceId is { } eni)
            {
                entry["NetworkInterfaceId"] = eni;
                natInterfaces.Add(eni);
            }

            var spec = new JsonObject
            {
                ["NatGatewayId"] = nat.NatGatewayId,
                ["SubnetId"] = nat.SubnetId,
                ["ConnectivityType"] = isPrivate ? "private" : "public",
                ["NatGatewayAddresses"] = new JsonArray(entry),
            };
            AddTags(spec, nat.Tags, nat.NatGatewayId, notes);
            documents.Add(Document("NatGateway", nat.NatGatewayId, spec));
            natGateways.Add(nat.NatGatewayId);
        }

        var subnetIds = inventory.Subnets.Select(s => s.SubnetId).ToHashSet(StringComparer.Ordinal);
        var endpoints = new List<JsonObject>();
        var endpointRoutes = AddVpcEndpoints(endpoints, notes, inventory, inventory.RouteTables.Where(t => vpcIds.Contains(t.VpcId)).Select(t => t.RouteTableId).ToHashSet(StringComparer.Ordinal));
        foreach (var table in inventory.RouteTables.Where(t => vpcIds.Contains(t.VpcId)).OrderBy(t => t.RouteTableId, StringComparer.Ordinal))
        {
            var routes = new JsonArray();
            foreach (var route in table.Routes ?? [])
            {
                if (route.GatewayId == "local")
                {
                    // The local routes are the VPC's CIDR blocks: a world's VPC has them itself.
                    continue;
                }

                var target = route.GatewayId ?? route.NatGatewayId ?? route.TransitGatewayId ?? route.VpcPeeringConnectionId
                             ?? route.NetworkInterfaceId ?? route.InstanceId ?? route.LocalGatewayId ?? route.CarrierGatewayId
                             ?? route.EgressOnlyInternetGatewayId ?? route.CoreNetworkArn ?? "no target";
                var destination = route.DestinationCidrBlock ?? route.DestinationIpv6CidrBlock ?? route.DestinationPrefixListId;
                var user = $"route table {table.RouteTableId}: the route {destination} → {target}";
                if (route.GatewayId is { } endpointId && IsEndpoint(endpointId) && endpointRoutes.Contains((endpointId, table.RouteTableId)))
                {
                    // A gateway endpoint's route (its service's AWS-managed list → vpce-…): the VpcEndpoint makes it again.
                    if (route.DestinationPrefixListId is { } endpointList)
                    {
                        prefixLists.Name(endpointList, user, notes);
                    }

                    continue;
                }

                var toEndpoint = route.GatewayId is { } vpce && IsEndpoint(vpce);
                var prefixList = !toEndpoint && route.DestinationPrefixListId is { } listId ? prefixLists.Name(listId, user, notes) : null;
                var left = toEndpoint ? "to a VPC endpoint the world does not have (above)"
                    : route.DestinationPrefixListId is not null && prefixList is null ? "to a prefix list the world does not have (above)"
                    : route.Origin?.Value == "EnableVgwRoutePropagation" ? "propagated by a virtual private gateway"
                    : route.GatewayId is { } igw && igw.StartsWith("igw-", StringComparison.Ordinal) ? (internetGateways.Contains(igw) ? null : "to an internet gateway not attached to the VPC (a blackhole)")
                    : route.EgressOnlyInternetGatewayId is { } eigwId ? (egressOnlyGateways.Contains(eigwId) ? null : "to an egress-only internet gateway of no VPC read (a blackhole)")
                    : route.NatGatewayId is { } natId ? (natGateways.Contains(natId) ? null : "to a NAT gateway the world does not have (above)")
                    : "to a target Podnet does not emulate (only internet, egress-only internet and NAT gateways)";
                if (left is not null)
                {
                    notes.Add($"{user} is {left}: left out");
                    continue;
                }

                var entry = prefixList is not null ? new JsonObject { ["DestinationPrefixListId"] = prefixList }
                    : route.DestinationIpv6CidrBlock is { } ipv6 ? new JsonObject { ["DestinationIpv6CidrBlock"] = ipv6 }
                    : new JsonObject { ["DestinationCidrBlock"] = route.DestinationCidrBlock };
                if (route.NatGatewayId is { } nat)
                {
                    entry["NatGatewayId"] = nat;
                }
                else if (route.EgressOnlyInternetGatewayId is { } eigwTarget)
                {
                    entry["EgressOnlyInternetGatewayId"] = eigwTarget;
                }
                else
                {
                    entry["GatewayId"] = route.GatewayId;
                }

                routes.Add(entry);
            }

            var associations = new JsonArray();
            foreach (var association in (table.Associations ?? []).Where(a => a.AssociationState?.State?.Value is null or "associated"))
            {
                if (association.Main == true)
                {
                    associations.Add(new JsonObject { ["Main"] = true, ["RouteTableAssociationId"] = association.RouteTableAssociationId });
                }
                else if (association.SubnetId is { } subnet && subnetIds.Contains(subnet))
                {
                    associations.Add(new JsonObject { ["SubnetId"] = subnet, ["RouteTableAssociationId"] = association.RouteTableAssociationId });
                }
                else
                {
                    notes.Add($"route table {table.RouteTableId}: the association {association.RouteTableAssociationId} (with {association.SubnetId ?? association.GatewayId}) is not with a subnet of the VPC: left out");
                }
            }

            var spec = new JsonObject { ["RouteTableId"] = table.RouteTableId, ["VpcId"] = table.VpcId };
            if (routes.Count > 0)
            {
                spec["Routes"] = routes;
            }

            if (associations.Count > 0)
            {
                spec["Associations"] = associations;
            }

            AddTags(spec, table.Tags, table.RouteTableId, notes);
            documents.Add(Document("RouteTable", table.RouteTableId, spec));
        }

        documents.AddRange(endpoints);
        return natInterfaces;

        static bool IsEndpoint(string gatewayId) => gatewayId.StartsWith("vpce-", StringComparison.Ordinal);
    }

    /// <summary>
    /// A NetworkInterface per interface of the node groups' instances (the primary one only for its other addresses),
    /// per trunk's branch and per detached interface, in ID order; the groups a world does not describe are left out.
    /// </summary>
    private static void AddInterfaces(List<JsonObject> documents, List<string> notes, Ec2Inventory inventory, HashSet<string> known, HashSet<string> natInterfaces)
    {
        var nodes = inventory.Instances.Where(i => Tag(i.Tags, "eks:nodegroup-name") is not null).Select(i => i.InstanceId).ToHashSet(StringComparer.Ordinal);
        foreach (var eni in inventory.NetworkInterfaces.OrderBy(n => n.NetworkInterfaceId, StringComparer.Ordinal))
        {
            var type = eni.InterfaceType?.Value ?? "interface";
            var instance = eni.Attachment?.InstanceId;
            if (natInterfaces.Contains(eni.NetworkInterfaceId))
            {
                // The NatGateway document makes it again, with its ID and address.
                continue;
            }

            if (eni.RequesterManaged == true || type is not ("interface" or "trunk" or "branch"))
            {
                notes.Add($"network interface {eni.NetworkInterfaceId} ({eni.PrivateIpAddress}, {(eni.RequesterManaged == true ? "managed by " + (eni.RequesterId ?? "an AWS service") : "type " + type)}: {eni.Description}) is AWS's own, which a world does not describe; left out");
                continue;
            }

            if (instance is not null && !nodes.Contains(instance))
            {
                notes.Add($"network interface {eni.NetworkInterfaceId} ({eni.PrivateIpAddress}) is attached to {instance}, which is in no EKS managed node group; left out");
                continue;
            }

            var primary = eni.Attachment?.DeviceIndex == 0;
            var addresses = (eni.PrivateIpAddresses ?? []).Where(a => !primary || a.Primary != true).ToList();
            var prefixes = eni.Ipv4Prefixes ?? [];
            var ipv6Addresses = eni.Ipv6Addresses ?? [];
            var ipv6Prefixes = eni.Ipv6Prefixes ?? [];
            if (primary && addresses.Count + prefixes.Count + ipv6Addresses.Count + ipv6Prefixes.Count == 0)
            {
                // The instance's primary interface is the NodeGroup instance's own; nothing to add to it.
                continue;
            }

            var spec = new JsonObject { ["NetworkInterfaceId"] = eni.NetworkInterfaceId, ["SubnetId"] = eni.SubnetId };
            if (type != "interface")
            {
                spec["InterfaceType"] = type;
            }

            var groups = (eni.Groups ?? []).Where(g => known.Contains(g.GroupId)).Select(g => (JsonNode)g.GroupId).ToArray();
            if (!primary && groups.Length > 0)
            {
                spec["Groups"] = new JsonArray(groups);
            }

            spec["PrivateIpAddresses"] = new JsonArray([.. addresses.Select(a => (JsonNode)(a.Primary == true
                ? new JsonObject { ["PrivateIpAddress"] = a.PrivateIpAddress, ["Primary"] = true }
                : new JsonObject { ["PrivateIpAddress"] = a.PrivateIpAddress }))]);
            if (prefixes.Count > 0)
            {
                spec["Ipv4Prefixes"] = new JsonArray([.. prefixes.Select(p => (JsonNode)new JsonObject { ["Ipv4Prefix"] = p.Ipv4Prefix })]);
            }

            if (ipv6Addresses.Count > 0)
            {
                spec["Ipv6Addresses"] = new JsonArray([.. ipv6Addresses.Select(a => (JsonNode)new JsonObject { ["Ipv6Address"] = a.Ipv6Address })]);
            }

            if (ipv6Prefixes.Count > 0)
            {
                spec["Ipv6Prefixes"] = new JsonArray([.. ipv6Prefixes.Select(p => (JsonNode)new JsonObject { ["Ipv6Prefix"] = p.Ipv6Prefix })]);
            }

            if (!primary)
            {
                spec["MacAddress"] = eni.MacAddress;
                if (!string.IsNullOrEmpty(eni.Description))
                {
                    spec["Description"] = eni.Description;
                }
            }

            if (instance is not null)
            {
                spec["Attachment"] = new JsonObject { ["InstanceId"] = instance, ["DeviceIndex"] = eni.Attachment!.DeviceIndex ?? 0 };
            }

            if (!primary)
            {
                AddTags(spec, eni.TagSet, eni.NetworkInterfaceId, notes);
            }

            documents.Add(Document("NetworkInterface", eni.NetworkInterfaceId, spec));
        }
    }

    /// <summary>The Cluster, the rules added to its group, and a NodeGroup per managed node group.</summary>
    private static void AddCluster(List<JsonObject> documents, List<string> notes, Ec2Inventory inventory, SecurityGroup clusterGroup, string clusterName, ClusterFacts facts, HashSet<string> known, PrefixListNames prefixLists)
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

        if (facts.IpFamily is not null)
        {
            spec["KubernetesNetworkConfig"] = new JsonObject { ["IpFamily"] = facts.IpFamily };
        }

        documents.Add(Document("Cluster", clusterName, spec));

        // EKS gives its group one rule: all traffic from itself. Any other was added since, and is kept.
        var added = (clusterGroup.IpPermissions ?? []).Select(p => p.DeepCloneWithout(clusterGroup.GroupId)).OfType<IpPermission>().ToList();
        var permissions = Permissions(added, clusterGroup.GroupId, known, prefixLists, notes);
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
                ["Instances"] = new JsonArray([.. nodegroup.OrderBy(i => i.LaunchTime).ThenBy(i => i.InstanceId, StringComparer.Ordinal).Select(i => (JsonNode)Instance(i))]),
            };
            if (facts.MaxPodsByNodegroup.TryGetValue(nodegroup.Key, out var maxPods))
            {
                ngSpec["MaxPods"] = maxPods;
            }

            documents.Add(Document("NodeGroup", nodegroup.Key, ngSpec));
        }

    }

    /// <summary>A node group's instance as it runs: its IDs, address and subnet, and its primary interface's ID and MAC.</summary>
    private static JsonObject Instance(Instance instance)
    {
        var entry = new JsonObject
        {
            ["InstanceId"] = instance.InstanceId,
            ["PrivateIpAddress"] = instance.PrivateIpAddress,
            ["SubnetId"] = instance.SubnetId,
            ["InstanceType"] = instance.InstanceType.Value,
        };
        if ((instance.NetworkInterfaces ?? []).FirstOrDefault(n => n.Attachment?.DeviceIndex == 0) is { } primary)
        {
            entry["NetworkInterfaceId"] = primary.NetworkInterfaceId;
            entry["MacAddress"] = primary.MacAddress;
        }

        return entry;
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
    private static JsonArray Permissions(IEnumerable<IpPermission>? permissions, string groupId, HashSet<string> known, PrefixListNames prefixLists, List<string> notes)
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
            // A world's rule may name only a list the world has (EC2's InvalidPrefixListID.NotFound): the account's own
            // lists (written) and the region's AWS-managed ones (built in); another's part of the rule is left out, and said.
            var lists = new List<JsonNode>();
            foreach (var reference in p.PrefixListIds ?? [])
            {
                if (prefixLists.Name(reference.Id, $"security group {groupId}: a rule ({p.IpProtocol} {p.FromPort}-{p.ToPort})", notes) is { } named)
                {
                    lists.Add(Described(new JsonObject { ["PrefixListId"] = named }, reference.Description));
                }
            }

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

            if (ranges.Length + v6.Length + lists.Count + pairs.Count == 0)
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

            if (lists.Count > 0)
            {
                entry["PrefixListIds"] = new JsonArray([.. lists]);
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
