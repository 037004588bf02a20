using System.Net;
using Podnet.Aws.Ec2;
using Podnet.Aws.Eks;
using Podnet.Net;
using Podnet.Policy.SecurityGroups;

namespace Podnet.Fargate;

/// <summary>
/// Whether a Fargate pod's security groups let its micro-VM talk to the Kubernetes control plane: HTTPS (TCP/443)
/// out of the pod's groups and into the control plane's network interfaces, which carry the cluster security group
/// and the cluster's additional groups and sit in the cluster's subnets. Seed 000 (and the Amazon EKS User Guide,
/// "Security groups for Pods"): "If you're using security group policy with Fargate, make sure your security group
/// has rules that allow the pods to communicate with the Kubernetes control plane. The easiest way to do this is to
/// specify the cluster security group as one of the security groups." Without it the micro-VM's kubelet cannot
/// register its node, so the pod is never started.
/// The path is judged over IPv4 in a cluster of either family: in an IPv6 cluster the pods' traffic is IPv6, but
/// "Control plane and worker node communications continue to follow the IPv4 model" (AWS, "IPv6 Fundamentals for EKS
/// workloads", community.aws, 2024), so the kubelet's registration goes from the interface's IPv4 address to the
/// control plane's IPv4 interfaces, and a pod group that lets out only <c>::/0</c> leaves the node unregistered.
/// </summary>
public static class FargateControlPlaneAccess
{
    /// <summary>The API server's port.</summary>
    public const int ApiServerPort = 443;

    /// <summary>
    /// Null when a pod at <paramref name="podAddress"/> with <paramref name="podGroups"/> can reach the control plane of
    /// <paramref name="cluster"/>; otherwise why not (the security group decision that refuses it).
    /// </summary>
    public static string? Blocked(IEc2View ec2, Cluster cluster, IPAddress podAddress, IReadOnlyList<string> podGroups)
    {
        ArgumentNullException.ThrowIfNull(ec2);
        ArgumentNullException.ThrowIfNull(cluster);
        var evaluator = SecurityGroupEvaluator.For(ec2);
        var config = cluster.ResourcesVpcConfig;
        var controlPlaneGroups = new[] { config.ClusterSecurityGroupId }.Concat(config.SecurityGroupIds).Distinct(StringComparer.Ordinal).ToList();

        // The control plane's interfaces take addresses in the cluster's subnets; one is judged for all.
        var subnet = ec2.DescribeSubnets(new DescribeRequest([config.SubnetIds[0]]))[0];
        var controlPlane = new SecurityGroupEvaluator.Side(CidrBlock.Parse(subnet.CidrBlock).AddressAt(4u), controlPlaneGroups);
        var pod = new SecurityGroupEvaluator.Side(podAddress, podGroups);
        var egress = evaluator.Check(pod, controlPlane, egress: true, "TCP", ApiServerPort);
        if (!egress.Allowed)
        {
            return egress.Explanation;
        }

        var ingress = evaluator.Check(controlPlane, pod, egress: false, "TCP", ApiServerPort);
        return ingress.Allowed ? null : ingress.Explanation;
    }
}
