using Podnet.Aws.Ec2;

namespace Podnet.ResourceController;

/// <summary>
/// The network interfaces a cluster leaves behind: unattached (<c>available</c>) interfaces that the VPC resource
/// controller or the VPC CNI created for it, found by their owner and cluster tags — what the controller's
/// garbage collector deletes while the cluster runs, and nobody deletes once it is gone.
/// </summary>
public static class LeakedInterfaces
{
    public static readonly IReadOnlyList<string> Owners = ["eks-vpc-resource-controller", "amazon-vpc-cni"];

    /// <summary>
    /// The leaked interfaces of <paramref name="clusterName"/>, asked of EC2 as the caller (so its IAM policy and EC2's
    /// throttling apply): <c>describe-network-interfaces</c> filtered by status and owner tag, then by cluster tag.
    /// </summary>
    /// <exception cref="Aws.AwsException">EC2 refused the describe (UnauthorizedOperation, RequestLimitExceeded …).</exception>
    public static async Task<IReadOnlyList<NetworkInterface>> FindAsync(IEc2 ec2, string clusterName, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ec2);
        var available = await ec2.DescribeNetworkInterfacesAsync(
            DescribeRequest.Where(new Filter("status", "available"), new Filter("tag:eks:eni:owner", [.. Owners])), cancellationToken).ConfigureAwait(false);
        return [.. available.Where(e => e.TagSet.Any(t => (t.Key == $"kubernetes.io/cluster/{clusterName}" && t.Value == "owned") || (t.Key == "cluster.k8s.amazonaws.com/name" && t.Value == clusterName)))];
    }

    /// <summary>
    /// Deletes <paramref name="leaked"/> one by one as the caller, as a user runs <c>aws ec2
    /// delete-network-interface</c> for each: a refusal of one (<c>UnauthorizedOperation</c>, or
    /// <c>RequestLimitExceeded</c> after the caller's retries) is that interface's outcome, and the next is tried.
    /// </summary>
    /// <returns>Each interface's ID and the error its delete ended with (null: deleted, or gone already).</returns>
    public static async Task<IReadOnlyList<(string NetworkInterfaceId, Aws.AwsException? Error)>> DeleteAsync(IEc2 ec2, IReadOnlyList<NetworkInterface> leaked, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ec2);
        ArgumentNullException.ThrowIfNull(leaked);
        var outcomes = new List<(string, Aws.AwsException?)>();
        foreach (var eni in leaked)
        {
            try
            {
                await ec2.DeleteNetworkInterfaceAsync(eni.NetworkInterfaceId, cancellationToken).ConfigureAwait(false);
                outcomes.Add((eni.NetworkInterfaceId, null));
            }
            catch (Aws.AwsException e)
            {
                outcomes.Add((eni.NetworkInterfaceId, e));
            }
        }

        return outcomes;
    }
}
