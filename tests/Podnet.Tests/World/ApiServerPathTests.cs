using Podnet.Aws.Ec2;
using Podnet.Aws.Eks;
using Podnet.Lint;
using Podnet.Tests.TestSupport;

namespace Podnet.Tests.World;

/// <summary>
/// Issue 11: a node group's new instances join the cluster only when their kubelet reaches its API server — through
/// the public endpoint (EKS's default) a way out of the VPC from the instance's subnet, through the private endpoint
/// none — else EKS keeps the group CREATING and then fails it with <c>NodeCreationFailure</c>, "Instances failed to
/// join the kubernetes cluster". World: examples/hello-eks (a fresh EKS VPC: private subnets behind NAT gateways), with
/// a subnet added in 192.168.128.0/24 that keeps the main route table (local routes only).
/// </summary>
public sealed class ApiServerPathTests
{
    private static (Podnet.World.World World, string SubnetId) WorldWithIsolatedSubnet(bool privateEndpoint = false)
    {
        var world = ExampleWorlds.Load("hello-eks", privateEndpoint ? t => t.Replace("  Version: \"1.31\"\n", "  Version: \"1.31\"\n  EndpointPrivateAccess: true\n", StringComparison.Ordinal) : null);
        var ec2 = world.Cloud!.Ec2Backend;
        var vpc = ec2.DescribeVpcs()[0].VpcId;
        var subnet = ec2.CreateSubnet(new CreateSubnetRequest(vpc, "192.168.128.0/24", "us-west-2a")).SubnetId;
        return (world, subnet);
    }

    private static IReadOnlyList<string> CreateGroup(Podnet.World.World world, string subnetId, string name = "isolated")
    {
        var eks = world.Cloud!.Eks;
        var existing = eks.DescribeNodegroup(world.Cluster!.Name, "ng-1");
        eks.CreateNodegroup(new CreateNodegroupRequest(world.Cluster.Name, name, existing.NodeRole, [subnetId], existing.InstanceTypes));
        var ids = eks.NodegroupInstanceIds(world.Cluster.Name, name);
        Assert.NotEmpty(ids);
        return ids;
    }

    /// <summary>examples/hello-eks with its public endpoint restricted to an office's range, 192.0.2.0/24 (RFC 5737).</summary>
    private static Podnet.World.World WorldWithOfficeOnlyEndpoint()
        => ExampleWorlds.Load("hello-eks", t => t.Replace("  Version: \"1.31\"\n", "  Version: \"1.31\"\n  PublicAccessCidrs: [192.0.2.0/24]\n", StringComparison.Ordinal));

    private static string SubnetOf(Podnet.World.World world, string cidr)
        => world.Cloud!.Ec2Backend.DescribeSubnets().Single(s => s.CidrBlock == cidr).SubnetId;

    private static Instance InstanceOf(Podnet.World.World world, string id)
        => world.Cloud!.Ec2Backend.DescribeInstances(DescribeRequest.ForIds(id))[0].Instances[0];

    private static bool HasNode(Podnet.World.World world, string instanceId)
        => world.ControlPlane.Store.List("v1", "Node").Items.Any(n => n.GetString("spec.providerID")!.EndsWith("/" + instanceId, StringComparison.Ordinal));

    [Fact]
    public void SubnetWithoutAWayOut_NodesNeverJoin_GroupCreatingThenCreateFailedWithNodeCreationFailure()
    {
        var (world, subnet) = WorldWithIsolatedSubnet();
        var ids = CreateGroup(world, subnet);
        var eks = world.Cloud!.Eks;
        var created = eks.DescribeNodegroup(world.Cluster!.Name, "isolated").CreatedAt;

        world.Settle();
        world.Time.AdvanceTo(created + TimeSpan.FromMinutes(10));
        world.RegisterNodes();

        Assert.All(ids, id => Assert.False(HasNode(world, id), id));
        Assert.Equal(ids.Order(StringComparer.Ordinal), world.InstancesNotJoined.Keys.Order(StringComparer.Ordinal));
        var table = world.Cloud.Ec2Backend.RouteTableOfSubnet(subnet).RouteTableId;
        var host = new Uri(world.Cluster.Endpoint).Host;
        var primary = world.Cloud.Ec2Backend.DescribeInstances(DescribeRequest.ForIds(ids[0]))[0].Instances[0].PrivateIpAddress;
        Assert.Equal(
            $"its kubelet cannot reach the cluster's public endpoint {host} from {primary} (no route to 198.51.100.10 in {table} ({subnet}, the VPC's main route table, implicitly associated): the VPC router drops it), and the cluster has no private endpoint access (endpointPrivateAccess false)",
            world.InstancesNotJoined[ids[0]]);

        // EKS waits for the nodes (CREATING, no issue yet) past its usual three minutes, then gives up.
        var waiting = eks.DescribeNodegroup(world.Cluster.Name, "isolated");
        Assert.Equal((NodegroupStatus.Creating, 0), (waiting.Status, waiting.Health.Issues.Count));
        world.Time.AdvanceTo(created + EksLifecycle.NodeJoinTimeout);
        var failed = eks.DescribeNodegroup(world.Cluster.Name, "isolated");
        Assert.Equal(NodegroupStatus.CreateFailed, failed.Status);
        var issue = Assert.Single(failed.Health.Issues);
        Assert.Equal(("NodeCreationFailure", "Instances failed to join the kubernetes cluster"), (issue.Code, issue.Message));
        Assert.Equal(ids.Order(StringComparer.Ordinal), issue.ResourceIds);
    }

    [Fact]
    public void WayOutMendedInTime_NodesJoin_GroupActive_MendedTooLate_NodesJoinButGroupStaysCreateFailed()
    {
        foreach (var late in new[] { false, true })
        {
            var (world, subnet) = WorldWithIsolatedSubnet();
            var ids = CreateGroup(world, subnet);
            var eks = world.Cloud!.Eks;
            var created = eks.DescribeNodegroup(world.Cluster!.Name, "isolated").CreatedAt;
            world.Time.AdvanceTo(created + TimeSpan.FromMinutes(late ? 25 : 5));
            world.RegisterNodes();
            Assert.NotEmpty(world.InstancesNotJoined);

            // The subnet takes the table of a private subnet of its zone, whose 0.0.0.0/0 goes to a NAT gateway.
            var ec2 = world.Cloud.Ec2Backend;
            var natTable = ec2.DescribeRouteTables().First(t => t.Routes.Any(r => r.NatGatewayId is not null) && t.Associations.Any(a => a.SubnetId is not null));
            ec2.AssociateRouteTable(natTable.RouteTableId, subnet);
            world.RegisterNodes();

            Assert.All(ids, id => Assert.True(HasNode(world, id), id));
            Assert.Empty(world.InstancesNotJoined);
            var group = eks.DescribeNodegroup(world.Cluster.Name, "isolated");
            Assert.Equal(late ? NodegroupStatus.CreateFailed : NodegroupStatus.Active, group.Status);
            Assert.Equal(late ? ["NodeCreationFailure"] : [], group.Health.Issues.Select(i => i.Code));
        }
    }

    [Fact]
    public void ClusterWithPrivateEndpointAccess_NodesJoinWithoutAWayOut()
    {
        var (world, subnet) = WorldWithIsolatedSubnet(privateEndpoint: true);
        Assert.True(world.Cluster!.ResourcesVpcConfig.EndpointPrivateAccess);
        var ids = CreateGroup(world, subnet);

        world.Settle();

        Assert.All(ids, id => Assert.True(HasNode(world, id), id));
        Assert.Empty(world.InstancesNotJoined);
        Assert.Equal(NodegroupStatus.Active, world.Cloud!.Eks.DescribeNodegroup(world.Cluster.Name, "isolated").Status);
    }

    [Fact]
    public void PrivateEndpointAccessTurnedOn_ClusterUpdating_ThenTheWaitingNodesJoin()
    {
        var (world, subnet) = WorldWithIsolatedSubnet();
        var ids = CreateGroup(world, subnet);
        var eks = world.Cloud!.Eks;
        var name = world.Cluster!.Name;
        world.Settle();
        Assert.NotEmpty(world.InstancesNotJoined);

        var update = eks.UpdateClusterEndpointAccess(name, publicAccess: null, privateAccess: true, publicAccessCidrs: null);

        Assert.Equal(("InProgress", "EndpointAccessUpdate"), (update.Status, update.Type));
        Assert.Equal([("EndpointPrivateAccess", "true")], update.Params.Select(p => (p.Type, p.Value)));
        var updating = eks.DescribeCluster(name);
        Assert.Equal((ClusterStatus.Updating, false), (updating.Status, updating.ResourcesVpcConfig.EndpointPrivateAccess));
        world.RegisterNodes();
        Assert.NotEmpty(world.InstancesNotJoined);

        world.Time.Advance(EksLifecycle.EndpointAccessUpdating);
        world.RegisterNodes();

        var active = eks.DescribeCluster(name);
        Assert.Equal((ClusterStatus.Active, true, true), (active.Status, active.ResourcesVpcConfig.EndpointPrivateAccess, active.ResourcesVpcConfig.EndpointPublicAccess));
        Assert.Equal("Successful", eks.DescribeUpdate(name, update.Id, addonName: null).Status);
        Assert.Empty(world.InstancesNotJoined);
        Assert.All(ids, id => Assert.True(HasNode(world, id), id));
        var again = Assert.Throws<Podnet.Aws.AwsException>(() => eks.UpdateClusterEndpointAccess(name, publicAccess: true, privateAccess: true, publicAccessCidrs: null));
        Assert.Equal(("InvalidParameterException", "Cluster is already at the desired configuration with endpointPrivateAccess: true , endpointPublicAccess: true, and Public Endpoint Restrictions: [0.0.0.0/0]"), (again.Code, again.Message));
    }

    [Fact]
    public void RestrictedPublicEndpoint_NatGatewaysElasticIpNotInPublicAccessCidrs_NodesNeverJoin_AsLintWarns_UntilItIsAdded()
    {
        var world = WorldWithOfficeOnlyEndpoint();
        var eks = world.Cloud!.Eks;
        var name = world.Cluster!.Name;
        Assert.Equal(["192.0.2.0/24"], world.Cluster.ResourcesVpcConfig.PublicAccessCidrs);

        // The world's own nodes had joined when it began; a new group behind the NAT gateway does not.
        Assert.Empty(world.InstancesNotJoined);
        var subnet = SubnetOf(world, "192.168.64.0/19");
        var ids = CreateGroup(world, subnet, "behind-nat");
        world.Settle();

        var ec2 = world.Cloud.Ec2Backend;
        var table = ec2.RouteTableOfSubnet(subnet);
        var natId = table.Routes.Single(r => r.DestinationCidrBlock == "0.0.0.0/0").NatGatewayId!;
        var nat = ec2.DescribeNatGateways(DescribeRequest.ForIds(natId))[0];
        var elasticIp = nat.NatGatewayAddresses.Single().PublicIp!;
        var natTable = ec2.RouteTableOfSubnet(nat.SubnetId);
        var igw = natTable.Routes.Single(r => r.DestinationCidrBlock == "0.0.0.0/0").GatewayId;
        var host = new Uri(world.Cluster.Endpoint).Host;
        var primary = InstanceOf(world, ids[0]).PrivateIpAddress;
        Assert.All(ids, id => Assert.False(HasNode(world, id), id));
        Assert.Equal(
            $"its kubelet reaches the cluster's public endpoint {host} from {primary} as {elasticIp} ({table.RouteTableId} 0.0.0.0/0 → {natId} ({subnet} of {InstanceOf(world, ids[0]).NetworkInterfaces[0].NetworkInterfaceId}), then {natTable.RouteTableId} 0.0.0.0/0 → {igw} ({nat.SubnetId}): out through the internet gateway as the NAT gateway's Elastic IP {elasticIp}), but the endpoint's publicAccessCidrs [192.0.2.0/24] do not include {elasticIp}, and the cluster has no private endpoint access (endpointPrivateAccess false)",
            world.InstancesNotJoined[ids[0]]);

        var finding = Assert.Single(WorldLint.Run(world), f => f.Check == NodegroupNodesCannotJoin.Id && f.Object == "NodeGroup behind-nat");
        Assert.StartsWith(
            $"admit the address the nodes' requests come from: aws eks update-cluster-config --name {name} --resources-vpc-config publicAccessCidrs=\"192.0.2.0/24,{elasticIp}/32\", or let nodes use the private endpoint",
            finding.Fix,
            StringComparison.Ordinal);

        // The NAT gateway's Elastic IP admitted: once the update is done the waiting kubelets get in.
        var update = eks.UpdateClusterEndpointAccess(name, publicAccess: null, privateAccess: null, publicAccessCidrs: ["192.0.2.0/24", $"{elasticIp}/32"]);
        Assert.Equal([("PublicAccessCidrs", $"[\"192.0.2.0/24\",\"{elasticIp}/32\"]")], update.Params.Select(p => (p.Type, p.Value)));
        world.Time.Advance(EksLifecycle.EndpointAccessUpdating);
        world.RegisterNodes();
        Assert.Empty(world.InstancesNotJoined);
        Assert.All(ids, id => Assert.True(HasNode(world, id), id));
        Assert.DoesNotContain(WorldLint.Run(world), f => f.Check == NodegroupNodesCannotJoin.Id && f.Object == "NodeGroup behind-nat");
    }

    [Fact]
    public void PublicSubnet_NodeHasItsOwnPublicAddress_AsExternalIpAndDns_AndTheRestrictedEndpointJudgesThatAddress()
    {
        foreach (var restricted in new[] { false, true })
        {
            var world = restricted ? WorldWithOfficeOnlyEndpoint() : ExampleWorlds.Load("hello-eks");
            var subnet = SubnetOf(world, "192.168.0.0/19");
            var id = CreateGroup(world, subnet, "public")[0];
            world.Settle();

            var instance = InstanceOf(world, id);
            Assert.Matches(@"^198\.18\.\d+\.\d+$", instance.PublicIpAddress);
            if (restricted)
            {
                Assert.False(HasNode(world, id));
                Assert.Contains(
                    $"from {instance.PrivateIpAddress} as {instance.PublicIpAddress} (",
                    world.InstancesNotJoined[id],
                    StringComparison.Ordinal);
                Assert.Contains(
                    $"out through the internet gateway with {instance.PrivateIpAddress}'s public IPv4 address {instance.PublicIpAddress}), but the endpoint's publicAccessCidrs [192.0.2.0/24] do not include {instance.PublicIpAddress}",
                    world.InstancesNotJoined[id],
                    StringComparison.Ordinal);

                // lint cannot name an address to admit: the next instance there gets another.
                var finding = Assert.Single(WorldLint.Run(world), f => f.Check == NodegroupNodesCannotJoin.Id && f.Object == "NodeGroup public");
                Assert.EndsWith($"or send {subnet}'s traffic out by a NAT gateway whose Elastic IP publicAccessCidrs admit: {instance.PublicIpAddress} is {id}'s own public address, and a new instance gets another", finding.Fix, StringComparison.Ordinal);
                continue;
            }

            // cloud-provider-aws's order (extractIPv4NodeAddresses): private address, public address, private name twice, public name.
            var node = world.ControlPlane.Store.List("v1", "Node").Items.Single(n => n.GetString("spec.providerID")!.EndsWith("/" + id, StringComparison.Ordinal));
            var addresses = node.Peek("status.addresses")!.AsArray().Select(a => (a!["type"]!.GetValue<string>(), a["address"]!.GetValue<string>()));
            Assert.Equal(
                [("InternalIP", instance.PrivateIpAddress!), ("ExternalIP", instance.PublicIpAddress!), ("InternalDNS", instance.PrivateDnsName), ("Hostname", instance.PrivateDnsName), ("ExternalDNS", instance.PublicDnsName)],
                addresses);
            Assert.Empty(world.InstancesNotJoined);
        }
    }

    [Fact]
    public void WorldsOwnNodeGroup_WasUpWhenTheWorldBegan_HasItsNodes_ItsScaleUpDoesNotJoin_AsLintWarns()
    {
        // A world states the account as it was: its node group's nodes had joined, though its VPC has no public subnet
        // and so no NAT gateway (the routes of a fresh EKS VPC without one). An instance launched now does not join.
        const string yaml = """
            apiVersion: aws.podnet.dev/v1alpha1
            kind: Vpc
            metadata: {name: vpc}
            spec: {CidrBlock: 192.168.0.0/24}
            ---
            apiVersion: aws.podnet.dev/v1alpha1
            kind: Subnet
            metadata: {name: private-a}
            spec: {Vpc: vpc, CidrBlock: 192.168.0.64/26, AvailabilityZone: us-west-2a}
            ---
            apiVersion: aws.podnet.dev/v1alpha1
            kind: Subnet
            metadata: {name: private-b}
            spec: {Vpc: vpc, CidrBlock: 192.168.0.128/26, AvailabilityZone: us-west-2b}
            ---
            apiVersion: aws.podnet.dev/v1alpha1
            kind: Cluster
            metadata: {name: isolated}
            spec: {Version: "1.31", Subnets: [private-a, private-b]}
            ---
            apiVersion: aws.podnet.dev/v1alpha1
            kind: NodeGroup
            metadata: {name: ng-1}
            spec: {Cluster: isolated, InstanceTypes: [m5.large], Subnets: [private-a], DesiredSize: 1, MinSize: 1, MaxSize: 2}
            """;
        var world = Podnet.World.WorldLoader.Load([new Podnet.World.WorldSource("world.yaml", yaml)]);
        Assert.Single(world.ControlPlane.Store.List("v1", "Node").Items);
        Assert.Empty(world.InstancesNotJoined);
        var eks = world.Cloud!.Eks;
        var own = Assert.Single(eks.NodegroupInstanceIds("isolated", "ng-1"));
        var subnet = world.Cloud.Ec2Backend.DescribeInstances(DescribeRequest.ForIds(own))[0].Instances[0].SubnetId;
        var finding = Assert.Single(WorldLint.Run(world), f => f.Check == NodegroupNodesCannotJoin.Id);
        Assert.Equal((LintSeverity.Warning, "NodeGroup ng-1"), (finding.Severity, finding.Object));
        Assert.StartsWith($"a new instance of ng-1 in {subnet} (a scale-up, a replacement) would never join the cluster, which EKS reports as NodeCreationFailure (\"Instances failed to join the kubernetes cluster\"): judged by {own}, its kubelet cannot reach the cluster's public endpoint ", finding.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(WorldLint.Run(ExampleWorlds.Load("hello-eks")), f => f.Check == NodegroupNodesCannotJoin.Id);

        eks.UpdateNodegroupDesiredSize("isolated", "ng-1", 2);
        world.Settle();

        Assert.Single(world.ControlPlane.Store.List("v1", "Node").Items);
        var added = Assert.Single(world.InstancesNotJoined);
        Assert.Contains("no route to 198.51.100.10", added.Value, StringComparison.Ordinal);
        var group = eks.DescribeNodegroup("isolated", "ng-1");
        Assert.Equal((NodegroupStatus.Degraded, "NodeCreationFailure", added.Key), (group.Status, group.Health.Issues.Single().Code, group.Health.Issues.Single().ResourceIds.Single()));
    }
}
