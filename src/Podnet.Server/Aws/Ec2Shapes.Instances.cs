using Podnet.Aws.Ec2;
using static Podnet.Server.Aws.AwsXml;

namespace Podnet.Server.Aws;

/// <summary>The shapes of the instance and zone actions (<see cref="Ec2Api"/>'s <c>Ec2Api.Instances.cs</c>).</summary>
public static partial class Ec2Shapes
{
    /// <summary>An <c>InstanceStateChange</c> (TerminateInstances' <c>instancesSet</c> items).</summary>
    public static object?[] InstanceStateChange(InstanceStateChange change) =>
    [
        Text("instanceId", change.InstanceId),
        Structure("currentState", Int("code", change.CurrentState.Code), Text("name", change.CurrentState.Name)),
        Structure("previousState", Int("code", change.PreviousState.Code), Text("name", change.PreviousState.Name)),
    ];

    /// <summary>An <c>AvailabilityZone</c> (DescribeAvailabilityZones' <c>availabilityZoneInfo</c> items).</summary>
    public static object?[] AvailabilityZone(AvailabilityZone zone) =>
    [
        Text("optInStatus", zone.OptInStatus),
        Items("messageSet", Array.Empty<string>(), m => [Text("message", m)]),
        Text("zoneName", zone.ZoneName),
        Text("zoneId", zone.ZoneId),
        Text("groupName", zone.GroupName),
        Text("networkBorderGroup", zone.NetworkBorderGroup),
        Text("zoneType", zone.ZoneType),
        Text("zoneState", zone.State),
        Text("regionName", zone.RegionName),
    ];
}
