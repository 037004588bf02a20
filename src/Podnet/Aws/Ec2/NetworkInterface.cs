namespace Podnet.Aws.Ec2;

/// <summary>A network interface in the shape <c>aws ec2 describe-network-interfaces</c> prints.</summary>
public sealed record NetworkInterface(
    string NetworkInterfaceId,
    string SubnetId,
    string VpcId,
    string AvailabilityZone,
    string Description,
    string OwnerId,
    bool RequesterManaged,
    string Status,
    string MacAddress,
    string PrivateIpAddress,
    string PrivateDnsName,
    bool SourceDestCheck,
    string InterfaceType,
    IReadOnlyList<GroupIdentifier> Groups,
    IReadOnlyList<NetworkInterfacePrivateIpAddress> PrivateIpAddresses,
    IReadOnlyList<Ipv4PrefixSpecification> Ipv4Prefixes,
    IReadOnlyList<NetworkInterfaceIpv6Address> Ipv6Addresses,
    NetworkInterfaceAttachment? Attachment,
    IReadOnlyList<Tag> TagSet)
{
    /// <summary>The /80 IPv6 prefixes delegated to the interface (<c>Ipv6PrefixCount</c>; the VPC CNI's prefix delegation in IPv6 mode).</summary>
    public IReadOnlyList<Ipv6PrefixSpecification> Ipv6Prefixes { get; init; } = [];

    /// <summary>The public IPv4 address of the interface's primary private address, or null: see <see cref="NetworkInterfaceAssociation"/>.</summary>
    public NetworkInterfaceAssociation? Association { get; init; }
}

/// <summary>
/// The public IPv4 address mapped to an interface's primary private address (botocore
/// <c>NetworkInterfaceAssociation</c>; describe-network-interfaces' and describe-instances' <c>Association</c>): the
/// address EC2 gives at launch to an instance's primary interface in a subnet with <c>MapPublicIpOnLaunch</c>
/// (<see cref="IpOwnerId"/> <c>amazon</c>, no allocation), or an Elastic IP associated with it (the account's, with
/// its <see cref="AllocationId"/> and <see cref="AssociationId"/>).
/// </summary>
/// <param name="PublicIp">The public IPv4 address, e.g. <c>198.18.7.21</c> (Podnet draws them from RFC 2544's benchmarking range, never a real one).</param>
/// <param name="PublicDnsName">Its public DNS name, <c>ec2-198-18-7-21.us-west-2.compute.amazonaws.com</c> (<c>compute-1.amazonaws.com</c> in us-east-1).</param>
/// <param name="IpOwnerId"><c>amazon</c> for an address EC2 assigned, else the account that owns the Elastic IP.</param>
public sealed record NetworkInterfaceAssociation(string PublicIp, string PublicDnsName, string IpOwnerId)
{
    /// <summary>The Elastic IP's allocation ID (<c>eipalloc-…</c>); null for an address EC2 assigned at launch.</summary>
    public string? AllocationId { get; init; }

    /// <summary>The Elastic IP's association ID (<c>eipassoc-…</c>); null for an address EC2 assigned at launch.</summary>
    public string? AssociationId { get; init; }
}

public sealed record NetworkInterfacePrivateIpAddress(string PrivateIpAddress, string PrivateDnsName, bool Primary);

public sealed record Ipv4PrefixSpecification(string Ipv4Prefix);

/// <summary>
/// One IPv6 address of an interface (botocore <c>NetworkInterfaceIpv6Address</c>); <see cref="IsPrimaryIpv6"/> is
/// false unless the address was made the interface's primary IPv6 address, which Podnet does not do.
/// </summary>
public sealed record NetworkInterfaceIpv6Address(string Ipv6Address)
{
    public bool IsPrimaryIpv6 { get; init; }
}

/// <summary>One /80 IPv6 prefix of an interface (botocore <c>Ipv6PrefixSpecification</c>).</summary>
public sealed record Ipv6PrefixSpecification(string Ipv6Prefix);

public sealed record NetworkInterfaceAttachment(
    string AttachmentId,
    string InstanceId,
    string InstanceOwnerId,
    int DeviceIndex,
    int NetworkCardIndex,
    string Status,
    DateTimeOffset AttachTime,
    bool DeleteOnTermination);

/// <summary>Interface types EC2 accepts on create, plus the default.</summary>
public static class NetworkInterfaceTypes
{
    public const string Interface = "interface";
    public const string Trunk = "trunk";
    public const string Branch = "branch";
    public const string Efa = "efa";
    public const string EfaOnly = "efa-only";

    public static readonly IReadOnlyList<string> Creatable = [Efa, EfaOnly, Branch, Trunk];
}

/// <summary>
/// CreateNetworkInterface's parameters. <see cref="NetworkInterfaceId"/> and <see cref="MacAddress"/> are not EC2's:
/// EC2 picks both; a world sets them for an interface that exists already (a snapshot of a real account keeps its
/// IDs), as <see cref="CreateVpcRequest"/> takes a given VPC ID. The wire never sets them.
/// </summary>
public sealed record CreateNetworkInterfaceRequest(
    string SubnetId,
    IReadOnlyList<string>? Groups = null,
    string? Description = null,
    string? PrivateIpAddress = null,
    IReadOnlyList<string>? SecondaryPrivateIpAddresses = null,
    int SecondaryPrivateIpAddressCount = 0,
    IReadOnlyList<string>? Ipv4Prefixes = null,
    int Ipv4PrefixCount = 0,
    string? InterfaceType = null,
    IReadOnlyList<Tag>? Tags = null,
    string? NetworkInterfaceId = null,
    string? MacAddress = null);

public sealed record AttachNetworkInterfaceRequest(
    string NetworkInterfaceId,
    string InstanceId,
    int DeviceIndex,
    int NetworkCardIndex = 0);

public sealed record DetachNetworkInterfaceRequest(string AttachmentId, bool Force = false);

/// <summary>One attribute at a time, as EC2's ModifyNetworkInterfaceAttribute takes them.</summary>
public sealed record ModifyNetworkInterfaceAttributeRequest(
    string NetworkInterfaceId,
    string? Description = null,
    bool? SourceDestCheck = null,
    IReadOnlyList<string>? Groups = null,
    string? AttachmentId = null,
    bool? DeleteOnTermination = null);

public sealed record AssignPrivateIpAddressesRequest(
    string NetworkInterfaceId,
    IReadOnlyList<string>? PrivateIpAddresses = null,
    int SecondaryPrivateIpAddressCount = 0,
    IReadOnlyList<string>? Ipv4Prefixes = null,
    int Ipv4PrefixCount = 0,
    bool AllowReassignment = false);

public sealed record AssignPrivateIpAddressesResult(
    string NetworkInterfaceId,
    IReadOnlyList<string> AssignedPrivateIpAddresses,
    IReadOnlyList<string> AssignedIpv4Prefixes);

/// <summary>
/// AssignIpv6Addresses' arguments: addresses (<see cref="Ipv6Addresses"/> or <see cref="Ipv6AddressCount"/>) and /80
/// prefixes (<see cref="Ipv6Prefixes"/> or <see cref="Ipv6PrefixCount"/>) from the interface's subnet's /64; a list
/// and a count of the same kind are refused together, as for IPv4.
/// </summary>
public sealed record AssignIpv6AddressesRequest(
    string NetworkInterfaceId,
    IReadOnlyList<string>? Ipv6Addresses = null,
    int Ipv6AddressCount = 0,
    IReadOnlyList<string>? Ipv6Prefixes = null,
    int Ipv6PrefixCount = 0);

/// <summary>AssignIpv6Addresses' answer: what was assigned, in the order it was.</summary>
public sealed record AssignIpv6AddressesResult(
    string NetworkInterfaceId,
    IReadOnlyList<string> AssignedIpv6Addresses,
    IReadOnlyList<string> AssignedIpv6Prefixes);

/// <summary>UnassignIpv6Addresses' arguments: addresses and prefixes the interface holds.</summary>
public sealed record UnassignIpv6AddressesRequest(
    string NetworkInterfaceId,
    IReadOnlyList<string>? Ipv6Addresses = null,
    IReadOnlyList<string>? Ipv6Prefixes = null);

/// <summary>UnassignIpv6Addresses' answer: what was given back.</summary>
public sealed record UnassignIpv6AddressesResult(
    string NetworkInterfaceId,
    IReadOnlyList<string> UnassignedIpv6Addresses,
    IReadOnlyList<string> UnassignedIpv6Prefixes);

public sealed record UnassignPrivateIpAddressesRequest(
    string NetworkInterfaceId,
    IReadOnlyList<string>? PrivateIpAddresses = null,
    IReadOnlyList<string>? Ipv4Prefixes = null);
