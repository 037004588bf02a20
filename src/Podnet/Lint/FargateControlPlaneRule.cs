using Podnet.Aws.Ec2;
using Podnet.Fargate;

namespace Podnet.Lint;

/// <summary>
/// A Fargate pod whose security groups (a SecurityGroupPolicy's, in <c>fargate.amazonaws.com/pod-sg</c>) do not let
/// it reach the Kubernetes control plane: its micro-VM cannot register a node, so the pod stays Pending. Seed 000:
/// "make sure your security group has rules that allow the pods to communicate with the Kubernetes control plane. The
/// easiest way to do this is to specify the cluster security group as one of the security groups."
/// </summary>
public sealed class FargateControlPlaneRule : ILintCheck
{
    public const string Id = "fargate-pod-cannot-reach-control-plane";

    public IEnumerable<LintFinding> Check(LintContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var world = context.World;
        if (world.FargateScheduler is not { } scheduler || world.Cluster is not { } cluster || world.Cloud is not { } cloud)
        {
            yield break;
        }

        foreach (var (key, placement) in scheduler.Placements.OrderBy(p => $"{p.Key.Namespace}/{p.Key.Name}", StringComparer.Ordinal))
        {
            // Read directly, as all of lint's analysis (see LintContext): no IAM, throttling or fault.
            var eni = cloud.Ec2View.DescribeNetworkInterfaces(DescribeRequest.ForIds(placement.NetworkInterfaceId))[0];
            var groups = eni.Groups.Select(g => g.GroupId).ToList();
            if (FargateControlPlaneAccess.Blocked(cloud.Ec2View, cluster, System.Net.IPAddress.Parse(eni.PrivateIpAddress), groups) is not { } why)
            {
                continue;
            }

            var clusterGroup = cluster.ResourcesVpcConfig.ClusterSecurityGroupId;
            yield return new LintFinding(
                LintSeverity.Error,
                Id,
                $"{key.Namespace}/{key.Name}",
                $"runs on Fargate with {string.Join(", ", groups)}, which do not let it reach the Kubernetes control plane on TCP/{FargateControlPlaneAccess.ApiServerPort} ({why}): its Fargate node cannot register, and the pod stays Pending",
                $"add the cluster security group {clusterGroup} to the SecurityGroupPolicy's groupIds (the easiest way, seed 000), or `aws ec2 authorize-security-group-ingress --group-id {clusterGroup} --protocol tcp --port {FargateControlPlaneAccess.ApiServerPort} --source-group {groups.FirstOrDefault()}`");
        }
    }
}
