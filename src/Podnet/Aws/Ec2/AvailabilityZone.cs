namespace Podnet.Aws.Ec2;

/// <summary>
/// An availability zone as DescribeAvailabilityZones answers it (botocore shape <c>AvailabilityZone</c>): the zones of
/// the account's region (<see cref="AwsOptions.Zones"/>), all <c>available</c> standard zones that need no opt-in.
/// </summary>
/// <param name="ZoneName">us-west-2a.</param>
/// <param name="ZoneId">The zone's ID, the same in every account (usw2-az1; <see cref="AwsOptions.ZoneIdOf"/>).</param>
/// <param name="RegionName">us-west-2.</param>
/// <param name="State">available.</param>
/// <param name="ZoneType">availability-zone (not a local or wavelength zone).</param>
/// <param name="OptInStatus">opt-in-not-required, as for every zone of a standard region.</param>
/// <param name="GroupName">The zone group; for a standard zone the region's name.</param>
/// <param name="NetworkBorderGroup">The border group addresses are advertised from; the region's name.</param>
public sealed record AvailabilityZone(
    string ZoneName,
    string ZoneId,
    string RegionName,
    string State = "available",
    string ZoneType = "availability-zone",
    string OptInStatus = "opt-in-not-required",
    string? GroupName = null,
    string? NetworkBorderGroup = null);

/// <summary>DescribeAvailabilityZones' parameters: <c>ZoneNames</c>, <c>ZoneIds</c> and filters.</summary>
public sealed record DescribeAvailabilityZonesRequest(
    IReadOnlyList<string>? ZoneNames = null,
    IReadOnlyList<string>? ZoneIds = null,
    IReadOnlyList<Filter>? Filters = null);
