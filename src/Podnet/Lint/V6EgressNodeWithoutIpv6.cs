using Podnet.Aws.Ec2;
using Podnet.Cni;

namespace Podnet.Lint;

/// <summary>
/// Nodes of an IPv4 cluster with ENABLE_V6_EGRESS=true whose primary interface has no IPv6 address. aws-node reads the
/// node's IPv6 address from IMDS to SNAT pods' IPv6 traffic to it (cmd/aws-vpc-cni/main.go <c>generateJSON</c>); from
/// VPC CNI 1.17.1 it logs "To support IPv6 egress, node primary ENI must have a global IPv6 address" and leaves the
/// egress-cni plugin off, so that node's pods get no IPv6 egress (a warning); before it aws-node exits and the node
/// stays NotReady (an error, <see cref="CniSettings.V6EgressNodeError"/>). <c>reach</c> says the same for such a pod.
/// </summary>
public sealed class V6EgressNodeWithoutIpv6 : ILintCheck
{
    public const string Id = "cni-v6-egress-node-without-ipv6";

    public IEnumerable<LintFinding> Check(LintContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Settings is not { AsksV6Egress: true } settings || context.World.Cloud?.Ec2View is not { } ec2)
        {
            yield break;
        }

        foreach (var node in context.Nodes.Where(n => n.InstanceId is not null && !n.IsFargate && !ResourceController.WindowsIpam.IsWindowsNode(n.Object)).OrderBy(n => n.Name, StringComparer.Ordinal))
        {
            var primary = ec2.DescribeNetworkInterfaces(DescribeRequest.Where(new Filter("attachment.instance-id", node.InstanceId!), new Filter("attachment.device-index", "0")));
            if (primary is not [var eni, ..] || eni.Ipv6Addresses.Count > 0)
            {
                continue;
            }

            var subnet = ec2.DescribeSubnets(DescribeRequest.ForIds(eni.SubnetId))[0];
            var fix = subnet.Ipv6CidrBlockAssociationSet.Count == 0
                ? $"give subnet {subnet.SubnetId} an IPv6 block (aws ec2 associate-subnet-cidr-block --ipv6-cidr-block, the world's Subnet Ipv6CidrBlock) and AssignIpv6AddressOnCreation, then replace the node"
                : $"aws ec2 modify-subnet-attribute --subnet-id {subnet.SubnetId} --assign-ipv6-address-on-creation (AssignIpv6AddressOnCreation: true on the world's Subnet), then replace the node (aws-node reads the address when it starts)";
            yield return settings.V6EgressNodeError(nodeHasIpv6: false) is { } error
                ? new LintFinding(
                    LintSeverity.Error,
                    Id,
                    $"Node {node.Name}",
                    $"ENABLE_V6_EGRESS=true, but its primary interface {eni.NetworkInterfaceId} has no IPv6 address: aws-node {settings.Release} stops (\"{error}\", then \"Failed to generate 10-awsconflist\"), so the node never gets its CNI configuration and stays NotReady (from VPC CNI {CniSettings.V6EgressWithoutAddressWarnsSince} aws-node only warns)",
                    fix)
                : new LintFinding(
                    LintSeverity.Warning,
                    Id,
                    $"Node {node.Name}",
                    $"ENABLE_V6_EGRESS=true, but its primary interface {eni.NetworkInterfaceId} has no IPv6 address: aws-node warns (\"{CniSettings.V6EgressWithoutAddressMessage}\") and leaves the egress-cni plugin off, so its pods get no IPv6 egress",
                    fix);
        }
    }
}
