using System.Net;
using System.Xml.Linq;
using Podnet.Server.Aws;
using Podnet.Tests.TestSupport;

namespace Podnet.Tests.Server.Aws;

/// <summary>
/// CloudFormation and EC2's routing actions on the wire (routing by scope and Version, the query answers and
/// error envelopes), and seed 003's CloudFormation steps (api-server.md §1.6, f1–f4) run verbatim by the real aws
/// CLI against the served default world, virtual time advanced while the stack is being created.
/// </summary>
public class CloudFormationApiTests : IClassFixture<ServedWorld>
{
    private static readonly XNamespace Cfn = AwsAnswers.CloudFormationNamespace;
    private static readonly XNamespace Ec2 = AwsAnswers.Ec2Namespace;

    private readonly ServedWorld _world;

    public CloudFormationApiTests(ServedWorld world)
    {
        _world = world;
    }

    private async Task<(HttpStatusCode Status, XElement Body)> PostAsync(string form, string? service = null)
    {
        using var http = _world.AwsHttp();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/") { Content = new StringContent(form, System.Text.Encoding.UTF8, "application/x-www-form-urlencoded") };
        if (service is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", $"AWS4-HMAC-SHA256 Credential=AKIAPODNETADMIN00001/20261129/region-code/{service}/aws4_request, SignedHeaders=host, Signature=00");
        }

        var response = await http.SendAsync(request);
        return (response.StatusCode, XElement.Parse(await response.Content.ReadAsStringAsync()));
    }

    [Fact]
    public async Task DescribeStacks_UnknownStack_IsValidationErrorEnvelope()
    {
        var (status, body) = await PostAsync("Action=DescribeStacks&Version=2010-05-15&StackName=missing", "cloudformation");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(Cfn + "ErrorResponse", body.Name);
        var error = body.Element(Cfn + "Error")!;
        Assert.Equal(("Sender", "ValidationError", "Stack with id missing does not exist"), (error.Element(Cfn + "Type")!.Value, error.Element(Cfn + "Code")!.Value, error.Element(Cfn + "Message")!.Value));
        Assert.NotEmpty(body.Element(Cfn + "RequestId")!.Value);
    }

    [Fact]
    public async Task CreateStack_ByVersionAlone_AnswersStackId_ThenDuplicateIsAlreadyExists()
    {
        const string form = "Action=CreateStack&Version=2010-05-15&StackName=wire-stack&TemplateURL=https%3A%2F%2Famazon-eks.s3.us-west-2.amazonaws.com%2Fcloudformation%2F2020-10-29%2Famazon-eks-vpc-private-subnets.yaml"
                            + "&Parameters.member.1.ParameterKey=VpcBlock&Parameters.member.1.ParameterValue=10.30.0.0%2F24&Parameters.member.2.ParameterKey=PublicSubnet01Block&Parameters.member.2.ParameterValue=10.30.0.0%2F27"
                            + "&Parameters.member.3.ParameterKey=PublicSubnet02Block&Parameters.member.3.ParameterValue=10.30.0.32%2F27&Parameters.member.4.ParameterKey=PrivateSubnet01Block&Parameters.member.4.ParameterValue=10.30.0.64%2F27"
                            + "&Parameters.member.5.ParameterKey=PrivateSubnet02Block&Parameters.member.5.ParameterValue=10.30.0.96%2F27";
        var (status, body) = await PostAsync(form);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(Cfn + "CreateStackResponse", body.Name);
        Assert.StartsWith("arn:aws:cloudformation:us-west-2:123456789012:stack/wire-stack/", body.Element(Cfn + "CreateStackResult")!.Element(Cfn + "StackId")!.Value, StringComparison.Ordinal);
        Assert.NotEmpty(body.Element(Cfn + "ResponseMetadata")!.Element(Cfn + "RequestId")!.Value);

        (status, body) = await PostAsync(form, "cloudformation");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("AlreadyExistsException", body.Element(Cfn + "Error")!.Element(Cfn + "Code")!.Value);

        (status, body) = await PostAsync("Action=DescribeStacks&Version=2010-05-15&StackName=wire-stack", "cloudformation");
        var stack = body.Descendants(Cfn + "Stacks").Single().Elements(Cfn + "member").Single();
        // In progress, or already complete: the served clock skips the stack's minutes while a user waits.
        Assert.Contains(stack.Element(Cfn + "StackStatus")!.Value, new[] { "CREATE_IN_PROGRESS", "CREATE_COMPLETE" });
        Assert.Equal(5, stack.Element(Cfn + "Parameters")!.Elements(Cfn + "member").Count());

        (status, body) = await PostAsync("Action=DeleteStack&Version=2010-05-15&StackName=wire-stack", "cloudformation");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(Cfn + "DeleteStackResponse", body.Name);
        Assert.Null(body.Element(Cfn + "DeleteStackResult"));
    }

    [Fact]
    public async Task CreateStack_TemplateBody_IsValidationError_NamingTheSupportedTemplate()
    {
        var (status, body) = await PostAsync("Action=CreateStack&Version=2010-05-15&StackName=body-stack&TemplateBody=Resources%3A+%7B%7D", "cloudformation");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        var error = body.Element(Cfn + "Error")!;
        Assert.Equal("ValidationError", error.Element(Cfn + "Code")!.Value);
        Assert.Contains("amazon-eks-vpc-private-subnets.yaml", error.Element(Cfn + "Message")!.Value, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeleteRoute_Unknown_IsEc2ErrorEnvelope()
    {
        var (_, created) = await PostAsync("Action=CreateVpc&Version=2016-11-15&CidrBlock=10.31.0.0%2F16", "ec2");
        var vpcId = created.Descendants(Ec2 + "vpcId").First().Value;
        var (_, tables) = await PostAsync($"Action=DescribeRouteTables&Version=2016-11-15&Filter.1.Name=vpc-id&Filter.1.Value.1={vpcId}", "ec2");
        var tableId = tables.Descendants(Ec2 + "routeTableId").First().Value;
        Assert.Equal("true", tables.Descendants(Ec2 + "main").Single().Value);
        Assert.Equal("local", tables.Descendants(Ec2 + "gatewayId").Single().Value);

        var (status, body) = await PostAsync($"Action=DeleteRoute&Version=2016-11-15&RouteTableId={tableId}&DestinationCidrBlock=0.0.0.0%2F0", "ec2");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("Response", body.Name.LocalName);
        Assert.Equal("InvalidRoute.NotFound", body.Descendants("Code").Single().Value);
        Assert.Equal($"no route with destination-cidr-block 0.0.0.0/0 in route table {tableId}", body.Descendants("Message").Single().Value);
    }

    [Fact]
    public async Task Seed003_CloudFormationSteps_CreateUntilComplete_CaptureSubnets_Delete()
    {
        var cloud = _world.Server.Cluster.World.Cloud!;
        const string Stack = "my-eks-custom-networking-vpc";

        // f1, verbatim (region_code is the seed's literal "region-code").
        Assert.Matches(
            $"^{{\\s*\"StackId\": \"arn:aws:cloudformation:us-west-2:123456789012:stack/{Stack}/[0-9a-f-]{{36}}\"\\s*}}$",
            _world.AwsOk("cloudformation", "create-stack", "--region", "region-code", "--stack-name", Stack, "--template-url", "https://s3.us-west-2.amazonaws.com/amazon-eks/cloudformation/2020-10-29/amazon-eks-vpc-private-subnets.yaml", "--parameters", "ParameterKey=VpcBlock,ParameterValue=192.168.0.0/24", "ParameterKey=PrivateSubnet01Block,ParameterValue=192.168.0.64/27", "ParameterKey=PrivateSubnet02Block,ParameterValue=192.168.0.96/27", "ParameterKey=PublicSubnet01Block,ParameterValue=192.168.0.0/27", "ParameterKey=PublicSubnet02Block,ParameterValue=192.168.0.32/27"));

        // f2: in progress, then complete a few virtual minutes later — the served clock jumps there while the stack is
        // in progress, as for any wait a user makes, so the seed's polling ends at once.
        string[] f2 = ["cloudformation", "describe-stacks", "--region", "region-code", "--stack-name", Stack, "--query", "Stacks[].StackStatus", "--output", "text"];
        Assert.Contains(_world.AwsOk(f2), new[] { "CREATE_IN_PROGRESS", "CREATE_COMPLETE" });
        await _world.WaitUntil(_ => cloud.CloudFormation.DescribeStacks(Stack)[0].StackStatus == "CREATE_COMPLETE", "the stack is complete");
        Assert.Equal("CREATE_COMPLETE", _world.AwsOk(f2));

        // f3, verbatim in a shell: the private subnets' IDs, captured.
        var (exit, captured, error) = ExternalProgram.Run("bash", ["-c", """
            export region_code=region-code
            subnet_id_1=$(aws cloudformation describe-stack-resources --stack-name my-eks-custom-networking-vpc --region $region_code \
                --query "StackResources[?LogicalResourceId=='PrivateSubnet01'].PhysicalResourceId" --output text) subnet_id_2=$(aws cloudformation describe-stack-resources --stack-name my-eks-custom-networking-vpc --region $region_code \
                --query "StackResources[?LogicalResourceId=='PrivateSubnet02'].PhysicalResourceId" --output text)
            echo "$subnet_id_1 $subnet_id_2"
            """], TimeSpan.FromSeconds(60), _world.AwsEnvironment());
        Assert.True(exit == 0, error);
        var resources = _world.Server.Cluster.Read(() => cloud.CloudFormation.DescribeStackResources(Stack));
        var private01 = resources.Single(r => r.LogicalResourceId == "PrivateSubnet01").PhysicalResourceId!;
        var private02 = resources.Single(r => r.LogicalResourceId == "PrivateSubnet02").PhysicalResourceId!;
        Assert.Equal($"{private01} {private02}", captured.Trim());
        var zones = _world.Server.Cluster.Read(() => cloud.Ec2Backend.DescribeSubnets(Podnet.Aws.Ec2.DescribeRequest.ForIds(private01, private02)).Select(s => s.AvailabilityZone).ToList());
        Assert.Equal(["us-west-2a", "us-west-2b"], zones);

        // Each private subnet routes to the internet through its zone's NAT gateway.
        var nat = _world.AwsOk("ec2", "describe-route-tables", "--region", "region-code", "--filters", $"Name=association.subnet-id,Values={private01}", "--query", "RouteTables[].Routes[?DestinationCidrBlock=='0.0.0.0/0'].NatGatewayId", "--output", "text");
        Assert.Equal(resources.Single(r => r.LogicalResourceId == "NatGateway01").PhysicalResourceId, nat);

        // f4, then the stack is gone once its NAT gateways are.
        Assert.Equal(string.Empty, _world.AwsOk("cloudformation", "delete-stack", "--region", "region-code", "--stack-name", Stack));
        await _world.WaitUntil(_ => cloud.CloudFormation.NextTransition is null, "the stack's deletion has finished");
        var (gone, _, stderr) = _world.Aws(f2);
        Assert.Equal(255, gone);
        Assert.Contains($"An error occurred (ValidationError) when calling the DescribeStacks operation: Stack with id {Stack} does not exist", stderr, StringComparison.Ordinal);
    }
}
