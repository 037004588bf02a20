using Podnet.Aws.Ec2;
using Podnet.World;

namespace Podnet.Lint;

/// <summary>
/// Node groups a new instance of which would never join the cluster: its kubelet cannot reach the API server from a
/// subnet of the group (<see cref="ApiServerPath"/>, the same decision the world makes when an instance boots, so lint
/// and run agree). A world's own instances were up and joined when it began; a scale-up or a replacement is launched
/// now, and EKS would report it as <c>NodeCreationFailure</c> (a new group as <c>CREATE_FAILED</c>). One finding per
/// node group and subnet, judged by an instance of the group in that subnet — by its route, and by the public address
/// its requests come from where the public endpoint is restricted by <c>publicAccessCidrs</c> (a NAT gateway's Elastic
/// IP is every node's; an instance's own public address is its alone, and a new instance there gets another, which the
/// finding cannot foresee).
/// </summary>
public sealed class NodegroupNodesCannotJoin : ILintCheck
{
    public const string Id = "nodegroup-nodes-cannot-join";

    public IEnumerable<LintFinding> Check(LintContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.World is not { Cloud: { } cloud, Cluster: { } world } || !cloud.Eks.ClusterExists(world.Name))
        {
            yield break;
        }

        var cluster = cloud.Eks.DescribeCluster(world.Name);

        var ec2 = cloud.Ec2View;
        foreach (var nodegroup in cloud.Eks.ListNodegroups(cluster.Name))
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var instanceId in cloud.Eks.NodegroupInstanceIds(cluster.Name, nodegroup))
            {
                var instance = ec2.DescribeInstances(DescribeRequest.ForIds(instanceId))[0].Instances[0];
                if (instance.SubnetId is not { } subnet || !seen.Add(subnet) || ApiServerPath.Blocked(ec2, cluster, instance, out var refused) is not { } why)
                {
                    continue;
                }

                var privateAccess = $"let nodes use the private endpoint: aws eks update-cluster-config --name {cluster.Name} --resources-vpc-config endpointPrivateAccess=true (a world's Cluster: EndpointPrivateAccess: true)";

                yield return new LintFinding(
                    LintSeverity.Warning,
                    Id,
                    $"NodeGroup {nodegroup}",
                    $"a new instance of {nodegroup} in {subnet} (a scale-up, a replacement) would never join the cluster, which EKS reports as NodeCreationFailure (\"Instances failed to join the kubernetes cluster\"): judged by {instanceId}, {why}",
                    refused is null
                        ? $"associate {subnet} with a route table whose 0.0.0.0/0 route goes to an available NAT gateway in a public subnet (aws ec2 associate-route-table), or {privateAccess}"
                        : refused == instance.PublicIpAddress
                            ? $"{privateAccess}, or send {subnet}'s traffic out by a NAT gateway whose Elastic IP publicAccessCidrs admit: {refused} is {instanceId}'s own public address, and a new instance gets another"
                            : $"admit the address the nodes' requests come from: aws eks update-cluster-config --name {cluster.Name} --resources-vpc-config publicAccessCidrs=\"{string.Join(",", [.. cluster.ResourcesVpcConfig.PublicAccessCidrs, refused + "/32"])}\", or {privateAccess}");
            }
        }
    }
}
