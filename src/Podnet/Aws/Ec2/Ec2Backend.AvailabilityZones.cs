namespace Podnet.Aws.Ec2;

public sealed partial class Ec2Backend
{
    /// <summary>
    /// The region's zones, by name, by ID and by filter (<c>zone-name</c>, <c>zone-id</c>, <c>region-name</c>,
    /// <c>state</c>, <c>zone-type</c>, <c>group-name</c>, <c>opt-in-status</c>), as EC2's DescribeAvailabilityZones.
    /// </summary>
    /// <exception cref="AwsException">
    /// <c>InvalidParameterValue</c> "Invalid availability zone: [us-west-2x]" for a name or ID the region lacks, as EC2 answers.
    /// </exception>
    public IReadOnlyList<AvailabilityZone> DescribeAvailabilityZones(DescribeAvailabilityZonesRequest? request = null)
    {
        request ??= new DescribeAvailabilityZonesRequest();
        var zones = Options.Zones
            .Select(z => new AvailabilityZone(z, Options.ZoneIdOf(z), Options.Region, GroupName: Options.Region, NetworkBorderGroup: Options.Region))
            .ToList();
        var unknown = (request.ZoneNames ?? []).Where(n => !zones.Exists(z => z.ZoneName == n))
            .Concat((request.ZoneIds ?? []).Where(i => !zones.Exists(z => z.ZoneId == i)))
            .ToList();
        if (unknown.Count > 0)
        {
            throw Ec2Errors.InvalidParameterValue($"Invalid availability zone: [{string.Join(", ", unknown)}]");
        }

        var named = zones.Where(z =>
            (request.ZoneNames is not { Count: > 0 } names || names.Contains(z.ZoneName))
            && (request.ZoneIds is not { Count: > 0 } ids || ids.Contains(z.ZoneId)));
        return [.. ZoneFilters.Apply(named, request.Filters)];
    }

    private static readonly FilterMatcher<AvailabilityZone> ZoneFilters = new(
        new Dictionary<string, Func<AvailabilityZone, IEnumerable<string?>>>(StringComparer.Ordinal)
        {
            ["zone-name"] = z => Field.One(z.ZoneName),
            ["zone-id"] = z => Field.One(z.ZoneId),
            ["region-name"] = z => Field.One(z.RegionName),
            ["state"] = z => Field.One(z.State),
            ["zone-type"] = z => Field.One(z.ZoneType),
            ["group-name"] = z => Field.One(z.GroupName),
            ["opt-in-status"] = z => Field.One(z.OptInStatus),
        },
        _ => []);
}
