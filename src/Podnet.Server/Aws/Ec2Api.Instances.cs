using System.Xml.Linq;
using Podnet.Aws;
using Podnet.Aws.Ec2;
using static Podnet.Server.Aws.AwsXml;

namespace Podnet.Server.Aws;

/// <summary>
/// The instance actions (RunInstances, TerminateInstances) and the zone lookup (DescribeAvailabilityZones): what a
/// script that launches a node into a subnet needs beside the network actions, as moto's
/// <c>moto/ec2/responses/instances.py</c> and <c>availability_zones_and_regions.py</c> serve them.
/// </summary>
public sealed partial class Ec2Api
{
    // A property, not a field: Actions (in Ec2Api.cs) reads it while static fields initialise, in no set order across files.
    private static string[] InstanceActions => ["RunInstances", "TerminateInstances", "DescribeAvailabilityZones"];

    private IReadOnlyList<XElement?> AnswerInstances(string action, QueryRequest query, IEc2 ec2) => action switch
    {
        // RunInstances answers a Reservation: its members are the answer's (reservationId, ownerId, groupSet, instancesSet).
        "RunInstances" => Write(() =>
        {
            // The request's own parameters are checked before the account is looked at (its default subnet).
            var groups = query.List("SecurityGroupId");
            var minCount = query.Int("MinCount") ?? throw Ec2Errors.MissingParameter("MinCount");
            var maxCount = query.Int("MaxCount") ?? throw Ec2Errors.MissingParameter("MaxCount");
            var imageId = query.Get("ImageId") ?? throw Ec2Errors.MissingParameter("ImageId");
            var reservation = Done(ec2.RunInstancesAsync(new RunInstancesRequest(
                query.Get("InstanceType") ?? "m1.small",
                query.Get("SubnetId") ?? DefaultSubnetId(ec2),
                minCount,
                maxCount,
                imageId,
                groups.Count > 0 ? groups : null,
                query.Get("PrivateIpAddress"),
                TagsFor(query, "instance"),
                IamRole(query))));
            return [.. Ec2Shapes.Reservation(reservation).Cast<XElement?>()];
        }),
        "TerminateInstances" => Write(() =>
        {
            var changes = Done(ec2.TerminateInstancesAsync(query.List("InstanceId")));
            return [Items("instancesSet", changes, Ec2Shapes.InstanceStateChange)];
        }),
        "DescribeAvailabilityZones" => Read(() =>
        {
            var names = query.List("ZoneName");
            var ids = query.List("ZoneId");
            var filters = Describe(query, "ZoneName").Filters;
            var zones = Done(ec2.DescribeAvailabilityZonesAsync(new DescribeAvailabilityZonesRequest(names.Count > 0 ? names : null, ids.Count > 0 ? ids : null, filters)));
            return [Items("availabilityZoneInfo", zones, Ec2Shapes.AvailabilityZone)];
        }),
        _ => throw new AwsException("InvalidAction", $"The action {action} is not valid for this web service."),
    };

    /// <summary>
    /// Without <c>SubnetId</c> EC2 launches into the default subnet of the default VPC (its first zone's); an account
    /// without one gets EC2's <c>VPCIdNotSpecified</c>.
    /// </summary>
    private static string DefaultSubnetId(IEc2 ec2)
    {
        var vpcId = DefaultVpcId(ec2);
        return Done(ec2.DescribeSubnetsAsync(DescribeRequest.Where(new Filter("vpc-id", vpcId), new Filter("default-for-az", "true")))) is [var subnet, ..]
            ? subnet.SubnetId
            : throw new AwsException("MissingInput", "No subnets found for the default VPC '" + vpcId + "'. Please specify a subnet.");
    }

    /// <summary>
    /// <c>IamInstanceProfile.Arn</c> or <c>.Name</c>: the emulator gives an instance the role its profile is named
    /// after (a profile of the same name as its role, as <c>eksctl</c> and the console make them).
    /// </summary>
    private string? IamRole(QueryRequest query)
    {
        var profile = query.Get("IamInstanceProfile.Arn") is { } arn ? arn[(arn.LastIndexOf('/') + 1)..] : query.Get("IamInstanceProfile.Name");
        return profile is null ? null : $"arn:aws:iam::{_cluster.World.Cloud!.Options.AccountId}:role/{profile}";
    }
}
