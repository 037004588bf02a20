using System.Net;
using Podnet.Aws.Ec2;
using Podnet.Net;
using Podnet.Policy;

namespace Podnet.Lint;

/// <summary>
/// Subnets with DNS64 (<c>EnableDns64</c>) whose route table sends NAT64's prefix <c>64:ff9b::/96</c> to no NAT
/// gateway. The Amazon DNS resolver then answers an IPv4-only name with a <c>64:ff9b::</c> address, which IPv6 clients
/// (an IPv6 cluster's pods) use, but without the route the packets leave by the subnet's <c>::/0</c> route or none and
/// nothing answers (Amazon VPC User Guide, "DNS64 and NAT64": enabling DNS64 goes with a route for
/// <c>64:ff9b::/96</c> to a NAT gateway). <c>reach POD 64:ff9b::…</c> fails the same way.
/// </summary>
public sealed class Dns64WithoutNat64Route : ILintCheck
{
    public const string Id = "subnet-dns64-without-nat64-route";

    private static readonly IPAddress Probe = IPAddress.Parse("64:ff9b::1");

    public IEnumerable<LintFinding> Check(LintContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.World.Cloud?.Ec2View is not { } ec2)
        {
            yield break;
        }

        foreach (var subnet in ec2.DescribeSubnets().Where(s => s.EnableDns64).OrderBy(s => s.SubnetId, StringComparer.Ordinal))
        {
            var table = ec2.RouteTableOfSubnet(subnet.SubnetId);
            var route = table.Routes
                .Where(r => r.DestinationIpv6CidrBlock is { } text && CidrBlock.TryParse(text, out var cidr) && cidr.Contains(Probe))
                .OrderByDescending(r => CidrBlock.Parse(r.DestinationIpv6CidrBlock!).PrefixLength)
                .FirstOrDefault();
            if (route is { NatGatewayId: not null, State: "active" })
            {
                continue;
            }

            var now = route is null ? "it has no route for them"
                : route.State == "blackhole" ? $"its route {route.DestinationIpv6CidrBlock} → {route.Target} is a blackhole"
                : route.NatGatewayId is null ? $"they follow {route.DestinationIpv6CidrBlock} → {route.Target}, and the internet does not route {VpcRouter.Nat64Prefix}"
                : $"{route.DestinationIpv6CidrBlock} → {route.Target}";
            yield return new LintFinding(
                LintSeverity.Warning,
                Id,
                $"Subnet {subnet.SubnetId}",
                $"EnableDns64 makes the Amazon DNS resolver answer IPv4-only names with {VpcRouter.Nat64Prefix} addresses, but its route table {table.RouteTableId} sends them to no NAT gateway ({now}): IPv6 clients in the subnet, an IPv6 cluster's pods among them, cannot connect to those names",
                $"aws ec2 create-route --route-table-id {table.RouteTableId} --destination-ipv6-cidr-block {VpcRouter.Nat64Prefix} --nat-gateway-id nat-… (a NAT gateway in a public subnet), or aws ec2 modify-subnet-attribute --subnet-id {subnet.SubnetId} --no-enable-dns64");
        }
    }
}
