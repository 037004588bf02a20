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

    public static IReadOnlyList<NetworkInterface> Find(Ec2Backend ec2, string clusterName)
        => [.. ec2.DescribeNetworkInterfaces(DescribeRequest.Where(new Filter("status", "available"), new Filter("tag:eks:eni:owner", [.. Owners])))
            .Where(e => e.TagSet.Any(t => (t.Key == $"kubernetes.io/cluster/{clusterName}" && t.Value == "owned") || (t.Key == "cluster.k8s.amazonaws.com/name" && t.Value == clusterName)))];

    /// <summary>Deletes them; returns the IDs deleted.</summary>
    public static IReadOnlyList<string> Delete(Ec2Backend ec2, string clusterName)
    {
        var deleted = new List<string>();
        foreach (var eni in Find(ec2, clusterName))
        {
            ec2.DeleteNetworkInterface(eni.NetworkInterfaceId);
            deleted.Add(eni.NetworkInterfaceId);
        }

        return deleted;
    }
}
