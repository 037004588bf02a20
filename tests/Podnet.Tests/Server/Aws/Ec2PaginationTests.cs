using System.Net;
using System.Xml.Linq;
using Podnet.Aws.Ec2;
using Podnet.Server.Aws;
using Podnet.Tests.TestSupport;

namespace Podnet.Tests.Server.Aws;

/// <summary>
/// EC2's MaxResults/NextToken over HTTP (<see cref="Ec2Pagination"/>), and once through the aws CLI's
/// <c>--page-size</c>, which follows the tokens and merges the pages.
/// </summary>
public class Ec2PaginationTests : IClassFixture<ServedWorld>
{
    private static readonly XNamespace Ec2 = AwsAnswers.Ec2Namespace;

    private readonly ServedWorld _world;

    public Ec2PaginationTests(ServedWorld world)
    {
        _world = world;
    }

    private async Task<(HttpStatusCode Status, XElement Body)> PostAsync(string form)
    {
        using var http = _world.AwsHttp();
        using var content = new StringContent(form, System.Text.Encoding.UTF8, "application/x-www-form-urlencoded");
        var response = await http.PostAsync("/", content);
        return (response.StatusCode, XElement.Parse(await response.Content.ReadAsStringAsync()));
    }

    private static (string Code, string Message) Error(XElement body)
    {
        var error = body.Element("Errors")!.Element("Error")!;
        return (error.Element("Code")!.Value, error.Element("Message")!.Value);
    }

    /// <summary>Creates <paramref name="count"/> interfaces in a subnet of their own; returns the subnet and their IDs.</summary>
    private (string SubnetId, List<string> Ids) Interfaces(string cidr, int count)
        => _world.Server.Cluster.Write(() =>
        {
            var backend = _world.Server.Cluster.World.Cloud!.Ec2Backend;
            var vpcId = backend.DescribeVpcs()[0].VpcId;
            var subnet = backend.CreateSubnet(new CreateSubnetRequest(vpcId, cidr)).SubnetId;
            var ids = Enumerable.Range(0, count).Select(i => backend.CreateNetworkInterface(new CreateNetworkInterfaceRequest(subnet, Description: $"paged-{i}")).NetworkInterfaceId).ToList();
            return (subnet, ids);
        });

    private static List<string> EniIds(XElement body)
        => [.. body.Element(Ec2 + "networkInterfaceSet")!.Elements(Ec2 + "item").Select(i => i.Element(Ec2 + "networkInterfaceId")!.Value)];

    [Fact]
    public async Task DescribeNetworkInterfaces_MaxResults_PagesUntilNoToken()
    {
        var (subnet, ids) = Interfaces("192.168.200.0/26", 12);
        var filter = $"Action=DescribeNetworkInterfaces&Version=2016-11-15&Filter.1.Name=subnet-id&Filter.1.Value.1={subnet}";
        var seen = new List<string>();
        var pages = new List<int>();
        string? token = null;
        do
        {
            var (status, body) = await PostAsync(filter + "&MaxResults=5" + (token is null ? string.Empty : "&NextToken=" + Uri.EscapeDataString(token)));
            Assert.Equal(HttpStatusCode.OK, status);
            var page = EniIds(body);
            pages.Add(page.Count);
            seen.AddRange(page);
            token = body.Element(Ec2 + "nextToken")?.Value;
        }
        while (token is not null);

        Assert.Equal([5, 5, 2], pages);
        Assert.Equal(ids, seen);

        // Without MaxResults everything comes at once, with no token.
        var (_, all) = await PostAsync(filter);
        Assert.Equal(ids, EniIds(all));
        Assert.Null(all.Element(Ec2 + "nextToken"));
    }

    [Fact]
    public async Task DescribeVpcs_MaxResultsOutOfBounds_IsInvalidParameterValue()
    {
        var (status, body) = await PostAsync("Action=DescribeVpcs&Version=2016-11-15&MaxResults=4");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(("InvalidParameterValue", "Value ( 4 ) for parameter maxResults is invalid. Expecting a value greater than 5."), Error(body));

        (status, body) = await PostAsync("Action=DescribeVpcs&Version=2016-11-15&MaxResults=1001");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(("InvalidParameterValue", "Value ( 1001 ) for parameter maxResults is invalid. Expecting a value less than 1000."), Error(body));

        // DescribeInstanceTypes' bound is 100 (the model's DITMaxResults).
        (_, body) = await PostAsync("Action=DescribeInstanceTypes&Version=2016-11-15&MaxResults=101");
        Assert.Equal("InvalidParameterValue", Error(body).Code);
        (status, body) = await PostAsync("Action=DescribeInstanceTypes&Version=2016-11-15&MaxResults=100");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.InRange(body.Element(Ec2 + "instanceTypeSet")!.Elements().Count(), 1, 100);
    }

    [Fact]
    public async Task NextToken_NotIssuedForThisRequest_IsInvalidParameterValue()
    {
        var (_, ids) = Interfaces("192.168.201.0/26", 6);
        var (_, first) = await PostAsync("Action=DescribeNetworkInterfaces&Version=2016-11-15&MaxResults=5");
        var token = first.Element(Ec2 + "nextToken")!.Value;
        Assert.Equal(5, EniIds(first).Count);

        // Made up, or issued for another request (another filter, another operation): refused.
        foreach (var form in new[]
        {
            "Action=DescribeNetworkInterfaces&Version=2016-11-15&NextToken=not-a-token",
            $"Action=DescribeNetworkInterfaces&Version=2016-11-15&Filter.1.Name=status&Filter.1.Value.1=available&NextToken={Uri.EscapeDataString(token)}",
            $"Action=DescribeSubnets&Version=2016-11-15&NextToken={Uri.EscapeDataString(token)}",
        })
        {
            var (status, body) = await PostAsync(form);
            Assert.Equal(HttpStatusCode.BadRequest, status);
            var (code, message) = Error(body);
            Assert.Equal("InvalidParameterValue", code);
            Assert.EndsWith("for parameter NextToken is invalid. The token is invalid.", message, StringComparison.Ordinal);
        }

        // The token resumes the same request, whatever MaxResults says now.
        var (_, rest) = await PostAsync($"Action=DescribeNetworkInterfaces&Version=2016-11-15&NextToken={Uri.EscapeDataString(token)}");
        Assert.Contains(ids[^1], EniIds(rest));
        Assert.Null(rest.Element(Ec2 + "nextToken"));
    }

    [Fact]
    public async Task MaxResults_WithNetworkInterfaceIds_IsInvalidParameterCombination()
    {
        var (_, ids) = Interfaces("192.168.202.0/28", 1);
        var (status, body) = await PostAsync($"Action=DescribeNetworkInterfaces&Version=2016-11-15&NetworkInterfaceId.1={ids[0]}&MaxResults=5");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(("InvalidParameterCombination", "The parameter networkInterfaceIdSet cannot be used with the parameter maxResults"), Error(body));

        (_, body) = await PostAsync("Action=DescribeInstances&Version=2016-11-15&InstanceId.1=i-0123456789abcdef0&MaxResults=5");
        Assert.Equal(("InvalidParameterCombination", "The parameter instancesSet cannot be used with the parameter maxResults"), Error(body));

        // DescribeSecurityGroups takes both.
        var groupId = _world.Server.Cluster.Read(() => _world.Server.Cluster.World.Cloud!.Ec2Backend.DescribeSecurityGroups()[0].GroupId);
        (status, _) = await PostAsync($"Action=DescribeSecurityGroups&Version=2016-11-15&GroupId.1={groupId}&MaxResults=5");
        Assert.Equal(HttpStatusCode.OK, status);
    }

    [Fact]
    public void AwsCli_PageSize5_FollowsTheTokensAndMergesThePages()
    {
        var (subnet, ids) = Interfaces("192.168.203.0/26", 11);
        var printed = _world.AwsOk(
            "ec2", "describe-network-interfaces", "--page-size", "5", "--filters", $"Name=subnet-id,Values={subnet}",
            "--query", "NetworkInterfaces[].NetworkInterfaceId", "--output", "text");

        // Eleven interfaces in pages of five: only the tokens bring the last six.
        Assert.Equal(ids, printed.Split('\t', '\n'));
    }
}
