using Podnet.Aws;
using Podnet.Aws.Ec2;
using Podnet.Aws.Ec2.Faults;
using Podnet.Tests.TestSupport;

namespace Podnet.Tests.Aws.Ec2;

public class StandardRetryerTests
{
    [Fact]
    public void Throttled_IsRetried_UpToMaxAttempts_ThenTheErrorStands()
    {
        var cloud = new TestCloud();
        cloud.Cloud.Faults.Settings = Ec2FaultSettings.Parse("RequestLimitExceeded=100%");
        var ec2 = new StandardRetryer(cloud.Cloud.Ec2, StandardRetryer.ResourceControllerMaxAttempts);

        var error = Assert.IsType<AwsException>(ec2.DescribeVpcsAsync().Exception?.InnerException);

        Assert.Equal("RequestLimitExceeded", error.Code);
        Assert.Equal(3, cloud.Cloud.Faults.Calls);
    }

    [Fact]
    public void InsufficientFreeAddresses_IsNotRetried()
    {
        var cloud = new TestCloud();
        cloud.Cloud.Faults.Settings = Ec2FaultSettings.Parse("InsufficientFreeAddressesInSubnet=100%");
        var ec2 = new StandardRetryer(cloud.Cloud.Ec2, StandardRetryer.IpamdMaxAttempts);

        var error = Assert.IsType<AwsException>(ec2.CreateNetworkInterfaceAsync(new CreateNetworkInterfaceRequest(cloud.SubnetA.SubnetId)).Exception?.InnerException);

        Assert.Equal("InsufficientFreeAddressesInSubnet", error.Code);
        Assert.Equal(1, cloud.Cloud.Faults.Calls);
    }

    [Fact]
    public void InternalErrorsNowAndThen_AreHiddenFromTheCaller()
    {
        var cloud = new TestCloud();
        cloud.Cloud.Faults.Settings = Ec2FaultSettings.Parse("InternalError=30%");
        var ec2 = new StandardRetryer(cloud.Cloud.Ec2, StandardRetryer.IpamdMaxAttempts);

        Assert.All(Enumerable.Range(0, 100), _ => Assert.NotEmpty(ec2.DescribeVpcsAsync().Result));
        Assert.True(cloud.Cloud.Faults.Injected["InternalError"] > 10);
        Assert.Equal(100 + cloud.Cloud.Faults.Injected["InternalError"], cloud.Cloud.Faults.Calls);
    }

    [Theory]
    [InlineData("RequestLimitExceeded", 503, true)]
    [InlineData("InternalError", 500, true)]
    [InlineData("Unavailable", 503, true)]
    [InlineData("Throttling", 400, true)]
    [InlineData("InvalidNetworkInterfaceID.NotFound", 400, false)]
    [InlineData("InsufficientFreeAddressesInSubnet", 400, false)]
    [InlineData("UnauthorizedOperation", 403, false)]
    public void IsRetryable_AsTheSdkStandardRetryer(string code, int status, bool retryable)
        => Assert.Equal(retryable, StandardRetryer.IsRetryable(new AwsException(code, "message", status)));
}
