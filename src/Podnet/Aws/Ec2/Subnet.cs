namespace Podnet.Aws.Ec2;

/// <summary>A subnet in the shape <c>aws ec2 describe-subnets</c> prints.</summary>
public sealed record Subnet(
    string SubnetId,
    string SubnetArn,
    string VpcId,
    string CidrBlock,
    string AvailabilityZone,
    string AvailabilityZoneId,
    int AvailableIpAddressCount,
    string State,
    bool DefaultForAz,
    bool MapPublicIpOnLaunch,
    string OwnerId,
    IReadOnlyList<Tag> Tags);

public sealed record CreateSubnetRequest(
    string VpcId,
    string CidrBlock,
    string? AvailabilityZone = null,
    string? AvailabilityZoneId = null,
    IReadOnlyList<Tag>? Tags = null,
    string? SubnetId = null,
    bool MapPublicIpOnLaunch = false);
