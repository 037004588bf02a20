using System.Net;
using Podnet.Aws.Ec2;
using Podnet.Aws.Eks;
using Podnet.Net;
using Podnet.Policy;

namespace Podnet.World;

/// <summary>
/// Whether the kubelet of a new instance reaches its cluster's API server, without which its node never joins (EKS:
/// <c>NodeCreationFailure</c>, "Instances failed to join the kubernetes cluster"). The EKS user guide, "Cluster API
/// server endpoint": with the public endpoint only (EKS's default), "Kubernetes API requests that originate from
/// within your cluster's VPC (such as node to control plane communication) leave the VPC", so the node's subnet must
/// route out of the VPC — to a NAT gateway, or to an internet gateway with the instance's public address — as
/// <see cref="VpcRouter"/> decides for any packet; with the private endpoint enabled, "Kubernetes API requests from
/// within your cluster's VPC … use the private VPC endpoint", which needs no route out.
/// </summary>
/// <remarks>
/// A public endpoint restricted by <c>publicAccessCidrs</c> admits only the addresses they hold, and the node's
/// request arrives from the public address it left the VPC with — its NAT gateway's Elastic IP, or the instance's own
/// public address: "if you have a node in a private subnet that communicates to the internet through a NAT Gateway,
/// you will need to add the outbound IP address of the NAT gateway as part of an allowed CIDR block on your public
/// endpoint" (the same guide; aws-cdk#10103: a restricted public endpoint without private access "breaks cluster
/// functionality"). Not modelled: the VPC's DNS attributes the private endpoint needs, the security groups between the
/// node and the endpoint's interfaces (the cluster security group admits itself), and the node role's permissions.
/// </remarks>
internal static class ApiServerPath
{
    /// <summary>
    /// An address standing for the cluster's public endpoint: EKS's public endpoints are addresses of AWS's public ranges,
    /// outside every VPC, and any such address takes the same routes (<c>0.0.0.0/0</c>); one of TEST-NET-2 (RFC 5737)
    /// matches no route or prefix list a world may hold for a real range.
    /// </summary>
    public static readonly IPAddress PublicEndpoint = IPAddress.Parse("198.51.100.10");

    /// <summary>
    /// Why the kubelet of <paramref name="instance"/> cannot reach the API server of <paramref name="cluster"/>, or null
    /// when it can.
    /// </summary>
    /// <param name="ec2">The account's state: the instance's primary interface, its subnet's route table, the gateways.</param>
    /// <param name="cluster">The cluster, for its endpoint access.</param>
    /// <param name="instance">A running instance of one of the cluster's node groups.</param>
    public static string? Blocked(IEc2View ec2, Cluster cluster, Instance instance) => Blocked(ec2, cluster, instance, out _);

    /// <inheritdoc cref="Blocked(IEc2View, Cluster, Instance)"/>
    /// <param name="refused">The public address the kubelet's requests come from when the endpoint's
    /// <c>publicAccessCidrs</c> refuse it (so a fix can name it); else null.</param>
    public static string? Blocked(IEc2View ec2, Cluster cluster, Instance instance, out string? refused)
    {
        refused = null;
        ArgumentNullException.ThrowIfNull(ec2);
        ArgumentNullException.ThrowIfNull(cluster);
        ArgumentNullException.ThrowIfNull(instance);
        var access = cluster.ResourcesVpcConfig;
        if (access.EndpointPrivateAccess)
        {
            return null;
        }

        var host = new Uri(cluster.Endpoint).Host;
        if (!access.EndpointPublicAccess)
        {
            return $"the cluster's API server endpoint {host} has neither public nor private access";
        }

        var primaryId = instance.NetworkInterfaces.First(n => n.Attachment.DeviceIndex == 0).NetworkInterfaceId;
        var primary = ec2.DescribeNetworkInterfaces(DescribeRequest.ForIds(primaryId))[0];
        var egress = new VpcRouter(ec2).Out(primary, IPAddress.Parse(primary.PrivateIpAddress), PublicEndpoint);
        if (!egress.Routed)
        {
            return $"its kubelet cannot reach the cluster's public endpoint {host} from {primary.PrivateIpAddress} ({egress.Detail}), and the cluster has no private endpoint access (endpointPrivateAccess false)";
        }

        if (Admitted(access.PublicAccessCidrs, egress.PublicAddress))
        {
            return null;
        }

        refused = egress.PublicAddress;
        return $"its kubelet reaches the cluster's public endpoint {host} from {primary.PrivateIpAddress} as {egress.PublicAddress} ({egress.Detail}), but the endpoint's publicAccessCidrs [{string.Join(", ", access.PublicAccessCidrs)}] do not include {egress.PublicAddress}, and the cluster has no private endpoint access (endpointPrivateAccess false)";
    }

    /// <summary>Whether a request from <paramref name="publicAddress"/> is in one of the public endpoint's <paramref name="publicAccessCidrs"/>.</summary>
    internal static bool Admitted(IReadOnlyList<string> publicAccessCidrs, string? publicAddress)
        => publicAddress is not null && IPAddress.TryParse(publicAddress, out var address)
           && publicAccessCidrs.Any(c => CidrBlock.TryParse(c, out var cidr) && cidr.Contains(address));
}
