using Amazon.EC2.Model;

namespace Podnet.Live;

/// <summary>
/// What EC2 says about one cluster's VPCs, as <c>aws ec2 describe-vpcs</c>, <c>describe-subnets</c>,
/// <c>describe-security-groups</c>, <c>describe-network-interfaces</c> and <c>describe-instances</c> print them (the
/// AWS SDK's shapes), in the region <see cref="Region"/>.
/// </summary>
public sealed record Ec2Inventory(
    string Region,
    IReadOnlyList<Vpc> Vpcs,
    IReadOnlyList<Subnet> Subnets,
    IReadOnlyList<SecurityGroup> SecurityGroups,
    IReadOnlyList<NetworkInterface> NetworkInterfaces,
    IReadOnlyList<Instance> Instances);
