using System.Text.Json.Nodes;
using Podnet.Aws.Ec2;
using Podnet.Tests.TestSupport;
using Podnet.World;

namespace Podnet.Tests.World;

/// <summary>
/// A dual-stack VPC served as <c>podnet up</c> serves it: the VPC side of an IPv6 EKS cluster as eksctl makes it (an
/// Amazon-provided /56, a /64 on every subnet), and an interface in one of them.
/// </summary>
public sealed class ServedDualStackWorld : ServedWorld
{
    public const string Yaml = """
        apiVersion: aws.podnet.dev/v1alpha1
        kind: Vpc
        metadata:
          name: vpc
        spec:
          CidrBlock: 192.168.0.0/16
          AmazonProvidedIpv6CidrBlock: true
          Ipv6CidrBlock: 2600:1f14:a11:5e00::/56
        ---
        apiVersion: aws.podnet.dev/v1alpha1
        kind: Subnet
        metadata:
          name: private-a
        spec:
          Vpc: vpc
          CidrBlock: 192.168.64.0/19
          Ipv6CidrBlock: 2600:1f14:a11:5e02::/64
          AvailabilityZone: us-west-2a
        ---
        apiVersion: aws.podnet.dev/v1alpha1
        kind: Subnet
        metadata:
          name: ipv4-only
        spec:
          Vpc: vpc
          CidrBlock: 192.168.96.0/19
          AvailabilityZone: us-west-2b
        ---
        apiVersion: aws.podnet.dev/v1alpha1
        kind: NetworkInterface
        metadata:
          name: node-a
        spec:
          NetworkInterfaceId: eni-0a1b2c3d4e5f60718
          SubnetId: private-a
          Ipv6Addresses: [{Ipv6Address: "2600:1f14:a11:5e02::a"}]
        """;

    public ServedDualStackWorld()
        : base(time => WorldLoader.Load([new WorldSource("dual-stack.yaml", Yaml)], time: time))
    {
    }
}

public class DualStackVpcTests : IClassFixture<ServedDualStackWorld>
{
    private readonly ServedDualStackWorld _world;

    public DualStackVpcTests(ServedDualStackWorld world)
    {
        _world = world;
    }

    [Fact]
    public void DescribeVpcsAndSubnets_AwsCli_PrintTheIpv6Blocks()
    {
        var vpcs = JsonNode.Parse(_world.AwsOk("ec2", "describe-vpcs", "--output", "json"))!["Vpcs"]!.AsArray();
        var v6 = Assert.Single(Assert.Single(vpcs)!["Ipv6CidrBlockAssociationSet"]!.AsArray())!;
        Assert.Equal("2600:1f14:a11:5e00::/56", v6["Ipv6CidrBlock"]!.GetValue<string>());
        Assert.Equal("associated", v6["Ipv6CidrBlockState"]!["State"]!.GetValue<string>());
        Assert.Equal(("us-west-2", "Amazon"), (v6["NetworkBorderGroup"]!.GetValue<string>(), v6["Ipv6Pool"]!.GetValue<string>()));
        Assert.StartsWith("vpc-cidr-assoc-", v6["AssociationId"]!.GetValue<string>(), StringComparison.Ordinal);

        var subnets = JsonNode.Parse(_world.AwsOk("ec2", "describe-subnets", "--filters", "Name=ipv6-cidr-block-association.ipv6-cidr-block,Values=2600:1f14:a11:5e02::/64", "--output", "json"))!["Subnets"]!.AsArray();
        var association = Assert.Single(Assert.Single(subnets)!["Ipv6CidrBlockAssociationSet"]!.AsArray())!;
        Assert.Equal("2600:1f14:a11:5e02::/64", association["Ipv6CidrBlock"]!.GetValue<string>());
        Assert.StartsWith("subnet-cidr-assoc-", association["AssociationId"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public void AssignIpv6Addresses_AwsCli_DelegatesA80FromTheSubnet()
    {
        var answer = JsonNode.Parse(_world.AwsOk("ec2", "assign-ipv6-addresses", "--network-interface-id", "eni-0a1b2c3d4e5f60718", "--ipv6-prefix-count", "1", "--output", "json"))!;

        Assert.Equal("eni-0a1b2c3d4e5f60718", answer["NetworkInterfaceId"]!.GetValue<string>());
        var prefix = Podnet.Net.CidrBlock.Parse(Assert.Single(answer["AssignedIpv6Prefixes"]!.AsArray())!.GetValue<string>());
        Assert.Equal(80, prefix.PrefixLength);
        Assert.True(Podnet.Net.CidrBlock.Parse("2600:1f14:a11:5e02::/64").Contains(prefix));
        var eni = _world.Server.Cluster.Read(() => _world.Server.Cluster.World.Cloud!.Ec2Backend.DescribeNetworkInterfaces(DescribeRequest.ForIds("eni-0a1b2c3d4e5f60718"))[0]);
        Assert.Contains(eni.Ipv6Prefixes, p => p.Ipv6Prefix == prefix.ToString());
        Assert.Equal("2600:1f14:a11:5e02::a", Assert.Single(eni.Ipv6Addresses).Ipv6Address);
    }

    [Fact]
    public async Task Snapshot_ReadThroughTheSdk_KeepsTheIpv6Blocks()
    {
        using var reader = new Podnet.Live.Ec2Reader(new Amazon.EC2.AmazonEC2Client(
            new Amazon.Runtime.BasicAWSCredentials(_world.Server.Aws.AccessKeyId, _world.Server.Aws.SecretAccessKey),
            new Amazon.EC2.AmazonEC2Config { ServiceURL = _world.Server.Aws.Address.ToString(), AuthenticationRegion = "us-west-2", MaxErrorRetry = 0 }));
        var vpcId = _world.Server.Cluster.Read(() => _world.Server.Cluster.World.Cloud!.Ec2Backend.DescribeVpcs()[0].VpcId);

        var result = Podnet.Live.AwsDocuments.From(await reader.ReadVpcsAsync([vpcId]), new Podnet.Live.AwsDocuments.ClusterFacts(null, null, new Dictionary<string, int>()));

        var vpc = result.Documents.Single(d => d["kind"]!.GetValue<string>() == "Vpc")["spec"]!;
        Assert.Equal((true, "2600:1f14:a11:5e00::/56"), (vpc["AmazonProvidedIpv6CidrBlock"]!.GetValue<bool>(), vpc["Ipv6CidrBlock"]!.GetValue<string>()));
        var subnets = result.Documents.Where(d => d["kind"]!.GetValue<string>() == "Subnet").Select(d => d["spec"]!["Ipv6CidrBlock"]?.GetValue<string>()).ToList();
        Assert.Equal(["2600:1f14:a11:5e02::/64", null], subnets);
        var reloaded = WorldLoader.Load([new WorldSource("snapshot.yaml", Podnet.Kube.Serialization.YamlManifests.ToYamlDocuments(result.Documents))]);
        Assert.Equal("2600:1f14:a11:5e00::/56", reloaded.Cloud!.Ec2Backend.DescribeVpcs()[0].Ipv6CidrBlockAssociationSet[0].Ipv6CidrBlock);
    }

    [Fact]
    public void SubnetIpv6BlockOutsideTheVpcs_IsEc2sInvalidSubnetRange()
    {
        var error = Assert.Throws<WorldException>(() => WorldLoader.Load([new WorldSource("dual-stack.yaml", ServedDualStackWorld.Yaml.Replace("2600:1f14:a11:5e02::/64", "2600:1f14:a11:5f02::/64", StringComparison.Ordinal))]));

        Assert.Contains("InvalidSubnet.Range: The IPv6 CIDR '2600:1f14:a11:5f02::/64' is invalid.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void VpcIpv6CidrBlock_WithoutAmazonProvided_IsRefused()
    {
        var error = Assert.Throws<WorldException>(() => WorldLoader.Load([new WorldSource("dual-stack.yaml", ServedDualStackWorld.Yaml.Replace("  AmazonProvidedIpv6CidrBlock: true\n", string.Empty, StringComparison.Ordinal))]));

        Assert.Contains("spec.Ipv6CidrBlock: Invalid value: \"2600:1f14:a11:5e00::/56\": a VPC's IPv6 block is Amazon-provided: set AmazonProvidedIpv6CidrBlock: true with it", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void VpcAmazonProvidedIpv6_WithoutAGivenBlock_DrawsTheSameOneEachLoad()
    {
        static string Block() => WorldLoader.Load([new WorldSource("v.yaml", "apiVersion: aws.podnet.dev/v1alpha1\nkind: Vpc\nmetadata: {name: vpc}\nspec: {CidrBlock: 10.0.0.0/16, AmazonProvidedIpv6CidrBlock: true}\n")])
            .Cloud!.Ec2Backend.DescribeVpcs()[0].Ipv6CidrBlockAssociationSet[0].Ipv6CidrBlock;

        Assert.Equal(Block(), Block());
        Assert.StartsWith("2600:1f1", Block(), StringComparison.Ordinal);
    }
}
