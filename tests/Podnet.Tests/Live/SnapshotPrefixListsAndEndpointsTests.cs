using System.Net;
using System.Text.Json.Nodes;
using Amazon.EC2.Model;
using Podnet.Live;
using Podnet.Policy;
using Podnet.Tests.TestSupport;
using Podnet.World;

namespace Podnet.Tests.Live;

/// <summary>
/// A VPC with the account's own managed prefix list (named by a rule and a route), a rule naming the region's
/// AWS-managed S3 list and a gateway endpoint for S3, served as <c>podnet up</c> serves it, so the snapshot reads it
/// through the AWS SDK as it reads an account.
/// </summary>
public sealed class ServedPrefixListWorld : ServedWorld
{
    public const string Yaml = """
        apiVersion: aws.podnet.dev/v1alpha1
        kind: Vpc
        metadata:
          name: vpc
        spec:
          CidrBlock: 10.50.0.0/16
        ---
        apiVersion: aws.podnet.dev/v1alpha1
        kind: Subnet
        metadata:
          name: public-a
        spec:
          Vpc: vpc
          CidrBlock: 10.50.0.0/24
          AvailabilityZone: us-west-2a
          MapPublicIpOnLaunch: true
        ---
        apiVersion: aws.podnet.dev/v1alpha1
        kind: Subnet
        metadata:
          name: private-a
        spec:
          Vpc: vpc
          CidrBlock: 10.50.1.0/24
          AvailabilityZone: us-west-2a
        ---
        apiVersion: aws.podnet.dev/v1alpha1
        kind: ManagedPrefixList
        metadata:
          name: office
        spec:
          AddressFamily: IPv4
          MaxEntries: 5
          Entries:
          - {Cidr: 203.0.113.0/24, Description: hq}
          - {Cidr: 198.51.100.0/24}
          Tags: {team: net}
        ---
        apiVersion: aws.podnet.dev/v1alpha1
        kind: InternetGateway
        metadata:
          name: igw
        spec:
          Attachments: [{VpcId: vpc}]
        ---
        apiVersion: aws.podnet.dev/v1alpha1
        kind: RouteTable
        metadata:
          name: public
        spec:
          VpcId: vpc
          Routes:
          - {DestinationPrefixListId: office, GatewayId: igw}
          Associations: [{SubnetId: public-a}]
        ---
        apiVersion: aws.podnet.dev/v1alpha1
        kind: RouteTable
        metadata:
          name: private
        spec:
          VpcId: vpc
          Associations: [{SubnetId: private-a}]
        ---
        apiVersion: aws.podnet.dev/v1alpha1
        kind: VpcEndpoint
        metadata:
          name: s3
        spec:
          VpcId: vpc
          ServiceName: com.amazonaws.us-west-2.s3
          RouteTableIds: [private]
        ---
        apiVersion: aws.podnet.dev/v1alpha1
        kind: SecurityGroup
        metadata:
          name: db
        spec:
          Vpc: vpc
          GroupName: db
          Description: database
          IpPermissions:
          - IpProtocol: tcp
            FromPort: 5432
            ToPort: 5432
            PrefixListIds: [{PrefixListId: office, Description: from the office}]
          IpPermissionsEgress:
          - IpProtocol: tcp
            FromPort: 443
            ToPort: 443
            PrefixListIds: [{PrefixListId: com.amazonaws.us-west-2.s3}]
        ---
        apiVersion: aws.podnet.dev/v1alpha1
        kind: NetworkInterface
        metadata:
          name: db-a
        spec:
          NetworkInterfaceId: eni-0a1b2c3d4e5f60719
          SubnetId: private-a
          Groups: [db]
          PrivateIpAddresses: [{PrivateIpAddress: 10.50.1.10, Primary: true}]
        ---
        apiVersion: aws.podnet.dev/v1alpha1
        kind: NetworkInterface
        metadata:
          name: web-a
        spec:
          NetworkInterfaceId: eni-0a1b2c3d4e5f6071a
          SubnetId: public-a
          Groups: [db]
          PrivateIpAddresses: [{PrivateIpAddress: 10.50.0.10, Primary: true}]
        """;

    public ServedPrefixListWorld()
        : base(time => WorldLoader.Load([new WorldSource("prefix-lists.yaml", Yaml)], time: time))
    {
    }
}

/// <summary>
/// <c>podnet snapshot</c>'s prefix lists and VPC endpoints: the account's own lists are written as
/// <c>ManagedPrefixList</c> documents, AWS-managed ones are not (the region has them built in), gateway endpoints as
/// <c>VpcEndpoint</c> documents whose tables get their routes again, other endpoints are said and left out.
/// </summary>
public sealed class SnapshotPrefixListsAndEndpointsTests(ServedPrefixListWorld world) : IClassFixture<ServedPrefixListWorld>
{
    private static readonly AwsDocuments.ClusterFacts NoCluster = new(null, null, new Dictionary<string, int>());

    private async Task<(AwsDocuments.Result Result, Ec2Inventory Inventory)> SnapshotAsync()
    {
        using var reader = new Ec2Reader(new Amazon.EC2.AmazonEC2Client(
            new Amazon.Runtime.BasicAWSCredentials(world.Server.Aws.AccessKeyId, world.Server.Aws.SecretAccessKey),
            new Amazon.EC2.AmazonEC2Config { ServiceURL = world.Server.Aws.Address.ToString(), AuthenticationRegion = "us-west-2", MaxErrorRetry = 0 }));
        var vpcId = world.Server.Cluster.Read(() => world.Server.Cluster.World.Cloud!.Ec2Backend.DescribeVpcs()[0].VpcId);
        var inventory = await reader.ReadVpcsAsync([vpcId]);
        return (AwsDocuments.From(inventory, NoCluster), inventory);
    }

    private static List<JsonNode> Specs(AwsDocuments.Result result, string kind)
        => [.. result.Documents.Where(d => d["kind"]!.GetValue<string>() == kind).Select(d => d["spec"]!)];

    private static string Routes(Podnet.Aws.Ec2.Ec2Backend ec2)
        => string.Join("\n", ec2.DescribeRouteTables().OrderBy(t => t.RouteTableId, StringComparer.Ordinal).Select(t =>
            $"{t.RouteTableId} {string.Join(", ", t.Routes.Select(r => $"{r.DestinationCidrBlock ?? r.DestinationPrefixListId}→{r.GatewayId ?? r.NatGatewayId} {r.Origin}"))} [{string.Join(", ", t.Associations.Select(a => a.Main ? "main" : a.SubnetId))}]"));

    private static string Rules(Podnet.Aws.Ec2.Ec2Backend ec2)
        => string.Join("\n", ec2.DescribeSecurityGroups().Where(g => g.GroupName != "default").OrderBy(g => g.GroupId, StringComparer.Ordinal).SelectMany(g =>
            g.IpPermissions.Select(p => ("in", p)).Concat(g.IpPermissionsEgress.Select(p => ("out", p))).Select(x =>
                $"{g.GroupId} {x.Item1} {x.p.IpProtocol} {x.p.FromPort}-{x.p.ToPort} {string.Join(",", (x.p.IpRanges ?? []).Select(r => r.CidrIp))} {string.Join(",", (x.p.PrefixListIds ?? []).Select(l => $"{l.Id}/{l.Description}"))}")));

    private static string Lists(Podnet.Aws.Ec2.Ec2Backend ec2)
        => string.Join("\n", ec2.DescribeManagedPrefixLists().OrderBy(l => l.PrefixListId, StringComparer.Ordinal).Select(l =>
            $"{l.PrefixListId} {l.PrefixListName} {l.OwnerId} {l.AddressFamily} {l.MaxEntries} [{string.Join(", ", ec2.GetManagedPrefixListEntries(l.PrefixListId).Select(e => $"{e.Cidr}/{e.Description}"))}]"));

    [Fact]
    public async Task Snapshot_PrefixListsAndGatewayEndpoint_LoadBackWithTheSameRoutesRulesAndVerdicts()
    {
        var (result, _) = await SnapshotAsync();

        var loaded = WorldLoader.Load([new WorldSource("snapshot.yaml", Podnet.Kube.Serialization.YamlManifests.ToYamlDocuments(result.Documents))]).Cloud!.Ec2Backend;

        var (routes, rules, lists, endpoints, served) = world.Server.Cluster.Read(() =>
        {
            var ec2 = world.Server.Cluster.World.Cloud!.Ec2Backend;
            return (Routes(ec2), Rules(ec2), Lists(ec2), ec2.DescribeVpcEndpoints(), Verdicts(ec2));
        });
        Assert.Equal(routes, Routes(loaded));
        Assert.Equal(rules, Rules(loaded));
        Assert.Equal(lists, Lists(loaded));
        var endpoint = Assert.Single(endpoints);
        var again = Assert.Single(loaded.DescribeVpcEndpoints());
        Assert.Equal((endpoint.VpcEndpointId, endpoint.ServiceName, endpoint.State, string.Join(",", endpoint.RouteTableIds)), (again.VpcEndpointId, again.ServiceName, again.State, string.Join(",", again.RouteTableIds)));

        // The VPC router decides as it did on the account: S3 through the endpoint from the private subnet; the
        // office by its list's route to the internet gateway from the public one (which drops it there: a detached
        // interface has no public address).
        Assert.Equal(served, Verdicts(loaded));
        Assert.Contains($"through gateway endpoint {endpoint.VpcEndpointId}", served[0], StringComparison.Ordinal);
        Assert.Contains("(office) 203.0.113.0/24 → igw-", served[1], StringComparison.Ordinal);
    }

    private static string[] Verdicts(Podnet.Aws.Ec2.Ec2Backend ec2)
    {
        var router = new VpcRouter(ec2);
        var db = ec2.DescribeNetworkInterfaces().Single(n => n.NetworkInterfaceId == "eni-0a1b2c3d4e5f60719");
        var web = ec2.DescribeNetworkInterfaces().Single(n => n.NetworkInterfaceId == "eni-0a1b2c3d4e5f6071a");
        return
        [
            router.Out(db, IPAddress.Parse("10.50.1.10"), IPAddress.Parse("52.92.32.5")).Detail,
            router.Out(web, IPAddress.Parse("10.50.0.10"), IPAddress.Parse("203.0.113.9")).Detail,
        ];
    }

    [Fact]
    public async Task Snapshot_AccountsOwnList_IsAManagedPrefixListDocument_WithItsEntries()
    {
        var (result, inventory) = await SnapshotAsync();

        var list = Assert.Single(Specs(result, "ManagedPrefixList"));
        var id = list["PrefixListId"]!.GetValue<string>();
        Assert.Equal(inventory.AccountId, inventory.ManagedPrefixLists.Single(l => l.PrefixListId == id).OwnerId);
        Assert.Equal($$$"""{"PrefixListId":"{{{id}}}","PrefixListName":"office","AddressFamily":"IPv4","MaxEntries":5,"Entries":[{"Cidr":"203.0.113.0/24","Description":"hq"},{"Cidr":"198.51.100.0/24"}],"Tags":{"Name":"office","team":"net"}}""", list.ToJsonString());
        var group = Assert.Single(Specs(result, "SecurityGroup"));
        Assert.Equal($$"""[{"IpProtocol":"tcp","FromPort":5432,"ToPort":5432,"PrefixListIds":[{"PrefixListId":"{{id}}","Description":"from the office"}]}]""", group["IpPermissions"]!.ToJsonString());
        var publicTable = Specs(result, "RouteTable").Single(t => t["Routes"] is not null);
        Assert.Equal($$"""[{"DestinationPrefixListId":"{{id}}","GatewayId":"{{Assert.Single(Specs(result, "InternetGateway"))["InternetGatewayId"]}}"}]""", publicTable["Routes"]!.ToJsonString());
    }

    [Fact]
    public async Task Snapshot_AwsManagedList_IsNotWritten_AndTheRuleKeepsItsId()
    {
        var (result, inventory) = await SnapshotAsync();

        // describe-managed-prefix-lists listed the region's AWS-managed lists beside the account's; none is written.
        Assert.Contains(inventory.ManagedPrefixLists, l => l is { OwnerId: "AWS", PrefixListId: "pl-68a54001" });
        Assert.DoesNotContain(Specs(result, "ManagedPrefixList"), l => l["PrefixListId"]!.GetValue<string>() == "pl-68a54001" || l["PrefixListName"]!.GetValue<string>().StartsWith("com.amazonaws.", StringComparison.Ordinal));
        var group = Assert.Single(Specs(result, "SecurityGroup"));
        Assert.Equal("""[{"IpProtocol":"tcp","FromPort":443,"ToPort":443,"PrefixListIds":[{"PrefixListId":"pl-68a54001"}]}]""", group["IpPermissionsEgress"]!.ToJsonString());

        // The endpoint's route (pl-68a54001 → vpce-…) is its VpcEndpoint's, not the table's.
        var endpoint = Assert.Single(Specs(result, "VpcEndpoint"));
        var privateTable = endpoint["RouteTableIds"]![0]!.GetValue<string>();
        Assert.Null(Specs(result, "RouteTable").Single(t => t["RouteTableId"]!.GetValue<string>() == privateTable)["Routes"]);
        Assert.Equal(("com.amazonaws.us-west-2.s3", "Gateway"), (endpoint["ServiceName"]!.GetValue<string>(), endpoint["VpcEndpointType"]!.GetValue<string>()));
        Assert.Contains("prefix list pl-68a54001 is AWS-managed (com.amazonaws.us-west-2.s3): not written, the world's region has it built in, with Podnet's sample of the service's ranges rather than the account's current entries", result.Notes);
    }

    /// <summary>An inventory of one VPC and its main table, in us-west-2, of account 111122223333.</summary>
    private static Ec2Inventory Inventory(IReadOnlyList<ManagedPrefixList> lists, IReadOnlyList<VpcEndpoint> endpoints, IReadOnlyList<SecurityGroup> groups, IReadOnlyList<Route> routes)
        => new("us-west-2",
            [new Vpc { VpcId = "vpc-0123456789abcdef0", CidrBlock = "10.0.0.0/16", OwnerId = "111122223333" }],
            [], groups, [], [],
            [new RouteTable { RouteTableId = "rtb-0123456789abcdef0", VpcId = "vpc-0123456789abcdef0", Routes = [.. routes], Associations = [new RouteTableAssociation { Main = true, RouteTableAssociationId = "rtbassoc-0123456789abcdef0" }] }],
            [], [], [])
        {
            AccountId = "111122223333",
            ManagedPrefixLists = lists,
            VpcEndpoints = endpoints,
        };

    [Fact]
    public void From_InterfaceEndpoint_IsLeftOutWithANote_AndItsRoutesToo()
    {
        var inventory = Inventory([], [
            new VpcEndpoint { VpcEndpointId = "vpce-0aaaaaaaaaaaaaaa1", VpcId = "vpc-0123456789abcdef0", ServiceName = "com.amazonaws.us-west-2.ecr.api", VpcEndpointType = "Interface", State = "available" },
            new VpcEndpoint { VpcEndpointId = "vpce-0aaaaaaaaaaaaaaa2", VpcId = "vpc-0123456789abcdef0", ServiceName = "com.amazonaws.us-west-2.dynamodb", VpcEndpointType = "Gateway", State = "deleting", RouteTableIds = ["rtb-0123456789abcdef0"] },
        ], [], [new Route { DestinationPrefixListId = "pl-00a54069", GatewayId = "vpce-0aaaaaaaaaaaaaaa2", Origin = "CreateRoute" }]);

        var result = AwsDocuments.From(inventory, NoCluster);

        Assert.Empty(Specs(result, "VpcEndpoint"));
        Assert.Contains("VPC endpoint vpce-0aaaaaaaaaaaaaaa1 (com.amazonaws.us-west-2.ecr.api) is an Interface endpoint, which Podnet does not emulate (gateway endpoints only): left out, and its routes", result.Notes);
        Assert.Contains("VPC endpoint vpce-0aaaaaaaaaaaaaaa2 (com.amazonaws.us-west-2.dynamodb) is deleting: left out, and its routes", result.Notes);
        Assert.Contains("route table rtb-0123456789abcdef0: the route pl-00a54069 → vpce-0aaaaaaaaaaaaaaa2 is to a VPC endpoint the world does not have (above): left out", result.Notes);
        Assert.Null(Assert.Single(Specs(result, "RouteTable"))["Routes"]);
    }

    [Fact]
    public void From_ListSharedByAnotherAccount_IsNotWritten_AndThatPartOfTheRuleIsLeftOut()
    {
        var group = new SecurityGroup
        {
            GroupId = "sg-0123456789abcdef0", GroupName = "app", Description = "app", VpcId = "vpc-0123456789abcdef0",
            IpPermissions = [new IpPermission { IpProtocol = "tcp", FromPort = 80, ToPort = 80, Ipv4Ranges = [new IpRange { CidrIp = "10.0.0.0/8" }], PrefixListIds = [new PrefixListId { Id = "pl-0bbbbbbbbbbbbbbb1" }] }],
            IpPermissionsEgress = [],
        };
        var inventory = Inventory([new ManagedPrefixList { PrefixListId = "pl-0bbbbbbbbbbbbbbb1", PrefixListName = "partners", OwnerId = "444455556666", AddressFamily = "IPv4", MaxEntries = 10, State = "create-complete" }], [], [group], []);

        var result = AwsDocuments.From(inventory, NoCluster);

        Assert.Empty(Specs(result, "ManagedPrefixList"));
        Assert.Equal("""[{"IpProtocol":"tcp","FromPort":80,"ToPort":80,"IpRanges":[{"CidrIp":"10.0.0.0/8"}]}]""", Assert.Single(Specs(result, "SecurityGroup"))["IpPermissions"]!.ToJsonString());
        Assert.Contains("security group sg-0123456789abcdef0: a rule (tcp 80-80) names the prefix list pl-0bbbbbbbbbbbbbbb1 (partners) of account 444455556666, shared with this one: a world has only its own account's lists; left out", result.Notes);
    }

    [Fact]
    public void From_AwsManagedListWithAnotherIdThanPodnets_IsNamedByItsName_AndLoads()
    {
        // A real account's S3 list may carry an ID Podnet's us-west-2 list does not: the rule names it by its name.
        var group = new SecurityGroup
        {
            GroupId = "sg-0123456789abcdef0", GroupName = "app", Description = "app", VpcId = "vpc-0123456789abcdef0",
            IpPermissions = [],
            IpPermissionsEgress = [new IpPermission { IpProtocol = "tcp", FromPort = 443, ToPort = 443, PrefixListIds = [new PrefixListId { Id = "pl-0ccccccccccccccc1" }] }],
        };
        var inventory = Inventory([new ManagedPrefixList { PrefixListId = "pl-0ccccccccccccccc1", PrefixListName = "com.amazonaws.us-west-2.s3", OwnerId = "AWS", AddressFamily = "IPv4", MaxEntries = 5, State = "create-complete" }], [], [group], []);

        var result = AwsDocuments.From(inventory, NoCluster);

        Assert.Empty(Specs(result, "ManagedPrefixList"));
        Assert.Equal("""[{"IpProtocol":"tcp","FromPort":443,"ToPort":443,"PrefixListIds":[{"PrefixListId":"com.amazonaws.us-west-2.s3"}]}]""", Assert.Single(Specs(result, "SecurityGroup"))["IpPermissionsEgress"]!.ToJsonString());
        var world = WorldLoader.Load([new WorldSource("snapshot.yaml", Podnet.Kube.Serialization.YamlManifests.ToYamlDocuments(result.Documents))]);
        var rule = Assert.Single(world.Cloud!.Ec2Backend.DescribeSecurityGroups().Single(g => g.GroupId == "sg-0123456789abcdef0").IpPermissionsEgress);
        Assert.Equal("pl-68a54001", Assert.Single(rule.PrefixListIds!).Id);
    }
}
