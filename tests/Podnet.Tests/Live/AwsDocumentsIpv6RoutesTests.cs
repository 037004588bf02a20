using Amazon.EC2;
using Amazon.EC2.Model;
using Podnet.Live;
using Podnet.World;

namespace Podnet.Tests.Live;

/// <summary>
/// A snapshot keeps a dual-stack VPC's IPv6 routes: an <c>EgressOnlyInternetGateway</c> document per egress-only
/// gateway of the VPC, and the <c>::/0</c> routes to it and to the internet gateway, with their IDs; a route to a gateway
/// the snapshot did not read is left out with a note.
/// </summary>
public class AwsDocumentsIpv6RoutesTests
{
    private const string VpcId = "vpc-0a1b2c3d4e5f60718";
    private const string Igw = "igw-0a1b2c3d4e5f60718";
    private const string Eigw = "eigw-0a1b2c3d4e5f60718";

    private static Ec2Inventory Inventory()
    {
        var vpc = new Vpc
        {
            VpcId = VpcId,
            CidrBlock = "10.0.0.0/16",
            Ipv6CidrBlockAssociationSet = [new VpcIpv6CidrBlockAssociation { Ipv6CidrBlock = "2600:1f14:a11:5e00::/56", Ipv6Pool = "Amazon", Ipv6CidrBlockState = new VpcCidrBlockState { State = VpcCidrBlockStateCode.Associated } }],
        };
        var subnet = new Subnet { SubnetId = "subnet-0a1b2c3d4e5f60718", VpcId = VpcId, CidrBlock = "10.0.1.0/24", AvailabilityZone = "us-west-2a" };
        var igw = new InternetGateway { InternetGatewayId = Igw, Attachments = [new InternetGatewayAttachment { VpcId = VpcId, State = AttachmentStatus.Attached }] };
        var eigw = new EgressOnlyInternetGateway { EgressOnlyInternetGatewayId = Eigw, Attachments = [new InternetGatewayAttachment { VpcId = VpcId, State = AttachmentStatus.Attached }], Tags = [new Tag("Name", "private-egress")] };
        var privateTable = new RouteTable
        {
            RouteTableId = "rtb-0a1b2c3d4e5f60718",
            VpcId = VpcId,
            Routes =
            [
                new Route { DestinationCidrBlock = "10.0.0.0/16", GatewayId = "local" },
                new Route { DestinationIpv6CidrBlock = "2600:1f14:a11:5e00::/56", GatewayId = "local" },
                new Route { DestinationIpv6CidrBlock = "::/0", EgressOnlyInternetGatewayId = Eigw },
                new Route { DestinationIpv6CidrBlock = "2001:db8::/32", EgressOnlyInternetGatewayId = "eigw-0ffffffffffffffff" },
            ],
            Associations = [new RouteTableAssociation { RouteTableAssociationId = "rtbassoc-0a1b2c3d4e5f60718", SubnetId = subnet.SubnetId }],
        };
        var publicTable = new RouteTable
        {
            RouteTableId = "rtb-0a1b2c3d4e5f60719",
            VpcId = VpcId,
            Routes = [new Route { DestinationIpv6CidrBlock = "::/0", GatewayId = Igw }],
        };
        return Ec2Inventory.Empty("us-west-2") with
        {
            Vpcs = [vpc],
            Subnets = [subnet],
            RouteTables = [privateTable, publicTable],
            InternetGateways = [igw],
            EgressOnlyInternetGateways = [eigw],
        };
    }

    [Fact]
    public void Snapshot_KeepsTheEgressOnlyGatewayAndTheIpv6Routes_WithTheirIds()
    {
        var result = AwsDocuments.From(Inventory(), new AwsDocuments.ClusterFacts(null, null, new Dictionary<string, int>()));

        var eigw = Assert.Single(result.Documents, d => d["kind"]!.GetValue<string>() == "EgressOnlyInternetGateway");
        Assert.Equal(Eigw, eigw["spec"]!["EgressOnlyInternetGatewayId"]!.GetValue<string>());
        Assert.Equal(["route table rtb-0a1b2c3d4e5f60718: the route 2001:db8::/32 → eigw-0ffffffffffffffff is to an egress-only internet gateway of no VPC read (a blackhole): left out"], result.Notes.Where(n => n.Contains("route", StringComparison.Ordinal)));

        var world = WorldLoader.Load([new WorldSource("snapshot.yaml", Podnet.Kube.Serialization.YamlManifests.ToYamlDocuments(result.Documents))]);
        var ec2 = world.Cloud!.Ec2Backend;
        Assert.Equal(Eigw, Assert.Single(ec2.DescribeEgressOnlyInternetGateways()).EgressOnlyInternetGatewayId);
        string Ipv6Routes(string tableId) => string.Join(", ", ec2.DescribeRouteTables(Podnet.Aws.Ec2.DescribeRequest.ForIds(tableId))[0].Routes
            .Where(r => r.DestinationIpv6CidrBlock is not null).Select(r => $"{r.DestinationIpv6CidrBlock}→{r.Target}"));
        Assert.Equal("2600:1f14:a11:5e00::/56→local, ::/0→" + Eigw, Ipv6Routes("rtb-0a1b2c3d4e5f60718"));
        Assert.Equal("2600:1f14:a11:5e00::/56→local, ::/0→" + Igw, Ipv6Routes("rtb-0a1b2c3d4e5f60719"));
    }
}
