using Amazon.EC2;
using Amazon.EC2.Model;
using Amazon.Runtime;
using Podnet.Tests.TestSupport;
using Ec2Filter = Amazon.EC2.Model.Filter;

namespace Podnet.Tests.Server.Aws;

/// <summary>
/// The served EC2 API through a second client, the AWS SDK for .NET (AWSSDK.EC2 4.0.132.2): its own serializer and
/// its own XML unmarshallers read what Podnet writes, so a wire name or a shape the aws CLI forgives shows here.
/// </summary>
public sealed class AwsSdkEc2Tests : IClassFixture<ServedWorld>, IDisposable
{
    private readonly ServedWorld _world;
    private readonly AmazonEC2Client _ec2;

    public AwsSdkEc2Tests(ServedWorld world)
    {
        _world = world;
        _ec2 = new AmazonEC2Client(
            new BasicAWSCredentials("AKIAPODNETADMIN00001", "podnet/emulated/secret/key/not/checked00"),
            new AmazonEC2Config
            {
                ServiceURL = world.Server.Aws.Address.ToString(),
                AuthenticationRegion = "us-west-2",
                MaxErrorRetry = 0,
                Timeout = TimeSpan.FromSeconds(30),
            });
    }

    public void Dispose() => _ec2.Dispose();

    private async Task<string> ClusterVpcIdAsync()
    {
        var vpcs = await _ec2.DescribeVpcsAsync(new DescribeVpcsRequest());
        return Assert.Single(vpcs.Vpcs, v => v.CidrBlock == "192.168.0.0/16").VpcId;
    }

    [Fact]
    public async Task DescribeVpcsAndSubnets_ParseTheServedWorld()
    {
        var vpcs = await _ec2.DescribeVpcsAsync(new DescribeVpcsRequest());
        var vpc = Assert.Single(vpcs.Vpcs, v => v.CidrBlock == "192.168.0.0/16");
        Assert.Matches("^vpc-[0-9a-f]{17}$", vpc.VpcId);
        Assert.Equal("123456789012", vpc.OwnerId);
        Assert.Equal(VpcState.Available, vpc.State);
        Assert.Equal("associated", vpc.CidrBlockAssociationSet.Single().CidrBlockState.State.Value);

        var subnets = await _ec2.DescribeSubnetsAsync(new DescribeSubnetsRequest { Filters = [new Ec2Filter("vpc-id", [vpc.VpcId])] });
        Assert.Contains(subnets.Subnets, s => s.CidrBlock == "192.168.0.0/19" && s.AvailabilityZone == "us-west-2a" && s.AvailabilityZoneId == "usw2-az1");
        Assert.All(subnets.Subnets, s => Assert.True(s.AvailableIpAddressCount > 0));
        Assert.All(subnets.Subnets, s => Assert.Equal(HostnameType.IpName, s.PrivateDnsNameOptionsOnLaunch.HostnameType));

        var zones = await _ec2.DescribeAvailabilityZonesAsync(new DescribeAvailabilityZonesRequest { ZoneNames = ["us-west-2b"] });
        Assert.Equal(("us-west-2b", "usw2-az2", "us-west-2"), (zones.AvailabilityZones.Single().ZoneName, zones.AvailabilityZones.Single().ZoneId, zones.AvailabilityZones.Single().RegionName));
    }

    [Fact]
    public async Task CreateAuthorizeRevokeDelete_SecurityGroup()
    {
        var vpcId = await ClusterVpcIdAsync();
        var created = await _ec2.CreateSecurityGroupAsync(new CreateSecurityGroupRequest("sdk-pods", "SDK pods") { VpcId = vpcId });
        Assert.Matches("^sg-[0-9a-f]{17}$", created.GroupId);

        var authorized = await _ec2.AuthorizeSecurityGroupIngressAsync(new AuthorizeSecurityGroupIngressRequest
        {
            GroupId = created.GroupId,
            IpPermissions =
            [
                new IpPermission { IpProtocol = "tcp", FromPort = 53, ToPort = 53, UserIdGroupPairs = [new UserIdGroupPair { GroupId = created.GroupId }] },
                new IpPermission { IpProtocol = "udp", FromPort = 53, ToPort = 53, Ipv4Ranges = [new IpRange { CidrIp = "10.0.0.0/8", Description = "vpc" }] },
            ],
        });
        Assert.True(authorized.Return);
        Assert.Equal(2, authorized.SecurityGroupRules.Count);
        var tcp = authorized.SecurityGroupRules.Single(r => r.IpProtocol == "tcp");
        Assert.Equal((53, 53, false, created.GroupId), (tcp.FromPort, tcp.ToPort, tcp.IsEgress, tcp.ReferencedGroupInfo.GroupId));

        var described = (await _ec2.DescribeSecurityGroupsAsync(new DescribeSecurityGroupsRequest { GroupIds = [created.GroupId] })).SecurityGroups.Single();
        Assert.Equal(("sdk-pods", "SDK pods", vpcId), (described.GroupName, described.Description, described.VpcId));
        Assert.Equal(created.GroupId, described.IpPermissions.Single(p => p.IpProtocol == "tcp").UserIdGroupPairs.Single().GroupId);
        Assert.Equal(("10.0.0.0/8", "vpc"), (described.IpPermissions.Single(p => p.IpProtocol == "udp").Ipv4Ranges.Single().CidrIp, described.IpPermissions.Single(p => p.IpProtocol == "udp").Ipv4Ranges.Single().Description));

        var revoked = await _ec2.RevokeSecurityGroupIngressAsync(new RevokeSecurityGroupIngressRequest { GroupId = created.GroupId, SecurityGroupRuleIds = [tcp.SecurityGroupRuleId] });
        Assert.True(revoked.Return);
        Assert.Equal(tcp.SecurityGroupRuleId, revoked.RevokedSecurityGroupRules.Single().SecurityGroupRuleId);
        var rules = await _ec2.DescribeSecurityGroupRulesAsync(new DescribeSecurityGroupRulesRequest { Filters = [new Ec2Filter("group-id", [created.GroupId])] });
        Assert.DoesNotContain(rules.SecurityGroupRules, r => r.SecurityGroupRuleId == tcp.SecurityGroupRuleId);
        Assert.Contains(rules.SecurityGroupRules, r => r.IpProtocol == "udp" && r.CidrIpv4 == "10.0.0.0/8");

        await _ec2.DeleteSecurityGroupAsync(new DeleteSecurityGroupRequest { GroupId = created.GroupId });
        var gone = await Assert.ThrowsAsync<AmazonEC2Exception>(() => _ec2.DescribeSecurityGroupsAsync(new DescribeSecurityGroupsRequest { GroupIds = [created.GroupId] }));
        Assert.Equal("InvalidGroup.NotFound", gone.ErrorCode);
        Assert.Equal($"The security group '{created.GroupId}' does not exist", gone.Message);
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, gone.StatusCode);
    }

    [Fact]
    public async Task CreateNetworkInterface_ThenPageThroughThemWithThePaginator()
    {
        var vpcId = await ClusterVpcIdAsync();
        var subnet = (await _ec2.CreateSubnetAsync(new CreateSubnetRequest { VpcId = vpcId, CidrBlock = "192.168.210.0/26", AvailabilityZone = "us-west-2c" })).Subnet;
        Assert.Equal(("us-west-2c", 59), (subnet.AvailabilityZone, subnet.AvailableIpAddressCount));

        var created = new List<string>();
        foreach (var i in Enumerable.Range(0, 7))
        {
            var eni = (await _ec2.CreateNetworkInterfaceAsync(new CreateNetworkInterfaceRequest
            {
                SubnetId = subnet.SubnetId,
                Description = $"sdk-{i}",
                SecondaryPrivateIpAddressCount = 1,
                TagSpecifications = [new TagSpecification { ResourceType = ResourceType.NetworkInterface, Tags = [new Tag("cluster", "sdk")] }],
            })).NetworkInterface;
            Assert.Equal((NetworkInterfaceStatus.Available, subnet.SubnetId, vpcId, $"sdk-{i}"), (eni.Status, eni.SubnetId, eni.VpcId, eni.Description));
            Assert.Equal(2, eni.PrivateIpAddresses.Count);
            Assert.True(eni.PrivateIpAddresses.Single(a => a.PrivateIpAddress == eni.PrivateIpAddress).Primary);
            Assert.Equal("sdk", eni.TagSet.Single(t => t.Key == "cluster").Value);
            created.Add(eni.NetworkInterfaceId);
        }

        // The SDK's paginator sends MaxResults, follows nextToken and stops when there is none.
        var paged = new List<string>();
        var pages = 0;
        await foreach (var page in _ec2.Paginators.DescribeNetworkInterfaces(new DescribeNetworkInterfacesRequest
        {
            MaxResults = 5,
            Filters = [new Ec2Filter("subnet-id", [subnet.SubnetId]), new Ec2Filter("tag:cluster", ["sdk"])],
        }).Responses)
        {
            pages++;
            paged.AddRange(page.NetworkInterfaces.Select(n => n.NetworkInterfaceId));
        }

        Assert.Equal(2, pages);
        Assert.Equal(created, paged);

        var assigned = await _ec2.AssignPrivateIpAddressesAsync(new AssignPrivateIpAddressesRequest { NetworkInterfaceId = created[0], SecondaryPrivateIpAddressCount = 2 });
        Assert.Equal(2, assigned.AssignedPrivateIpAddresses.Count);
        Assert.All(assigned.AssignedPrivateIpAddresses, a => Assert.StartsWith("192.168.210.", a.PrivateIpAddress, StringComparison.Ordinal));
    }
}
