using Amazon.EC2.Model;

namespace Podnet.Live;

/// <summary>
/// What EC2 says about one cluster's VPCs, as <c>aws ec2 describe-vpcs</c>, <c>describe-subnets</c>,
/// <c>describe-security-groups</c>, <c>describe-network-interfaces</c>, <c>describe-instances</c>,
/// <c>describe-route-tables</c>, <c>describe-internet-gateways</c>, <c>describe-nat-gateways</c> and
/// <c>describe-egress-only-internet-gateways</c> print them (the AWS SDK's shapes), in the region <see cref="Region"/>.
/// </summary>
public sealed record Ec2Inventory(
    string Region,
    IReadOnlyList<Vpc> Vpcs,
    IReadOnlyList<Subnet> Subnets,
    IReadOnlyList<SecurityGroup> SecurityGroups,
    IReadOnlyList<NetworkInterface> NetworkInterfaces,
    IReadOnlyList<Instance> Instances,
    IReadOnlyList<RouteTable> RouteTables,
    IReadOnlyList<InternetGateway> InternetGateways,
    IReadOnlyList<NatGateway> NatGateways,
    IReadOnlyList<EgressOnlyInternetGateway> EgressOnlyInternetGateways)
{
    /// <summary>An inventory of no VPC.</summary>
    public static Ec2Inventory Empty(string region) => new(region, [], [], [], [], [], [], [], [], []);
}
