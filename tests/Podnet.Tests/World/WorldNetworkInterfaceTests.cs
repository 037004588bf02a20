using System.Net;
using Podnet.Aws.Ec2;
using Podnet.Kube.Views;
using Podnet.Policy;
using Podnet.Tests.TestSupport;
using Podnet.World;

namespace Podnet.Tests.World;

/// <summary>
/// What exists already, as a snapshot of a real account keeps it: a NodeGroup's <c>Instances</c> (their IDs,
/// addresses, subnets, so the nodes keep their names) and <c>NetworkInterface</c> documents (the nodes' other
/// interfaces with the pods' addresses, trunks, branches, detached interfaces), so every pod keeps the interface,
/// and the security groups, that hold its address.
/// </summary>
public class WorldNetworkInterfaceTests
{
    private const string First = "i-0123456789abcdef1";
    private const string Second = "i-0123456789abcdef2";

    /// <summary>The hello-eks cluster with its node group running two given instances, then <paramref name="more"/>.</summary>
    private static Podnet.World.World Load(string more = "", string instances = "")
    {
        var text = File.ReadAllText(Path.Combine(PodnetCli.Examples(), "hello-eks", "cluster.yaml"));
        text = text.Replace(
            "  DesiredSize: 3\n  MinSize: 1\n  MaxSize: 5\n",
            instances.Length > 0 ? instances : $"""
              Instances:
              - {"{"}InstanceId: {First}, PrivateIpAddress: 192.168.70.10, SubnetId: private-us-west-2a, NetworkInterfaceId: eni-0aaaaaaaaaaaaaaa0, MacAddress: "02:aa:bb:cc:dd:01"{"}"}
              - {"{"}InstanceId: {Second}, PrivateIpAddress: 192.168.100.20, SubnetId: private-us-west-2b{"}"}

            """,
            StringComparison.Ordinal);
        Assert.Contains("Instances:", text, StringComparison.Ordinal);
        return WorldLoader.Load([new WorldSource("world.yaml", text + "\n---\n" + more)]);
    }

    private const string AppGroup = """
        apiVersion: aws.podnet.dev/v1alpha1
        kind: SecurityGroup
        metadata:
          name: app
        spec:
          Vpc: podnet-vpc
          Description: the app's pods
          IpPermissions:
          - {IpProtocol: tcp, FromPort: 8080, ToPort: 8080, IpRanges: [{CidrIp: 192.168.0.0/16}]}
        ---

        """;

    [Fact]
    public void NodeGroupInstances_KeepTheirIdsAndAddresses_SoTheNodesKeepTheirNames()
    {
        var world = Load();

        var instances = world.Cloud!.Ec2Backend.DescribeInstances().SelectMany(r => r.Instances).OrderBy(i => i.InstanceId, StringComparer.Ordinal).ToList();
        Assert.Equal([(First, "192.168.70.10"), (Second, "192.168.100.20")], instances.Select(i => (i.InstanceId, i.PrivateIpAddress)));
        var primary = Assert.Single(world.Cloud.Ec2Backend.DescribeNetworkInterfaces(), n => n.Attachment is { InstanceId: First, DeviceIndex: 0 });
        Assert.Equal(("eni-0aaaaaaaaaaaaaaa0", "02:aa:bb:cc:dd:01"), (primary.NetworkInterfaceId, primary.MacAddress));

        var nodes = world.ControlPlane.Store.List("v1", "Node").Items.Select(n => new NodeView(n)).ToList();
        Assert.Equal(["ip-192-168-100-20.us-west-2.compute.internal", "ip-192-168-70-10.us-west-2.compute.internal"], nodes.Select(n => n.Name).Order(StringComparer.Ordinal));
        Assert.All(nodes, n => Assert.True(n.IsReady, $"{n.Name} is not Ready"));
    }

    [Fact]
    public void NetworkInterface_AttachedToANode_HoldsItsRunningPodsAddress_AndIpamdKeepsIt()
    {
        var world = Load(AppGroup + $"""
            apiVersion: aws.podnet.dev/v1alpha1
            kind: NetworkInterface
            metadata:
              name: eni-0bbbbbbbbbbbbbbb1
            spec:
              NetworkInterfaceId: eni-0bbbbbbbbbbbbbbb1
              SubnetId: private-us-west-2a
              Groups: [app]
              PrivateIpAddresses:
              - {"{"}PrivateIpAddress: 192.168.70.50, Primary: true{"}"}
              - {"{"}PrivateIpAddress: 192.168.70.51{"}"}
              Attachment: {"{"}InstanceId: {First}, DeviceIndex: 1{"}"}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {"{"}name: web, namespace: default, labels: {"{"}app: web{"}"}{"}"}
            spec:
              nodeName: ip-192-168-70-10.us-west-2.compute.internal
              containers: [{"{"}name: web, image: nginx, ports: [{"{"}containerPort: 8080{"}"}]{"}"}]
            status: {"{"}phase: Running, podIP: 192.168.70.51, podIPs: [{"{"}ip: 192.168.70.51{"}"}]{"}"}

            """);

        var eni = Assert.Single(world.Cloud!.Ec2Backend.DescribeNetworkInterfaces(), n => n.NetworkInterfaceId == "eni-0bbbbbbbbbbbbbbb1");
        Assert.Equal((First, 1), (eni.Attachment!.InstanceId, eni.Attachment.DeviceIndex));
        var reach = new Reachability(world);
        var holder = reach.InterfaceHolding(IPAddress.Parse("192.168.70.51"));
        Assert.Equal("eni-0bbbbbbbbbbbbbbb1", holder?.NetworkInterfaceId);
        Assert.Equal(["app"], holder!.Groups.Select(g => g.GroupName));

        // ipamd read the interface at nodeInit and took the running pod's address as its own (its checkpoint).
        var network = Assert.Single(world.AwsNode!.PodNetworks, n => n.Name == "web");
        Assert.Equal(("192.168.70.51", "eni-0bbbbbbbbbbbbbbb1"), (network.PodIp, network.EniId));
        Assert.Equal("Running", PodView.Of(world.ControlPlane.Store.TryGet(world.ControlPlane.Store.Resources.For("v1", "Pod"), "default", "web")!).Phase);
    }

    [Fact]
    public void BranchInterface_TaggedWithItsTrunk_IsAssociated_AndJudgesItsPodByItsGroups()
    {
        var world = Load(AppGroup + $"""
            apiVersion: aws.podnet.dev/v1alpha1
            kind: NetworkInterface
            metadata:
              name: trunk
            spec:
              NetworkInterfaceId: eni-0ccccccccccccccc1
              SubnetId: private-us-west-2a
              InterfaceType: trunk
              PrivateIpAddresses: [{"{"}PrivateIpAddress: 192.168.70.60, Primary: true{"}"}]
              Attachment: {"{"}InstanceId: {First}, DeviceIndex: 2{"}"}
            ---
            apiVersion: aws.podnet.dev/v1alpha1
            kind: NetworkInterface
            metadata:
              name: branch
            spec:
              NetworkInterfaceId: eni-0ccccccccccccccc2
              SubnetId: private-us-west-2a
              InterfaceType: branch
              Groups: [{"{"}GroupId: app{"}"}]
              PrivateIpAddresses: [{"{"}PrivateIpAddress: 192.168.70.61, Primary: true{"}"}]
              TagSet:
              - {"{"}Key: vpcresources.k8s.aws/trunk-eni-id, Value: eni-0ccccccccccccccc1{"}"}
              - {"{"}Key: vpcresources.k8s.aws/vlan-id, Value: "3"{"}"}

            """);

        var association = Assert.Single(world.Cloud!.Ec2Backend.DescribeTrunkInterfaceAssociations(), a => a.BranchInterfaceId == "eni-0ccccccccccccccc2");
        Assert.Equal(("eni-0ccccccccccccccc1", 3), (association.TrunkInterfaceId, association.VlanId));
        var holder = new Reachability(world).InterfaceHolding(IPAddress.Parse("192.168.70.61"));
        Assert.Equal(("eni-0ccccccccccccccc2", "branch"), (holder?.NetworkInterfaceId, holder?.InterfaceType));
        Assert.Equal(["app"], holder!.Groups.Select(g => g.GroupName));
    }

    [Fact]
    public void NetworkInterface_Detached_IsAvailable_WithItsGivenIdAndAddress()
    {
        var world = Load("""
            apiVersion: aws.podnet.dev/v1alpha1
            kind: NetworkInterface
            metadata:
              name: leftover
            spec:
              NetworkInterfaceId: eni-0ddddddddddddddd1
              SubnetId: private-us-west-2b
              PrivateIpAddress: 192.168.100.99
              Description: aws-K8S-i-0123456789abcdef9
              Tags: {cluster.k8s.amazonaws.com/name: podnet, node.k8s.amazonaws.com/instance_id: i-0123456789abcdef9}

            """);

        var eni = Assert.Single(world.Cloud!.Ec2Backend.DescribeNetworkInterfaces(), n => n.NetworkInterfaceId == "eni-0ddddddddddddddd1");
        Assert.Equal(("available", "192.168.100.99", null), (eni.Status, eni.PrivateIpAddress, eni.Attachment));
    }

    [Theory]
    [InlineData("  SubnetId: private-us-west-2a\n  Attachment: {InstanceId: i-0123456789abcdef7, DeviceIndex: 0}\n", "spec.Attachment.InstanceId: no instance i-0123456789abcdef7 in the world")]
    [InlineData("  SubnetId: private-us-west-2a\n  NetworkInterfaceId: eni-12\n", "InvalidNetworkInterfaceID.Malformed: Invalid id: \"eni-12\" (expecting \"eni-...\")")]
    [InlineData("  SubnetId: private-us-west-2a\n  InterfaceType: efa\n", "spec.InterfaceType: Unsupported value: \"efa\"")]
    [InlineData("  SubnetId: private-us-west-2a\n  PrivateIpAddresses: [{PrivateIpAddress: 192.168.70.10}]\n", "InvalidIPAddress.InUse")]
    [InlineData("  Groups: [app]\n", "spec.SubnetId: Required value")]
    public void NetworkInterface_Malformed_IsAnErrorNamingTheField(string spec, string expected)
    {
        var error = Assert.Throws<WorldException>(() => Load($"apiVersion: aws.podnet.dev/v1alpha1\nkind: NetworkInterface\nmetadata:\n  name: bad\nspec:\n{spec}"));
        Assert.Contains("NetworkInterface bad", error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NodeGroupInstances_InASubnetNotTheGroups_IsEksError()
    {
        var error = Assert.Throws<WorldException>(() => Load(instances: $"""
              Instances:
              - {"{"}InstanceId: {First}, PrivateIpAddress: 192.168.10.10, SubnetId: public-us-west-2a{"}"}

            """));
        Assert.Contains($"Instance {First} is in ", error.Message, StringComparison.Ordinal);
        Assert.Contains("which is not one of the node group's subnets", error.Message, StringComparison.Ordinal);
    }
}
