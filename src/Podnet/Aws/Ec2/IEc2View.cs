using Podnet.Aws.InstanceTypes;

namespace Podnet.Aws.Ec2;

/// <summary>
/// A read-only view of an emulated EC2 account's state, for what looks at the account from outside EC2's API: the
/// analysis commands (<c>lint</c>, <c>reach</c>, <c>matrix</c>, <c>check</c>, the world's printed and HTML forms),
/// and the few readers that stand for something other than an EC2 API call (an instance's own metadata service, the
/// instance-type tables the VPC CNI and the resource controller compile in, EKS's own Fargate service). It cannot
/// change anything, and it is neither authorized nor throttled: whatever acts on the account — a controller, the
/// CLI's <c>leaked-enis --delete</c>, the aws CLI over HTTP — goes through <see cref="IEc2"/> instead
/// (<see cref="AwsCloud.Ec2For"/>), so IAM, throttling and injected faults apply.
/// </summary>
/// <remarks>
/// Each Describe answers as the API's action does, with its filters and its errors (an unknown ID is EC2's own
/// <c>*.NotFound</c> <see cref="AwsException"/>), but in one piece: no pagination. The lists are snapshots, copies the
/// caller may keep.
/// </remarks>
public interface IEc2View
{
    /// <summary>The instance types EC2 knows, with their interface and address limits (DescribeInstanceTypes' data).</summary>
    InstanceTypeCatalog InstanceTypes { get; }

    /// <summary>Counts changes that can change what a security group lets through (see <see cref="Ec2Backend.SecurityRevision"/>).</summary>
    long SecurityRevision { get; }

    /// <summary>DescribeVpcs.</summary>
    IReadOnlyList<Vpc> DescribeVpcs(DescribeRequest? request = null);

    /// <summary>DescribeSubnets.</summary>
    IReadOnlyList<Subnet> DescribeSubnets(DescribeRequest? request = null);

    /// <summary>DescribeSecurityGroups.</summary>
    IReadOnlyList<SecurityGroup> DescribeSecurityGroups(DescribeRequest? request = null);

    /// <summary>DescribeNetworkInterfaces.</summary>
    IReadOnlyList<NetworkInterface> DescribeNetworkInterfaces(DescribeRequest? request = null);

    /// <summary>DescribeTrunkInterfaceAssociations: the VPC resource controller's branch interfaces and their VLANs.</summary>
    IReadOnlyList<TrunkInterfaceAssociation> DescribeTrunkInterfaceAssociations(DescribeRequest? request = null);

    /// <summary>DescribeInstances, as reservations.</summary>
    IReadOnlyList<Reservation> DescribeInstances(DescribeRequest? request = null);

    /// <summary>DescribeNatGateways.</summary>
    IReadOnlyList<NatGateway> DescribeNatGateways(DescribeRequest? request = null);

    /// <summary>DescribeAddresses: Elastic IP addresses, by allocation ID or by <paramref name="publicIps"/>.</summary>
    IReadOnlyList<Address> DescribeAddresses(DescribeRequest? request = null, IReadOnlyList<string>? publicIps = null);

    /// <summary>DescribeManagedPrefixLists: the prefix lists security group rules and routes may name.</summary>
    IReadOnlyList<ManagedPrefixList> DescribeManagedPrefixLists(DescribeRequest? request = null);

    /// <summary>GetManagedPrefixListEntries: a prefix list's CIDR blocks, in the order they were given.</summary>
    /// <exception cref="AwsException"><c>InvalidPrefixListID.NotFound</c>.</exception>
    IReadOnlyList<PrefixListEntry> GetManagedPrefixListEntries(string prefixListId);

    /// <summary>DescribeRouteTables.</summary>
    IReadOnlyList<RouteTable> DescribeRouteTables(DescribeRequest? request = null);

    /// <summary>
    /// The table that routes a subnet's traffic: its explicitly associated table, else its VPC's main table (which
    /// DescribeRouteTables does not list as associated).
    /// </summary>
    /// <exception cref="AwsException"><c>InvalidSubnetID.NotFound</c>.</exception>
    RouteTable RouteTableOfSubnet(string subnetId);
}
