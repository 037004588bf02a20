using Amazon.EC2.Model;

namespace Podnet.Live;

/// <summary>
/// What EC2 says about one cluster's VPCs, as <c>aws ec2 describe-vpcs</c>, <c>describe-subnets</c>,
/// <c>describe-security-groups</c>, <c>describe-network-interfaces</c>, <c>describe-instances</c>,
/// <c>describe-route-tables</c>, <c>describe-internet-gateways</c>, <c>describe-nat-gateways</c>,
/// <c>describe-egress-only-internet-gateways</c>, <c>describe-vpc-endpoints</c>, <c>describe-managed-prefix-lists</c>
/// and <c>get-managed-prefix-list-entries</c> print them (the AWS SDK's shapes), in the region <see cref="Region"/>.
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
    /// <summary>The account the VPCs belong to (their <c>OwnerId</c>, 12 digits), or null when there is no VPC.</summary>
    public string? AccountId { get; init; }

    /// <summary>
    /// Every managed prefix list the account sees (<c>describe-managed-prefix-lists</c>): its own (<c>OwnerId</c> =
    /// <see cref="AccountId"/>), the region's AWS-managed ones (<c>OwnerId: AWS</c>) and lists shared with it.
    /// </summary>
    public IReadOnlyList<ManagedPrefixList> ManagedPrefixLists { get; init; } = [];

    /// <summary>The entries of each of the account's own lists, by <c>PrefixListId</c> (<c>get-managed-prefix-list-entries</c>).</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<PrefixListEntry>> PrefixListEntries { get; init; } = new Dictionary<string, IReadOnlyList<PrefixListEntry>>(StringComparer.Ordinal);

    /// <summary>The VPCs' endpoints of every type and state (<c>describe-vpc-endpoints --filters Name=vpc-id,…</c>).</summary>
    public IReadOnlyList<VpcEndpoint> VpcEndpoints { get; init; } = [];

    /// <summary>An inventory of no VPC.</summary>
    public static Ec2Inventory Empty(string region) => new(region, [], [], [], [], [], [], [], [], []);
}
