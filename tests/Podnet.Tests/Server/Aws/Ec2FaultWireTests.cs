using System.Net;
using System.Xml.Linq;
using Podnet.Aws.Ec2.Faults;
using Podnet.Tests.TestSupport;

namespace Podnet.Tests.Server.Aws;

/// <summary>Injected EC2 faults as the served AWS API answers them (<c>podnet up --faults</c>): over HTTP, and once through the real aws CLI.</summary>
public class Ec2FaultWireTests : IClassFixture<ServedWorld>
{
    private readonly ServedWorld _world;

    public Ec2FaultWireTests(ServedWorld world)
    {
        _world = world;
    }

    private async Task<(HttpStatusCode Status, string Code, string Message)> DescribeVpcsAsync()
    {
        using var http = _world.AwsHttp();
        using var content = new StringContent("Version=2016-11-15&Action=DescribeVpcs", System.Text.Encoding.UTF8, "application/x-www-form-urlencoded");
        var response = await http.PostAsync("/", content);
        var body = XElement.Parse(await response.Content.ReadAsStringAsync());
        var error = body.Element("Errors")?.Element("Error");
        return (response.StatusCode, error?.Element("Code")?.Value ?? string.Empty, error?.Element("Message")?.Value ?? string.Empty);
    }

    [Fact]
    public async Task Faults_AnswerAsEc2Does_OverHttpAndToTheAwsCli()
    {
        var faults = _world.Server.Cluster.World.Cloud!.Faults;
        try
        {
            faults.Settings = Ec2FaultSettings.Parse("RequestLimitExceeded=100%");
            var throttled = await DescribeVpcsAsync();
            var cli = _world.Aws("ec2", "describe-vpcs");
            faults.Settings = Ec2FaultSettings.Parse("InternalError=100%");
            var failed = await DescribeVpcsAsync();
            faults.Settings = new Ec2FaultSettings();
            var fine = await DescribeVpcsAsync();

            Assert.Equal((HttpStatusCode.ServiceUnavailable, "RequestLimitExceeded", "Request limit exceeded."), throttled);
            Assert.Equal((HttpStatusCode.InternalServerError, "InternalError", "An internal error has occurred"), failed);
            Assert.Equal((HttpStatusCode.OK, string.Empty), (fine.Status, fine.Code));
            Assert.NotEqual(0, cli.Exit);
            Assert.Contains("An error occurred (RequestLimitExceeded) when calling the DescribeVpcs operation", cli.Err, StringComparison.Ordinal);
            Assert.Contains("Request limit exceeded.", cli.Err, StringComparison.Ordinal);
        }
        finally
        {
            faults.Settings = new Ec2FaultSettings();
        }
    }
}
