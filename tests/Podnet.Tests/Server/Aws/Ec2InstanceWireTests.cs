using System.Net;
using System.Xml.Linq;
using Podnet.Server.Aws;
using Podnet.Tests.TestSupport;

namespace Podnet.Tests.Server.Aws;

/// <summary>RunInstances, TerminateInstances and DescribeAvailabilityZones over HTTP (<c>Ec2Api.Instances.cs</c>).</summary>
public class Ec2InstanceWireTests : IClassFixture<ServedWorld>
{
    private static readonly XNamespace Ec2 = AwsAnswers.Ec2Namespace;

    private readonly ServedWorld _world;

    public Ec2InstanceWireTests(ServedWorld world)
    {
        _world = world;
    }

    private async Task<(HttpStatusCode Status, XElement Body)> PostAsync(string form)
    {
        using var http = _world.AwsHttp();
        using var content = new StringContent("Version=2016-11-15&" + form, System.Text.Encoding.UTF8, "application/x-www-form-urlencoded");
        var response = await http.PostAsync("/", content);
        return (response.StatusCode, XElement.Parse(await response.Content.ReadAsStringAsync()));
    }

    private static string Code(XElement body) => body.Element("Errors")!.Element("Error")!.Element("Code")!.Value;

    [Fact]
    public async Task RunInstances_IntoASubnet_ThenTerminate_TakesThePrimaryInterfaceAlong()
    {
        var subnetId = _world.Server.Cluster.Read(() => _world.Server.Cluster.World.Cloud!.Ec2Backend.DescribeSubnets().First(s => s.CidrBlock == "192.168.96.0/19").SubnetId);
        var (status, run) = await PostAsync($"Action=RunInstances&ImageId=ami-0a1b2c3d4e5f60718&InstanceType=m5.large&MinCount=1&MaxCount=1&SubnetId={subnetId}"
            + "&TagSpecification.1.ResourceType=instance&TagSpecification.1.Tag.1.Key=Name&TagSpecification.1.Tag.1.Value=wire-node");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Matches("^r-[0-9a-f]{17}$", run.Element(Ec2 + "reservationId")!.Value);
        var instance = run.Element(Ec2 + "instancesSet")!.Element(Ec2 + "item")!;
        var instanceId = instance.Element(Ec2 + "instanceId")!.Value;
        Assert.Equal(("pending", subnetId), (instance.Element(Ec2 + "instanceState")!.Element(Ec2 + "name")!.Value, instance.Element(Ec2 + "subnetId")!.Value));
        var eni = instance.Element(Ec2 + "networkInterfaceSet")!.Element(Ec2 + "item")!;
        var eniId = eni.Element(Ec2 + "networkInterfaceId")!.Value;
        Assert.Equal(("0", "true"), (eni.Element(Ec2 + "attachment")!.Element(Ec2 + "deviceIndex")!.Value, eni.Element(Ec2 + "attachment")!.Element(Ec2 + "deleteOnTermination")!.Value));

        // Pending until it has booted; the served clock jumps there (a user waits), so it is soon running.
        for (var polls = 0; polls < 100 && (await PostAsync($"Action=DescribeInstances&InstanceId.1={instanceId}")).Body.Descendants(Ec2 + "instanceState").Single().Element(Ec2 + "name")!.Value != "running"; polls++)
        {
            await Task.Delay(100);
        }

        var (_, terminated) = await PostAsync($"Action=TerminateInstances&InstanceId.1={instanceId}");
        var change = terminated.Element(Ec2 + "instancesSet")!.Element(Ec2 + "item")!;
        Assert.Equal((instanceId, "shutting-down", "running"), (change.Element(Ec2 + "instanceId")!.Value, change.Element(Ec2 + "currentState")!.Element(Ec2 + "name")!.Value, change.Element(Ec2 + "previousState")!.Element(Ec2 + "name")!.Value));

        // EC2 deletes the primary interface when the instance is terminated, after its shutting-down (this test used
        // to expect it gone with the TerminateInstances answer); the served clock jumps there, as a user waits.
        (status, var gone) = await PostAsync($"Action=DescribeNetworkInterfaces&NetworkInterfaceId.1={eniId}");
        for (var polls = 0; status == HttpStatusCode.OK && polls < 100; polls++)
        {
            await Task.Delay(100);
            (status, gone) = await PostAsync($"Action=DescribeNetworkInterfaces&NetworkInterfaceId.1={eniId}");
        }

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("InvalidNetworkInterfaceID.NotFound", Code(gone));
    }

    [Fact]
    public async Task RunInstances_WithoutMaxCount_IsMissingParameter()
    {
        var (status, body) = await PostAsync("Action=RunInstances&ImageId=ami-0a1b2c3d4e5f60718&InstanceType=m5.large&MinCount=1");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("MissingParameter", Code(body));
    }

    [Fact]
    public async Task DescribeAvailabilityZones_ByNameIdAndFilter_UnknownZoneIsInvalidParameterValue()
    {
        var (_, all) = await PostAsync("Action=DescribeAvailabilityZones");
        Assert.Equal(["us-west-2a", "us-west-2b", "us-west-2c", "us-west-2d"], all.Descendants(Ec2 + "zoneName").Select(z => z.Value));

        var (_, one) = await PostAsync("Action=DescribeAvailabilityZones&ZoneId.1=usw2-az3");
        Assert.Equal("us-west-2c", Assert.Single(one.Descendants(Ec2 + "zoneName")).Value);

        var (_, filtered) = await PostAsync("Action=DescribeAvailabilityZones&Filter.1.Name=zone-name&Filter.1.Value.1=*b");
        Assert.Equal("usw2-az2", Assert.Single(filtered.Descendants(Ec2 + "zoneId")).Value);

        var (status, error) = await PostAsync("Action=DescribeAvailabilityZones&ZoneName.1=us-west-2z");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(("InvalidParameterValue", "Invalid availability zone: [us-west-2z]"), (Code(error), error.Element("Errors")!.Element("Error")!.Element("Message")!.Value));
    }
}
