using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Amazon.EC2;
using Amazon.EC2.Model;
using Amazon.Runtime;
using Podnet.Live;
using Podnet.Tests.TestSupport;
using Podnet.World;

namespace Podnet.Tests.Live;

/// <summary>
/// The EC2 half of the live adapter against moto's server, an EC2 emulator Podnet did not write: resources created
/// there with the AWS SDK come back through <see cref="Ec2Reader"/> as the world documents that describe them, and
/// the world loader builds them again with the same IDs and rules.
/// </summary>
public sealed class MotoEc2Tests : IDisposable
{
    private const string Install = "moto's server (pip install 'moto[server]', which puts moto_server on PATH)";

    private readonly Process _moto;
    private readonly AmazonEC2Client _client;

    public MotoEc2Tests()
    {
        var program = ExternalProgram.Require("moto_server", Install);
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        _moto = Process.Start(new ProcessStartInfo(program, ["-H", "127.0.0.1", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture)])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        })!;
        _moto.OutputDataReceived += (_, _) => { };
        _moto.ErrorDataReceived += (_, _) => { };
        _moto.BeginOutputReadLine();
        _moto.BeginErrorReadLine();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                client.Connect(IPAddress.Loopback, port);
                break;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline && !_moto.HasExited)
            {
                Thread.Sleep(200);
            }
        }

        Assert.False(_moto.HasExited, $"moto_server exited at start (code {(_moto.HasExited ? _moto.ExitCode : 0)})");
        _client = new AmazonEC2Client(new BasicAWSCredentials("testing", "testing"), new AmazonEC2Config { ServiceURL = $"http://127.0.0.1:{port}", AuthenticationRegion = "us-west-2", MaxErrorRetry = 0 });
    }

    /// <summary>
    /// moto draws a random MAC address: one of digits and colons only (02:00:00:25:45:02) is a YAML 1.1 base-60 integer
    /// unquoted, so the writer quotes it to keep it a string, as go-yaml does; any other is written plain.
    /// </summary>
    private static string MacAddressScalar(string mac)
        => Podnet.Kube.Serialization.YamlScalarResolver.NeedsQuotesToStayString(mac) ? $"\"{mac}\"" : mac;

    [Fact]
    public async Task ReadVpcs_MotosResources_AreTheWorldDocumentsThatDescribeThem()
    {
        var vpc = (await _client.CreateVpcAsync(new CreateVpcRequest { CidrBlock = "10.20.0.0/16" })).Vpc;
        await _client.CreateTagsAsync(new CreateTagsRequest { Resources = [vpc.VpcId], Tags = [new Tag("Name", "moto-vpc")] });
        var subnet = (await _client.CreateSubnetAsync(new CreateSubnetRequest { VpcId = vpc.VpcId, CidrBlock = "10.20.1.0/24", AvailabilityZone = "us-west-2a" })).Subnet;
        var groupId = (await _client.CreateSecurityGroupAsync(new CreateSecurityGroupRequest { VpcId = vpc.VpcId, GroupName = "web", Description = "web servers" })).GroupId;
        await _client.AuthorizeSecurityGroupIngressAsync(new AuthorizeSecurityGroupIngressRequest
        {
            GroupId = groupId,
            IpPermissions =
            [
                new IpPermission { IpProtocol = "tcp", FromPort = 443, ToPort = 443, Ipv4Ranges = [new IpRange { CidrIp = "10.0.0.0/8", Description = "inside" }] },
                new IpPermission { IpProtocol = "tcp", FromPort = 8080, ToPort = 8080, UserIdGroupPairs = [new UserIdGroupPair { GroupId = groupId }] },
            ],
        });
        var eni = (await _client.CreateNetworkInterfaceAsync(new CreateNetworkInterfaceRequest { SubnetId = subnet.SubnetId, Groups = [groupId], PrivateIpAddress = "10.20.1.10" })).NetworkInterface;

        var main = Assert.Single((await _client.DescribeRouteTablesAsync(new DescribeRouteTablesRequest { Filters = [new Filter("vpc-id", [vpc.VpcId])] })).RouteTables);

        using var reader = new Ec2Reader(_client);
        var inventory = await reader.ReadVpcsAsync([vpc.VpcId]);
        Assert.Equal(eni.NetworkInterfaceId, Assert.Single(inventory.NetworkInterfaces).NetworkInterfaceId);
        var result = AwsDocuments.From(inventory, new AwsDocuments.ClusterFacts(null, null, new Dictionary<string, int>()));

        var yaml = Podnet.Kube.Serialization.YamlManifests.ToYamlDocuments(result.Documents);
        Assert.Equal(
            $"""
            apiVersion: aws.podnet.dev/v1alpha1
            kind: Vpc
            metadata:
              name: {vpc.VpcId}
            spec:
              VpcId: {vpc.VpcId}
              CidrBlock: 10.20.0.0/16
              Tags:
                Name: moto-vpc
            ---
            apiVersion: aws.podnet.dev/v1alpha1
            kind: Subnet
            metadata:
              name: {subnet.SubnetId}
            spec:
              SubnetId: {subnet.SubnetId}
              Vpc: {vpc.VpcId}
              CidrBlock: 10.20.1.0/24
              AvailabilityZone: us-west-2a
            ---
            apiVersion: aws.podnet.dev/v1alpha1
            kind: RouteTable
            metadata:
              name: {main.RouteTableId}
            spec:
              RouteTableId: {main.RouteTableId}
              VpcId: {vpc.VpcId}
              Associations:
              - Main: true
                RouteTableAssociationId: {Assert.Single(main.Associations).RouteTableAssociationId}
            ---
            apiVersion: aws.podnet.dev/v1alpha1
            kind: SecurityGroup
            metadata:
              name: {groupId}
            spec:
              GroupId: {groupId}
              GroupName: web
              Description: web servers
              Vpc: {vpc.VpcId}
              IpPermissions:
              - IpProtocol: tcp
                FromPort: 443
                ToPort: 443
                IpRanges:
                - CidrIp: 10.0.0.0/8
                  Description: inside
              - IpProtocol: tcp
                FromPort: 8080
                ToPort: 8080
                UserIdGroupPairs:
                - GroupId: {groupId}
              IpPermissionsEgress:
              - IpProtocol: "-1"
                IpRanges:
                - CidrIp: 0.0.0.0/0
            ---
            apiVersion: aws.podnet.dev/v1alpha1
            kind: NetworkInterface
            metadata:
              name: {eni.NetworkInterfaceId}
            spec:
              NetworkInterfaceId: {eni.NetworkInterfaceId}
              SubnetId: {subnet.SubnetId}
              Groups:
              - {groupId}
              PrivateIpAddresses:
              - PrivateIpAddress: 10.20.1.10
                Primary: true
              MacAddress: {MacAddressScalar(eni.MacAddress)}{(string.IsNullOrEmpty(eni.Description) ? string.Empty : $"\n  Description: {eni.Description}")}

            """.ReplaceLineEndings("\n"),
            yaml);

        // The interface belongs to no instance: the world keeps it detached, with moto's ID, MAC, address and group.
        Assert.DoesNotContain(result.Notes, n => n.Contains(eni.NetworkInterfaceId, StringComparison.Ordinal));
        Assert.DoesNotContain(result.Notes, n => n.Contains("cluster-name", StringComparison.Ordinal) && !n.StartsWith("no security group", StringComparison.Ordinal));

        // The loader builds them again, with moto's IDs and the rules as moto holds them.
        var world = WorldLoader.Load([new WorldSource("moto.yaml", yaml)]);
        var group = world.Cloud!.Ec2Backend.DescribeSecurityGroups().Single(g => g.GroupId == groupId);
        Assert.Equal(vpc.VpcId, group.VpcId);
        Assert.Equal(["tcp 443-443 10.0.0.0/8", $"tcp 8080-8080 {groupId}"], group.IpPermissions.Select(p => $"{p.IpProtocol} {p.FromPort}-{p.ToPort} {string.Join(",", (p.IpRanges ?? []).Select(r => r.CidrIp).Concat((p.UserIdGroupPairs ?? []).Select(u => u.GroupId)))}"));
        Assert.Equal(subnet.SubnetId, world.Cloud.Ec2Backend.DescribeSubnets().Single().SubnetId);
        var kept = Assert.Single(world.Cloud.Ec2Backend.DescribeNetworkInterfaces(), n => n.NetworkInterfaceId == eni.NetworkInterfaceId);
        Assert.Equal(("10.20.1.10", eni.MacAddress, "available"), (kept.PrivateIpAddress, kept.MacAddress, kept.Status));
        Assert.Equal([groupId], kept.Groups.Select(g => g.GroupId));
    }

    [Fact]
    public async Task ReadVpcs_ARuleNamingTheAccountsPrefixList_KeepsTheListAndTheRule_AndTheWorldLoads()
    {
        // moto's list is the account's own (its OwnerId is the VPC's): the snapshot writes it as a ManagedPrefixList
        // with its ID and entries, and the rule keeps naming it.
        var vpc = (await _client.CreateVpcAsync(new CreateVpcRequest { CidrBlock = "10.40.0.0/16" })).Vpc;
        var groupId = (await _client.CreateSecurityGroupAsync(new CreateSecurityGroupRequest { VpcId = vpc.VpcId, GroupName = "db", Description = "db" })).GroupId;
        var list = (await _client.CreateManagedPrefixListAsync(new CreateManagedPrefixListRequest { PrefixListName = "clients", AddressFamily = "IPv4", MaxEntries = 2, Entries = [new AddPrefixListEntry { Cidr = "10.1.0.0/16", Description = "office" }] })).PrefixList;
        await _client.AuthorizeSecurityGroupIngressAsync(new AuthorizeSecurityGroupIngressRequest
        {
            GroupId = groupId,
            IpPermissions = [new IpPermission { IpProtocol = "tcp", FromPort = 5432, ToPort = 5432, Ipv4Ranges = [new IpRange { CidrIp = "10.0.0.0/8" }], PrefixListIds = [new PrefixListId { Id = list.PrefixListId }] }],
        });

        using var reader = new Ec2Reader(_client);
        var inventory = await reader.ReadVpcsAsync([vpc.VpcId]);
        var result = AwsDocuments.From(inventory, new AwsDocuments.ClusterFacts(null, null, new Dictionary<string, int>()));

        Assert.Equal(vpc.OwnerId, inventory.AccountId);
        var written = Assert.Single(result.Documents, d => d["kind"]!.GetValue<string>() == "ManagedPrefixList")["spec"]!;
        Assert.Equal($$"""{"PrefixListId":"{{list.PrefixListId}}","PrefixListName":"clients","AddressFamily":"IPv4","MaxEntries":2,"Entries":[{"Cidr":"10.1.0.0/16","Description":"office"}]}""", written.ToJsonString());
        Assert.DoesNotContain(result.Notes, n => n.Contains(list.PrefixListId, StringComparison.Ordinal));
        var world = WorldLoader.Load([new WorldSource("moto.yaml", Podnet.Kube.Serialization.YamlManifests.ToYamlDocuments(result.Documents))]);
        var rule = Assert.Single(world.Cloud!.Ec2Backend.DescribeSecurityGroups().Single(g => g.GroupId == groupId).IpPermissions);
        Assert.Equal(("10.0.0.0/8", list.PrefixListId), (Assert.Single(rule.IpRanges!).CidrIp, Assert.Single(rule.PrefixListIds!).Id));
        Assert.Equal(["10.1.0.0/16"], world.Cloud.Ec2Backend.GetManagedPrefixListEntries(list.PrefixListId).Select(e => e.Cidr));
    }

    [Fact]
    public async Task ReadVpcs_MotosRoutes_AreTheWorldsRoutes_WithTheirIds()
    {
        var vpc = (await _client.CreateVpcAsync(new CreateVpcRequest { CidrBlock = "10.30.0.0/16" })).Vpc;
        var subnet = (await _client.CreateSubnetAsync(new CreateSubnetRequest { VpcId = vpc.VpcId, CidrBlock = "10.30.1.0/24", AvailabilityZone = "us-west-2a" })).Subnet;
        var igw = (await _client.CreateInternetGatewayAsync(new CreateInternetGatewayRequest())).InternetGateway;
        await _client.AttachInternetGatewayAsync(new AttachInternetGatewayRequest { InternetGatewayId = igw.InternetGatewayId, VpcId = vpc.VpcId });
        var table = (await _client.CreateRouteTableAsync(new CreateRouteTableRequest { VpcId = vpc.VpcId })).RouteTable;
        await _client.CreateRouteAsync(new CreateRouteRequest { RouteTableId = table.RouteTableId, DestinationCidrBlock = "0.0.0.0/0", GatewayId = igw.InternetGatewayId });
        await _client.AssociateRouteTableAsync(new AssociateRouteTableRequest { RouteTableId = table.RouteTableId, SubnetId = subnet.SubnetId });
        var tables = (await _client.DescribeRouteTablesAsync(new DescribeRouteTablesRequest { Filters = [new Filter("vpc-id", [vpc.VpcId])] })).RouteTables;

        using var reader = new Ec2Reader(_client);
        var result = AwsDocuments.From(await reader.ReadVpcsAsync([vpc.VpcId]), new AwsDocuments.ClusterFacts(null, null, new Dictionary<string, int>()));
        Assert.DoesNotContain(result.Notes, n => n.Contains("route", StringComparison.OrdinalIgnoreCase));
        Assert.Equal(["InternetGateway", "RouteTable", "RouteTable"], result.Documents.Select(d => d["kind"]!.GetValue<string>()).Where(k => k is "InternetGateway" or "NatGateway" or "RouteTable"));

        // The loader builds moto's tables again: the same IDs, routes and associations, the main one included.
        var world = WorldLoader.Load([new WorldSource("moto.yaml", Podnet.Kube.Serialization.YamlManifests.ToYamlDocuments(result.Documents))]);
        var expected = tables.OrderBy(t => t.RouteTableId, StringComparer.Ordinal).Select(t =>
            $"{t.RouteTableId} [{string.Join(", ", t.Routes.Select(r => $"{r.DestinationCidrBlock}→{r.GatewayId ?? r.NatGatewayId}"))}] [{string.Join(", ", t.Associations.Select(a => $"{a.RouteTableAssociationId} {(a.Main == true ? "main" : a.SubnetId)}"))}]").ToList();
        var actual = world.Cloud!.Ec2Backend.DescribeRouteTables().OrderBy(t => t.RouteTableId, StringComparer.Ordinal).Select(t =>
            $"{t.RouteTableId} [{string.Join(", ", t.Routes.Select(r => $"{r.DestinationCidrBlock}→{r.NatGatewayId ?? r.GatewayId}"))}] [{string.Join(", ", t.Associations.Select(a => $"{a.RouteTableAssociationId} {(a.Main ? "main" : a.SubnetId)}"))}]").ToList();
        Assert.Equal(expected, actual);
        Assert.Contains($"{table.RouteTableId} [10.30.0.0/16→local, 0.0.0.0/0→{igw.InternetGatewayId}]", string.Join("\n", actual), StringComparison.Ordinal);
        Assert.Equal(igw.InternetGatewayId, Assert.Single(world.Cloud.Ec2Backend.DescribeInternetGateways()).InternetGatewayId);
    }

    public void Dispose()
    {
        _client.Dispose();
        if (!_moto.HasExited)
        {
            _moto.Kill(entireProcessTree: true);
            _moto.WaitForExit();
        }

        _moto.Dispose();
    }
}
