using Podnet.Aws;
using Podnet.Aws.Ec2;
using Podnet.Aws.Iam;
using Podnet.Tests.TestSupport;

namespace Podnet.Tests.Aws.Ec2;

public class Ec2ClientTests
{
    [Fact]
    public async Task Errors_CarryTheOperation_AndPrintLikeTheAwsCli()
    {
        var cloud = new TestCloud();
        var error = await Assert.ThrowsAsync<AwsException>(() => cloud.Cloud.Ec2.CreateNetworkInterfaceAsync(new CreateNetworkInterfaceRequest(cloud.SubnetA.SubnetId, ["sg-abc123"])));

        Assert.Equal("CreateNetworkInterface", error.Operation);
        Assert.Equal("An error occurred (InvalidSecurityGroupID.NotFound) when calling the CreateNetworkInterface operation: The securityGroup ID 'sg-abc123' does not exist", error.CliText);
    }

    [Fact]
    public async Task ClusterRole_WithoutVpcResourceControllerPolicy_IsUnauthorized()
    {
        var cloud = new TestCloud();
        var role = cloud.Cloud.Iam.CreateRole("eksClusterRole");
        cloud.Cloud.Iam.AttachRolePolicy(role.RoleName, ManagedPolicy.AmazonEKSClusterPolicy.Arn);
        var controller = cloud.Cloud.Ec2ForRole(role.Arn, "vpc-resource-controller");

        var error = await Assert.ThrowsAsync<AwsException>(() => controller.CreateNetworkInterfaceAsync(new CreateNetworkInterfaceRequest(cloud.SubnetA.SubnetId, InterfaceType: "trunk")));
        Assert.Equal(("UnauthorizedOperation", 403), (error.Code, error.HttpStatusCode));
        Assert.Equal(
            "You are not authorized to perform this operation. User: arn:aws:sts::123456789012:assumed-role/eksClusterRole/vpc-resource-controller is not authorized to perform: ec2:CreateNetworkInterface because no identity-based policy allows the ec2:CreateNetworkInterface action",
            error.Message);
        Assert.Empty(cloud.Ec2.DescribeNetworkInterfaces());

        cloud.Cloud.Iam.AttachRolePolicy(role.RoleName, ManagedPolicy.AmazonEKSVPCResourceController.Arn);
        var trunk = await controller.CreateNetworkInterfaceAsync(new CreateNetworkInterfaceRequest(cloud.SubnetA.SubnetId, InterfaceType: "trunk"));
        Assert.Equal("trunk", trunk.InterfaceType);
    }

    [Fact]
    public async Task NodeRole_NeedsCniPolicy_ForAwsNodeCalls()
    {
        var cloud = new TestCloud();
        var role = cloud.Cloud.Iam.CreateRole("eksNodeRole");
        cloud.Cloud.Iam.AttachRolePolicy(role.RoleName, ManagedPolicy.AmazonEKSWorkerNodePolicy.Arn);
        var awsNode = cloud.Cloud.Ec2ForRole(role.Arn, "i-0123");

        // The worker node policy lets it look, not allocate.
        Assert.NotEmpty(await awsNode.DescribeSubnetsAsync());
        Assert.Equal("UnauthorizedOperation", (await Assert.ThrowsAsync<AwsException>(() => awsNode.AssignPrivateIpAddressesAsync(new AssignPrivateIpAddressesRequest("eni-00000000000000000", SecondaryPrivateIpAddressCount: 1)))).Code);

        cloud.Cloud.Iam.AttachRolePolicy(role.RoleName, ManagedPolicy.AmazonEKS_CNI_Policy.Arn);
        var eni = await awsNode.CreateNetworkInterfaceAsync(new CreateNetworkInterfaceRequest(cloud.SubnetA.SubnetId));
        await awsNode.AssignPrivateIpAddressesAsync(new AssignPrivateIpAddressesRequest(eni.NetworkInterfaceId, SecondaryPrivateIpAddressCount: 1));

        cloud.Cloud.Iam.DetachRolePolicy(role.RoleName, ManagedPolicy.AmazonEKS_CNI_Policy.Arn);
        Assert.Equal("UnauthorizedOperation", (await Assert.ThrowsAsync<AwsException>(() => awsNode.DeleteNetworkInterfaceAsync(eni.NetworkInterfaceId))).Code);
    }

    [Fact]
    public void Ec2ForRole_UnknownRole_IsAccessDenied()
        => Assert.Equal("AccessDenied", Assert.Throws<AwsException>(() => new TestCloud().Cloud.Ec2ForRole("arn:aws:iam::123456789012:role/nope", "s")).Code);

    [Fact]
    public async Task NoRateLimits_ByDefault()
    {
        var cloud = new TestCloud();
        for (var i = 0; i < 500; i++)
        {
            await cloud.Cloud.Ec2.DescribeVpcsAsync();
        }
    }

    [Fact]
    public async Task RateLimit_EmptyBucket_IsRequestLimitExceeded_AndRefills()
    {
        var cloud = new TestCloud(new AwsOptions { RateLimits = Ec2RateLimits.AwsDefaults.With(Ec2RateLimits.Mutating, 2, 1) });
        var ec2 = cloud.Cloud.Ec2;
        await ec2.CreateSecurityGroupAsync(new CreateSecurityGroupRequest("a", "a", cloud.Vpc.VpcId));
        await ec2.CreateSecurityGroupAsync(new CreateSecurityGroupRequest("b", "b", cloud.Vpc.VpcId));

        var error = await Assert.ThrowsAsync<AwsException>(() => ec2.CreateSecurityGroupAsync(new CreateSecurityGroupRequest("c", "c", cloud.Vpc.VpcId)));
        Assert.Equal(("RequestLimitExceeded", 503, "Request limit exceeded."), (error.Code, error.HttpStatusCode, error.Message));
        Assert.Equal("An error occurred (RequestLimitExceeded) when calling the CreateSecurityGroup operation: Request limit exceeded.", error.CliText);

        // Other categories have their own buckets.
        await ec2.DescribeSecurityGroupsAsync();

        cloud.Time.Advance(TimeSpan.FromSeconds(1));
        await ec2.CreateSecurityGroupAsync(new CreateSecurityGroupRequest("c", "c", cloud.Vpc.VpcId));
    }

    [Fact]
    public async Task RateLimit_RunInstances_DrawsResourceTokensPerInstance()
    {
        var limits = Ec2RateLimits.AwsDefaults.With(Ec2RateLimits.RunInstancesResources, 3, 2);
        var cloud = new TestCloud(new AwsOptions { RateLimits = limits });
        await cloud.Cloud.Ec2.RunInstancesAsync(new RunInstancesRequest("m5.large", cloud.SubnetA.SubnetId, MinCount: 3, MaxCount: 3));
        await Assert.ThrowsAsync<AwsException>(() => cloud.Cloud.Ec2.RunInstancesAsync(new RunInstancesRequest("m5.large", cloud.SubnetA.SubnetId)));
        cloud.Time.Advance(TimeSpan.FromSeconds(0.5));
        await cloud.Cloud.Ec2.RunInstancesAsync(new RunInstancesRequest("m5.large", cloud.SubnetA.SubnetId));
    }

    [Theory]
    [InlineData("DescribeInstances", false, Ec2RateLimits.UnfilteredNonMutating)]
    [InlineData("DescribeInstances", true, Ec2RateLimits.NonMutating)]
    [InlineData("DescribeSubnets", false, Ec2RateLimits.NonMutating)]
    [InlineData("AuthorizeSecurityGroupIngress", false, Ec2RateLimits.ResourceIntensive)]
    [InlineData("AuthorizeSecurityGroupEgress", false, Ec2RateLimits.Mutating)]
    [InlineData("AttachNetworkInterface", false, Ec2RateLimits.Mutating)]
    [InlineData("CreateNetworkInterface", false, "CreateNetworkInterface")]
    [InlineData("RunInstances", false, "RunInstances")]
    public void RateLimit_Categories_FollowAwsDocumentation(string action, bool filtered, string bucket)
        => Assert.Equal(bucket, Ec2RateLimits.AwsDefaults.BucketFor(action, filtered));
}
