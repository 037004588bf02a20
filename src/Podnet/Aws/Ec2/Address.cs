namespace Podnet.Aws.Ec2;

/// <summary>
/// An Elastic IP address (domain <c>vpc</c>) in the shape <c>aws ec2 describe-addresses</c> prints: allocated from
/// Amazon's pool, associated with at most one network interface (a NAT gateway's, or one of an instance's through
/// AssociateAddress).
/// </summary>
public sealed record Address(
    string AllocationId,
    string PublicIp,
    string Domain,
    string PublicIpv4Pool,
    string NetworkBorderGroup,
    string? AssociationId,
    string? NetworkInterfaceId,
    string? NetworkInterfaceOwnerId,
    string? PrivateIpAddress,
    IReadOnlyList<Tag> Tags)
{
    /// <summary>The instance the associated interface is attached to, or null.</summary>
    public string? InstanceId { get; init; }
}
