using System.Text.Json.Nodes;
using Podnet.Aws.Ec2;
using Podnet.ResourceController;
using Podnet.Tests.TestSupport;
using Podnet.World;

namespace Podnet.Tests.World;

/// <summary>A world names its security groups — the cluster security group EKS made among them — where an ID is expected.</summary>
public class SecurityGroupNameTests
{
    /// <summary>
    /// The default cluster's security group as <c>aws ec2 describe-security-groups</c> names it. EKS's number is
    /// derived from the world's seed and the cluster's name, so it stays this for the default world and its
    /// extensions (it changes only when the derivation does).
    /// </summary>
    private const string ClusterGroupName = "eks-cluster-sg-podnet-1533546295";

    private const string PodGroup = "sg-05b1d815d1e4a1b2c";

    /// <summary>The security-groups-for-pods example with its SecurityGroupPolicy's groups and DNS rule target replaced.</summary>
    private static Podnet.World.World Load(string groupIds, string dnsRuleTarget = "ClusterSecurityGroup: podnet")
        => ExampleWorlds.Load("security-groups-for-pods", t => t
            .Replace("    groupIds:\n    - sg-05b1d815d1e4a1b2c\n", $"    groupIds: {groupIds}\n", StringComparison.Ordinal)
            .Replace("  ClusterSecurityGroup: podnet\n", $"  {dnsRuleTarget}\n", StringComparison.Ordinal));

    private static SecurityGroup ClusterGroup(Podnet.World.World world)
    {
        var id = world.Cloud!.Eks.DescribeCluster("podnet").ResourcesVpcConfig.ClusterSecurityGroupId;
        return world.Cloud.Ec2Backend.DescribeSecurityGroups(DescribeRequest.ForIds(id))[0];
    }

    [Fact]
    public void SecurityGroupPolicy_NamingTheClusterSecurityGroup_GivesPodsItsId()
    {
        var world = Load($"[my-pod-security-group, {ClusterGroupName}]", $"GroupId: {ClusterGroupName}");
        var cluster = ClusterGroup(world);
        Assert.Equal(ClusterGroupName, cluster.GroupName);

        // The cluster holds the IDs, as kubectl apply of the IDs would have made it.
        var policy = world.ControlPlane.Store.List("vpcresources.k8s.aws/v1beta1", "SecurityGroupPolicy", "my-namespace").Items.Single();
        Assert.Equal([PodGroup, cluster.GroupId], ((JsonArray)policy.Peek("spec.securityGroups.groupIds")!).Select(n => n!.GetValue<string>()));

        // Each pod's branch interface has both groups, and the pods run: the DNS rules the SecurityGroupIngress added
        // by the group's name are on the cluster security group.
        var pods = world.ControlPlane.Store.List("v1", "Pod", "my-namespace").Items;
        Assert.Equal(4, pods.Count);
        Assert.All(pods, pod =>
        {
            Assert.Equal("Running", pod.Peek("status.phase")?.GetValue<string>());
            var eniId = JsonNode.Parse(pod.Annotations[ResourceControllerNames.PodEni])![0]!["eniId"]!.GetValue<string>();
            var eni = world.Cloud!.Ec2Backend.DescribeNetworkInterfaces(DescribeRequest.ForIds(eniId))[0];
            Assert.Equal(new[] { PodGroup, cluster.GroupId }.Order(StringComparer.Ordinal), eni.Groups.Select(g => g.GroupId).Order(StringComparer.Ordinal));
        });
        Assert.Contains(cluster.IpPermissions, p => p.IpProtocol == "udp" && p.FromPort == 53 && p.UserIdGroupPairs!.Any(g => g.GroupId == PodGroup));
    }

    [Fact]
    public void EniConfig_NamingAGroup_HoldsItsId()
    {
        var world = ExampleWorlds.Load("hello-eks", extra: $$"""
            apiVersion: crd.k8s.amazonaws.com/v1alpha1
            kind: ENIConfig
            metadata: {name: us-west-2a}
            spec: {subnet: subnet-0a1b2c3d4e5f60a01, securityGroups: [{{ClusterGroupName}}]}
            """);
        var config = world.ControlPlane.Store.List("crd.k8s.amazonaws.com/v1alpha1", "ENIConfig").Items.Single();
        Assert.Equal(ClusterGroup(world).GroupId, config.Peek("spec.securityGroups")![0]!.GetValue<string>());
    }

    [Fact]
    public void SecurityGroupPolicy_UnknownGroupName_IsInvalidGroupNotFound()
    {
        var error = Assert.Throws<WorldException>(() => Load("[my-pod-securitygroup]")).Message;
        var vpc = WorldLoader.LoadDefault().Cloud!.Ec2Backend.DescribeVpcs()[0].VpcId;
        Assert.EndsWith(
            $"app.yaml: document 5 (line 43, SecurityGroupPolicy my-security-group-policy): spec.securityGroups.groupIds[0]: InvalidGroup.NotFound: The security group 'my-pod-securitygroup' does not exist in VPC '{vpc}' "
            + $"(a group is named by its ID, a SecurityGroup of the world, or its GroupName: default, {ClusterGroupName}, my-pod-security-group)",
            error);
    }

    [Fact]
    public void SecurityGroupIngress_UnknownGroupName_IsInvalidGroupNotFound()
    {
        var error = Assert.Throws<WorldException>(() => Load($"[{PodGroup}]", "GroupId: eks-cluster-sg-podnet")).Message;
        Assert.EndsWith(
            "app.yaml: document 3 (line 25, SecurityGroupIngress dns-from-pods): spec.GroupId: InvalidGroup.NotFound: The security group 'eks-cluster-sg-podnet' does not exist "
            + $"(a group is named by its ID, a SecurityGroup of the world, or its GroupName: default, {ClusterGroupName}, my-pod-security-group)",
            error);
    }
}
