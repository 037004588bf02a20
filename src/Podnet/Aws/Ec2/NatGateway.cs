namespace Podnet.Aws.Ec2;

/// <summary>
/// A NAT gateway in the shape <c>aws ec2 describe-nat-gateways</c> prints: <see cref="ConnectivityType"/>
/// <c>public</c> (an Elastic IP, its VPC's internet gateway behind it) or <c>private</c> (no Elastic IP: it translates
/// to its own private address, for other VPCs and on-premises networks). Its <see cref="State"/> follows the clock:
/// <c>pending</c> → <c>available</c> (or, for a public one, <c>failed</c> when its VPC has no internet gateway), then
/// <c>deleting</c> → <c>deleted</c>; a deleted gateway stays visible, as EC2 keeps it for about an hour.
/// </summary>
public sealed record NatGateway(
    string NatGatewayId,
    string VpcId,
    string SubnetId,
    string State,
    string ConnectivityType,
    DateTimeOffset CreateTime,
    DateTimeOffset? DeleteTime,
    IReadOnlyList<NatGatewayAddress> NatGatewayAddresses,
    string? FailureCode,
    string? FailureMessage,
    IReadOnlyList<Tag> Tags);

/// <summary>
/// A NAT gateway's address: the Elastic IP (a public gateway's; a private one has none, so no
/// <see cref="AllocationId"/> and no <see cref="PublicIp"/>) and the interface EC2 made for it in the subnet. While a
/// public gateway is pending only <see cref="AllocationId"/> is known, as CreateNatGateway answers (boto/boto3#779).
/// </summary>
public sealed record NatGatewayAddress(string? AllocationId, string? NetworkInterfaceId, string? PrivateIp, string? PublicIp, bool IsPrimary, string Status);

/// <summary>
/// CreateNatGateway's arguments. <see cref="ConnectivityType"/> is <c>public</c> (the default, EC2's too: it needs
/// <see cref="AllocationId"/>) or <c>private</c> (which takes none). <see cref="PrivateIpAddress"/> is CreateNatGateway's own
/// (the gateway's address in its subnet; else the lowest free one). <see cref="Existing"/> describes a gateway that
/// already exists, as a world declares it: <c>available</c> at once instead of <c>pending</c> for
/// <see cref="Ec2Backend.NatGatewayCreateDuration"/> (or <c>failed</c> at once when its VPC has no internet gateway);
/// such a gateway may keep its own <see cref="NatGatewayId"/> and its interface's <see cref="NetworkInterfaceId"/>
/// (as <c>podnet snapshot</c> read them), else they are drawn from its identity.
/// </summary>
public sealed record CreateNatGatewayRequest(
    string SubnetId,
    string? AllocationId,
    IReadOnlyList<Tag>? Tags = null,
    bool Existing = false,
    string? PrivateIpAddress = null,
    string? NatGatewayId = null,
    string? NetworkInterfaceId = null,
    string ConnectivityType = "public");
