using System.Text.RegularExpressions;
using Podnet.Aws;
using Podnet.Cli.Output;
using Podnet.Tests.TestSupport;
using Podnet.World;

namespace Podnet.Tests.Aws;

public partial class ResourceIdGeneratorTests
{
    /// <summary>Every EC2-style ID (<c>eni-0…</c>, <c>eni-attach-0…</c>, 17 hex digits), MAC address and cluster security group name.</summary>
    [GeneratedRegex(@"\b[a-z]+(?:-[a-z]+)*-0[0-9a-f]{16}\b|\b02(?::[0-9a-f]{2}){5}\b|eks-cluster-sg-podnet-\d+")]
    private static partial Regex GeneratedId();

    /// <summary>An unrelated subnet, put before every other document so that it is created first.</summary>
    private const string UnrelatedSubnet = """
        apiVersion: aws.podnet.dev/v1alpha1
        kind: Subnet
        metadata: {name: spare-us-west-2c}
        spec: {Vpc: podnet-vpc, CidrBlock: 192.168.128.0/19, AvailabilityZone: us-west-2c}
        """;

    /// <summary>An unrelated VPC with a subnet and a security group, before every other document.</summary>
    private const string UnrelatedVpc = """
        apiVersion: aws.podnet.dev/v1alpha1
        kind: Vpc
        metadata: {name: other-vpc}
        spec: {CidrBlock: 10.0.0.0/16}
        ---
        apiVersion: aws.podnet.dev/v1alpha1
        kind: Subnet
        metadata: {name: other-subnet}
        spec: {Vpc: other-vpc, CidrBlock: 10.0.0.0/24, AvailabilityZone: us-west-2a}
        ---
        apiVersion: aws.podnet.dev/v1alpha1
        kind: SecurityGroup
        metadata: {name: other-group}
        spec: {Vpc: other-vpc}
        """;

    /// <summary>
    /// Every generated ID of a settled world with security groups for pods: the VPC, subnets, security groups and
    /// their rules, the nodes' instances, their interfaces (primary, ipamd's, trunks, the pods' branches) with MAC
    /// addresses and attachments, the cluster security group's name, the EKS cluster's endpoint.
    /// </summary>
    private static HashSet<string> Ids(params string[] before)
    {
        var folder = ExampleWorlds.Folder("security-groups-for-pods");
        var files = Directory.GetFiles(folder, "*.yaml").Order(StringComparer.Ordinal).Select(f => new WorldSource(f, File.ReadAllText(f)));
        var world = WorldLoader.Load([.. before.Select((text, i) => new WorldSource($"before-{i}.yaml", text)), .. files]);
        var ids = GeneratedId().Matches(WorldJson.Render(world)).Select(m => m.Value).ToHashSet(StringComparer.Ordinal);
        ids.Add(world.Cloud!.Eks.DescribeCluster("podnet").Endpoint);
        return ids;
    }

    [Theory]
    [InlineData(UnrelatedSubnet, 1)]
    [InlineData(UnrelatedVpc, 6)]
    public void ResourceIds_AddingAnUnrelatedSubnet_KeepsEveryOtherId(string unrelated, int added)
    {
        var before = Ids();
        var after = Ids(unrelated);

        // The branch interfaces alone would do: they are the last made, after every node and its interfaces.
        Assert.Contains(before, id => id.StartsWith("trunk-assoc-", StringComparison.Ordinal));
        Assert.Contains(before, id => id.StartsWith("eks-cluster-sg-podnet-", StringComparison.Ordinal));
        Assert.Empty(before.Except(after));

        // The new objects' own IDs, and nothing else: a subnet; or a VPC (with its DHCP options, CIDR block association
        // and default group), a subnet and a group.
        Assert.Equal(added, after.Except(before).Count());
    }

    [Fact]
    public void Next_SameSeedAndIdentity_IsTheSameWhateverCameBefore()
    {
        var quiet = new ResourceIdGenerator(7);
        var busy = new ResourceIdGenerator(7);
        busy.Next("subnet", "vpc-1|10.0.1.0/24");
        busy.Next("eni", "subnet-1|interface||");

        Assert.Equal(quiet.Next("subnet", "vpc-1|10.0.0.0/24"), busy.Next("subnet", "vpc-1|10.0.0.0/24"));
        Assert.Matches("^subnet-0[0-9a-f]{16}$", new ResourceIdGenerator(7).Next("subnet", "vpc-1|10.0.0.0/24"));
        Assert.NotEqual(new ResourceIdGenerator(7).Next("subnet", "vpc-1|10.0.0.0/24"), new ResourceIdGenerator(8).Next("subnet", "vpc-1|10.0.0.0/24"));
    }

    [Fact]
    public void Next_SameIdentityAgain_IsANewId()
    {
        // A subnet deleted and made again with its block is a new subnet, with a new ID, as on AWS.
        var ids = new ResourceIdGenerator(7);
        var first = ids.Next("subnet", "vpc-1|10.0.0.0/24");
        var second = ids.Next("subnet", "vpc-1|10.0.0.0/24");
        Assert.NotEqual(first, second);

        var again = new ResourceIdGenerator(7);
        Assert.Equal(first, again.Next("subnet", "vpc-1|10.0.0.0/24"));
        Assert.Equal(second, again.Next("subnet", "vpc-1|10.0.0.0/24"));
    }

    [Fact]
    public void MacAddress_IsLocallyAdministered_AndFollowsTheInterface()
    {
        var mac = new ResourceIdGenerator(7).MacAddress("eni-0123456789abcdef0");
        Assert.Matches("^02(:[0-9a-f]{2}){5}$", mac);
        Assert.Equal(mac, new ResourceIdGenerator(7).MacAddress("eni-0123456789abcdef0"));
        Assert.NotEqual(mac, new ResourceIdGenerator(7).MacAddress("eni-0123456789abcdef1"));
    }

    [Fact]
    public void Number_StaysInItsRange()
    {
        var ids = new ResourceIdGenerator(7);
        Assert.All(Enumerable.Range(0, 50), i => Assert.InRange(ids.Number("eks-cluster-sg", $"cluster-{i}", 100_000_000, int.MaxValue), 100_000_000, int.MaxValue - 1));
    }
}
