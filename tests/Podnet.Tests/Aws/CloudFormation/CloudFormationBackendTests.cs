using Podnet.Aws;
using Podnet.Aws.CloudFormation;
using Podnet.Aws.Ec2;
using Podnet.Tests.TestSupport;
using static Podnet.Tests.TestSupport.TestCloud;

namespace Podnet.Tests.Aws.CloudFormation;

public class CloudFormationBackendTests
{
    private const string Url = "https://s3.us-west-2.amazonaws.com/amazon-eks/cloudformation/2020-10-29/amazon-eks-vpc-private-subnets.yaml";
    private const string Name = "my-eks-custom-networking-vpc";

    private readonly TestCloud _cloud = new();

    private CloudFormationBackend Cfn => _cloud.Cloud.CloudFormation;

    private Ec2Backend Ec2 => _cloud.Ec2;

    /// <summary>Seed 003's parameters (f1).</summary>
    private static readonly StackParameter[] Seed003 =
    [
        new("VpcBlock", "192.168.0.0/24"),
        new("PrivateSubnet01Block", "192.168.0.64/27"),
        new("PrivateSubnet02Block", "192.168.0.96/27"),
        new("PublicSubnet01Block", "192.168.0.0/27"),
        new("PublicSubnet02Block", "192.168.0.32/27"),
    ];

    private string Physical(string logicalId) => Assert.Single(Cfn.DescribeStackResources(Name, logicalId)).PhysicalResourceId!;

    private void Complete()
    {
        while (Cfn.NextTransition is { } next)
        {
            _cloud.Time.Advance(next - _cloud.Time.GetUtcNow());
        }
    }

    [Fact]
    public void CreateStack_IsInProgress_ThenComplete_WithTheTemplatesResources()
    {
        var stackId = Cfn.CreateStack(new CreateStackRequest(Name, Url, Parameters: Seed003));

        Assert.Matches($"^arn:aws:cloudformation:us-west-2:123456789012:stack/{Name}/[0-9a-f-]{{36}}$", stackId);
        Assert.Equal("CREATE_IN_PROGRESS", Assert.Single(Cfn.DescribeStacks(Name)).StackStatus);
        Assert.Empty(Cfn.DescribeStacks(Name)[0].Outputs);

        // The NAT gateways dominate: the stack takes a few minutes.
        var started = _cloud.Time.GetUtcNow();
        Complete();
        var elapsed = _cloud.Time.GetUtcNow() - started;
        Assert.InRange(elapsed, Ec2Backend.NatGatewayCreateDuration, TimeSpan.FromMinutes(5));
        var stack = Assert.Single(Cfn.DescribeStacks(Name));
        Assert.Equal("CREATE_COMPLETE", stack.StackStatus);
        Assert.Equal("Amazon EKS Sample VPC - Private and Public subnets", stack.Description);
        Assert.Equal(["VpcBlock", "PublicSubnet01Block", "PublicSubnet02Block", "PrivateSubnet01Block", "PrivateSubnet02Block"], stack.Parameters.Select(p => p.ParameterKey));
        Assert.Equal("192.168.0.64/27", stack.Parameters.Single(p => p.ParameterKey == "PrivateSubnet01Block").ParameterValue);

        var resources = Cfn.DescribeStackResources(Name);
        Assert.Equal(
            ["VPC", "InternetGateway", "VPCGatewayAttachment", "PublicRouteTable", "PrivateRouteTable01", "PrivateRouteTable02", "PublicSubnet01", "PublicSubnet02",
             "PrivateSubnet01", "PrivateSubnet02", "PublicRoute", "NatGatewayEIP1", "NatGatewayEIP2", "NatGateway01", "NatGateway02", "PrivateRoute01", "PrivateRoute02",
             "PublicSubnet01RouteTableAssociation", "PublicSubnet02RouteTableAssociation", "PrivateSubnet01RouteTableAssociation", "PrivateSubnet02RouteTableAssociation", "ControlPlaneSecurityGroup"],
            resources.Select(r => r.LogicalResourceId));
        Assert.All(resources, r => Assert.Equal("CREATE_COMPLETE", r.ResourceStatus));

        var vpcId = Physical("VPC");
        var vpc = Ec2.DescribeVpcs(DescribeRequest.ForIds(vpcId))[0];
        Assert.Equal("192.168.0.0/24", vpc.CidrBlock);
        Assert.Contains(new Tag("Name", $"{Name}-VPC"), vpc.Tags);
        Assert.Contains(new Tag("aws:cloudformation:logical-id", "VPC"), vpc.Tags);

        var private01 = Ec2.DescribeSubnets(DescribeRequest.ForIds(Physical("PrivateSubnet01")))[0];
        Assert.Equal(("192.168.0.64/27", "us-west-2a", false), (private01.CidrBlock, private01.AvailabilityZone, private01.MapPublicIpOnLaunch));
        Assert.Contains(new Tag("kubernetes.io/role/internal-elb", "1"), private01.Tags);
        var public02 = Ec2.DescribeSubnets(DescribeRequest.ForIds(Physical("PublicSubnet02")))[0];
        Assert.Equal(("192.168.0.32/27", "us-west-2b", true), (public02.CidrBlock, public02.AvailabilityZone, public02.MapPublicIpOnLaunch));
        Assert.Contains(new Tag("kubernetes.io/role/elb", "1"), public02.Tags);

        // Private subnet 01 routes to NAT gateway 01, which sits in public subnet 01 and routes to the internet gateway.
        var privateTable = Ec2.RouteTableOfSubnet(private01.SubnetId);
        Assert.Equal(Physical("PrivateRouteTable01"), privateTable.RouteTableId);
        Assert.Equal(Physical("NatGateway01"), privateTable.Routes.Single(r => r.DestinationCidrBlock == "0.0.0.0/0").NatGatewayId);
        var nat = Ec2.DescribeNatGateways(DescribeRequest.ForIds(Physical("NatGateway01")))[0];
        Assert.Equal(("available", Physical("PublicSubnet01")), (nat.State, nat.SubnetId));
        Assert.Equal(Physical("NatGatewayEIP1"), nat.NatGatewayAddresses[0].PublicIp);
        Assert.Equal(Physical("InternetGateway"), Ec2.RouteTableOfSubnet(nat.SubnetId).Routes.Single(r => r.DestinationCidrBlock == "0.0.0.0/0").GatewayId);
        Assert.Equal($"IGW|{vpcId}", Physical("VPCGatewayAttachment"));

        var group = Ec2.DescribeSecurityGroups(DescribeRequest.ForIds(Physical("ControlPlaneSecurityGroup")))[0];
        Assert.Equal("Cluster communication with worker nodes", group.Description);
        Assert.StartsWith($"{Name}-ControlPlaneSecurityGroup-", group.GroupName, StringComparison.Ordinal);

        Assert.Equal(
            [("SubnetIds", string.Join(',', Physical("PublicSubnet01"), Physical("PublicSubnet02"), Physical("PrivateSubnet01"), Physical("PrivateSubnet02"))), ("SecurityGroups", group.GroupId), ("VpcId", vpcId)],
            stack.Outputs.Select(o => (o.OutputKey, o.OutputValue)));
    }

    [Fact]
    public void CreateStack_WithoutParameters_UsesTheTemplatesDefaults()
    {
        Cfn.CreateStack(new CreateStackRequest("defaults", EksVpcTemplateUrls.VirtualHosted));
        Complete();

        var subnets = Ec2.DescribeSubnets(DescribeRequest.Where(new Filter("tag:aws:cloudformation:stack-name", "defaults")));
        Assert.Equal(
            new[] { "192.168.0.0/18", "192.168.64.0/18", "192.168.128.0/18", "192.168.192.0/18" }.Order(StringComparer.Ordinal),
            subnets.Select(s => s.CidrBlock).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("https://s3.us-west-2.amazonaws.com/amazon-eks/cloudformation/2020-10-29/amazon-eks-vpc-sample.yaml", null)]
    [InlineData(null, "Resources: {}")]
    public void CreateStack_UnknownTemplate_IsValidationError(string? url, string? body)
    {
        var error = Throws(() => Cfn.CreateStack(new CreateStackRequest(Name, url, body)));

        Assert.Equal("ValidationError", error.Code);
        Assert.Contains(Url, error.Message, StringComparison.Ordinal);
        Assert.Empty(Cfn.ListStacks());
    }

    [Fact]
    public void CreateStack_BadInput_IsCloudFormationsError()
    {
        Assert.Equal("Parameters: [Nope] do not exist in the template", Throws(() => Cfn.CreateStack(new CreateStackRequest(Name, Url, Parameters: [new("Nope", "x")]))).Message);
        Assert.Equal("ValidationError", Throws(() => Cfn.CreateStack(new CreateStackRequest("1bad_name", Url))).Code);
        Assert.Equal("Either Template URL or Template Body must be specified.", Throws(() => Cfn.CreateStack(new CreateStackRequest(Name))).Message);

        Cfn.CreateStack(new CreateStackRequest(Name, Url, Parameters: Seed003));
        var duplicate = Throws(() => Cfn.CreateStack(new CreateStackRequest(Name, Url, Parameters: Seed003)));
        Assert.Equal("AlreadyExistsException", duplicate.Code);
        Assert.Equal($"Stack [{Name}] already exists", duplicate.Message);
    }

    [Fact]
    public void CreateStack_ResourceEc2Refuses_RollsBack()
    {
        // PublicSubnet01Block outside the VPC block: EC2 refuses the subnet (InvalidSubnet.Range).
        Cfn.CreateStack(new CreateStackRequest(Name, Url, Parameters: [new("VpcBlock", "10.20.0.0/24"), new("PublicSubnet01Block", "192.168.0.0/27")]));
        Complete();

        var stack = Cfn.DescribeStacks(Name)[0];
        Assert.Equal("ROLLBACK_COMPLETE", stack.StackStatus);
        var failed = Cfn.DescribeStackResources(Name, "PublicSubnet01")[0];
        Assert.Equal("CREATE_FAILED", failed.ResourceStatus);
        Assert.Contains("The CIDR '192.168.0.0/27' is invalid.", failed.ResourceStatusReason, StringComparison.Ordinal);
        Assert.Empty(Ec2.DescribeVpcs(DescribeRequest.Where(new Filter("cidr", "10.20.0.0/24"))));
        Assert.All(Cfn.DescribeStackResources(Name).Where(r => r.LogicalResourceId != "PublicSubnet01"), r => Assert.Equal("DELETE_COMPLETE", r.ResourceStatus));
    }

    [Fact]
    public void DeleteStack_DeletesInReverseOrder_WaitingForNatGateways_ThenTheStackIsGone()
    {
        var stackId = Cfn.CreateStack(new CreateStackRequest(Name, Url, Parameters: Seed003));
        Complete();
        var vpcId = Physical("VPC");
        var subnetId = Physical("PublicSubnet01");

        var deleteTime = _cloud.Time.GetUtcNow();
        Cfn.DeleteStack(Name);
        Assert.Equal(("DELETE_IN_PROGRESS", deleteTime), (Cfn.DescribeStacks(Name)[0].StackStatus, Cfn.DescribeStacks(Name)[0].DeletionTime));

        // The routes and associations go at once; the subnets wait for the NAT gateways' deletion.
        Assert.Equal("deleting", Ec2.DescribeNatGateways(DescribeRequest.ForIds(Physical("NatGateway01")))[0].State);
        Assert.Single(Ec2.DescribeSubnets(DescribeRequest.ForIds(subnetId)));
        Complete();

        var gone = Throws(() => Cfn.DescribeStacks(Name));
        Assert.Equal("ValidationError", gone.Code);
        Assert.Equal($"Stack with id {Name} does not exist", gone.Message);
        Assert.Equal("Stack with id x does not exist", Throws(() => Cfn.DeleteStack("x")).Message);
        Assert.Equal("DELETE_COMPLETE", Cfn.DescribeStacks(stackId)[0].StackStatus);
        Assert.Empty(Ec2.DescribeVpcs(DescribeRequest.Where(new Filter("vpc-id", vpcId))));
        Assert.Empty(Ec2.DescribeAddresses());
        Assert.Empty(Ec2.DescribeInternetGateways(DescribeRequest.Where(new Filter("tag:aws:cloudformation:stack-name", Name))));
        Assert.Equal("DELETE_COMPLETE", Assert.Single(Cfn.ListStacks()).StackStatus);

        // The name is free again.
        Cfn.CreateStack(new CreateStackRequest(Name, Url, Parameters: Seed003));
    }

    [Fact]
    public void DeleteStack_SubnetInUse_IsDeleteFailed_WithEc2sReason_ThenRetrySucceeds()
    {
        Cfn.CreateStack(new CreateStackRequest(Name, Url, Parameters: Seed003));
        Complete();
        var subnetId = Physical("PrivateSubnet02");
        var eni = Ec2.CreateNetworkInterface(new CreateNetworkInterfaceRequest(subnetId));

        Cfn.DeleteStack(Name);
        Complete();

        var stack = Cfn.DescribeStacks(Name)[0];
        Assert.Equal("DELETE_FAILED", stack.StackStatus);
        Assert.Equal("The following resource(s) failed to delete: [PrivateSubnet02]. ", stack.StackStatusReason);
        var failed = Cfn.DescribeStackResources(Name, "PrivateSubnet02")[0];
        Assert.Equal("DELETE_FAILED", failed.ResourceStatus);
        Assert.Contains($"The subnet '{subnetId}' has dependencies and cannot be deleted.", failed.ResourceStatusReason, StringComparison.Ordinal);

        Ec2.DeleteNetworkInterface(eni.NetworkInterfaceId);
        Cfn.DeleteStack(Name);
        Complete();
        Assert.Equal("ValidationError", Throws(() => Cfn.DescribeStacks(Name)).Code);
    }

    private static class EksVpcTemplateUrls
    {
        public const string VirtualHosted = "https://amazon-eks.s3.us-west-2.amazonaws.com/cloudformation/2020-10-29/amazon-eks-vpc-private-subnets.yaml";
    }
}
