using Podnet.Aws;
using Podnet.Aws.Ec2;
using Podnet.Aws.Ec2.Faults;
using Podnet.Tests.TestSupport;

namespace Podnet.Tests.Aws.Ec2.Faults;

public class FaultInjectingEc2Tests
{
    private static AwsException Failure(Task task) => Assert.IsType<AwsException>(task.Exception?.InnerException);

    [Fact]
    public void RequestLimitExceeded_FailsAnyCall_AsEc2Throttles()
    {
        var cloud = new TestCloud();
        cloud.Cloud.Faults.Settings = Ec2FaultSettings.Parse("RequestLimitExceeded=100%");

        var error = Failure(cloud.Cloud.Ec2.DescribeVpcsAsync());

        Assert.Equal(("RequestLimitExceeded", "Request limit exceeded.", 503, "DescribeVpcs"), (error.Code, error.Message, error.HttpStatusCode, error.Operation));
        Assert.Matches("^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", error.RequestId);
        Assert.Equal(1, cloud.Cloud.Faults.Injected["RequestLimitExceeded"]);
    }

    [Fact]
    public void InternalError_IsA500_AndTheCallChangesNothing()
    {
        var cloud = new TestCloud();
        var before = cloud.Ec2.DescribeNetworkInterfaces().Count;
        cloud.Cloud.Faults.Settings = Ec2FaultSettings.Parse("InternalError=100%");

        var error = Failure(cloud.Cloud.Ec2.CreateNetworkInterfaceAsync(new CreateNetworkInterfaceRequest(cloud.SubnetA.SubnetId)));

        Assert.Equal(("InternalError", "An internal error has occurred", 500), (error.Code, error.Message, error.HttpStatusCode));
        Assert.Equal(before, cloud.Ec2.DescribeNetworkInterfaces().Count);
    }

    [Fact]
    public async Task InsufficientFreeAddressesInSubnet_HitsOnlyTheActionsThatTakeAddresses()
    {
        var cloud = new TestCloud();
        cloud.Cloud.Faults.Settings = Ec2FaultSettings.Parse("InsufficientFreeAddressesInSubnet=100%");

        var error = Failure(cloud.Cloud.Ec2.CreateNetworkInterfaceAsync(new CreateNetworkInterfaceRequest(cloud.SubnetA.SubnetId)));

        Assert.Equal(("InsufficientFreeAddressesInSubnet", "The specified subnet does not have enough free addresses to satisfy the request."), (error.Code, error.Message));
        Assert.NotEmpty(await cloud.Cloud.Ec2.DescribeVpcsAsync());
    }

    [Fact]
    public async Task EventualConsistency_NewInterfaceNotFoundById_UntilItsDelayPassed()
    {
        var cloud = new TestCloud();
        cloud.Cloud.Faults.Settings = Ec2FaultSettings.Parse("EventualConsistency=100%,EventualConsistencySeconds=5");
        var eni = await cloud.Cloud.Ec2.CreateNetworkInterfaceAsync(new CreateNetworkInterfaceRequest(cloud.SubnetA.SubnetId));

        var error = Failure(cloud.Cloud.Ec2.DescribeNetworkInterfacesAsync(DescribeRequest.ForIds(eni.NetworkInterfaceId)));
        var bySubnet = await cloud.Cloud.Ec2.DescribeNetworkInterfacesAsync(DescribeRequest.Where(new Filter("subnet-id", cloud.SubnetA.SubnetId)));
        cloud.Time.Advance(TimeSpan.FromSeconds(5));
        var found = await cloud.Cloud.Ec2.DescribeNetworkInterfacesAsync(DescribeRequest.ForIds(eni.NetworkInterfaceId));

        Assert.Equal(("InvalidNetworkInterfaceID.NotFound", $"The networkInterface ID '{eni.NetworkInterfaceId}' does not exist", "DescribeNetworkInterfaces"), (error.Code, error.Message, error.Operation));
        Assert.Contains(bySubnet, e => e.NetworkInterfaceId == eni.NetworkInterfaceId);
        Assert.Equal(eni.NetworkInterfaceId, Assert.Single(found).NetworkInterfaceId);
    }

    [Fact]
    public void SameSeed_FailsTheSameCalls_AnotherSeedOthers()
    {
        static string Outcomes(int seed)
        {
            var cloud = new TestCloud(new AwsOptions { Seed = seed });
            cloud.Cloud.Faults.Settings = Ec2FaultSettings.Parse("RequestLimitExceeded=20%,InternalError=10%");
            return string.Concat(Enumerable.Range(0, 200).Select(_ => cloud.Cloud.Ec2.DescribeVpcsAsync() switch
            {
                { IsFaulted: false } => '.',
                var failed => Failure(failed).Code[0],
            }));
        }

        var first = Outcomes(7);

        Assert.Equal(first, Outcomes(7));
        Assert.NotEqual(first, Outcomes(8));
        Assert.InRange(first.Count(c => c != '.'), 40, 80);
        Assert.Contains('R', first);
        Assert.Contains('I', first);
    }

    [Fact]
    public void NoFaultsSet_EveryCallGoesThrough()
    {
        var cloud = new TestCloud();

        Assert.All(Enumerable.Range(0, 50), _ => Assert.NotEmpty(cloud.Cloud.Ec2.DescribeVpcsAsync().Result));
        Assert.Empty(cloud.Cloud.Faults.Injected);
        Assert.Equal(50, cloud.Cloud.Faults.Calls);
    }
}
