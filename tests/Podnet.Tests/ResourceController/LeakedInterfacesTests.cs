using Podnet.Aws;
using Podnet.Aws.Ec2;
using Podnet.Aws.Ec2.Faults;
using Podnet.ResourceController;
using Podnet.Tests.TestSupport;

namespace Podnet.Tests.ResourceController;

/// <summary>
/// The clean-up of the interfaces a deleted cluster leaves behind (seed 000's leak), as <c>podnet leaked-enis
/// --delete</c> makes it: through EC2's API as a caller, so the account's faults, throttling and IAM apply, with the
/// aws CLI's retries (botocore's legacy mode, 5 attempts).
/// </summary>
public sealed class LeakedInterfacesTests : IDisposable
{
    private readonly ScenarioWorld _scenario = new("security-groups-for-pods");

    public void Dispose() => _scenario.Dispose();

    [Fact]
    public async Task Delete_SomeCallsThrottled_RetriesAsTheAwsCliAndDeletesAll()
    {
        var (cloud, leaked) = await LeakedAfterClusterDelete();
        cloud.Faults.Settings = Ec2FaultSettings.Parse("RequestLimitExceeded=40%");
        var before = cloud.Faults.Calls;

        var outcomes = await LeakedInterfaces.DeleteAsync(new StandardRetryer(cloud.Ec2, StandardRetryer.AwsCliMaxAttempts), leaked);

        Assert.All(outcomes, o => Assert.Null(o.Error));
        Assert.True(cloud.Faults.Injected.GetValueOrDefault("RequestLimitExceeded") > 0, "no call was throttled");
        Assert.Equal(leaked.Count + cloud.Faults.Injected["RequestLimitExceeded"], cloud.Faults.Calls - before);
        cloud.Faults.Settings = new Ec2FaultSettings();
        Assert.Empty(await LeakedInterfaces.FindAsync(cloud.Ec2, "podnet"));
    }

    [Fact]
    public async Task Delete_EveryCallThrottled_GivesUpAfterFiveAttemptsEach()
    {
        var (cloud, leaked) = await LeakedAfterClusterDelete();
        cloud.Faults.Settings = Ec2FaultSettings.Parse("RequestLimitExceeded=100%");
        var before = cloud.Faults.Calls;
        var cli = new StandardRetryer(cloud.Ec2, StandardRetryer.AwsCliMaxAttempts);

        var outcomes = await LeakedInterfaces.DeleteAsync(cli, leaked);

        Assert.Equal(leaked.Count * 5, cloud.Faults.Calls - before);
        Assert.All(outcomes, o => Assert.Equal(
            "An error occurred (RequestLimitExceeded) when calling the DeleteNetworkInterface operation (reached max retries: 4): Request limit exceeded.",
            cli.CliText(o.Error!)));
        cloud.Faults.Settings = new Ec2FaultSettings();
        Assert.Equal(leaked.Count, (await LeakedInterfaces.FindAsync(cloud.Ec2, "podnet")).Count);
    }

    [Fact]
    public async Task Delete_AsARoleWithoutPermission_IsUnauthorizedOnceEach()
    {
        var (cloud, leaked) = await LeakedAfterClusterDelete();
        cloud.Iam.CreateRole("cleaner");
        var before = cloud.Faults.Calls;
        var cli = new StandardRetryer(cloud.Ec2ForRole(cloud.Iam.RoleArn("cleaner"), "cleaner"), StandardRetryer.AwsCliMaxAttempts);

        var outcomes = await LeakedInterfaces.DeleteAsync(cli, leaked);

        // IAM's refusal is no retryable error: one call each, and nothing deleted.
        Assert.Equal(leaked.Count, cloud.Faults.Calls - before);
        Assert.All(outcomes, o => Assert.Equal("UnauthorizedOperation", o.Error?.Code));
        Assert.Equal(leaked.Count, (await LeakedInterfaces.FindAsync(cloud.Ec2, "podnet")).Count);
    }

    /// <summary>Deletes the example's node groups and cluster as <c>leaked-enis --delete-cluster</c> does; the branches its pods had are left.</summary>
    private async Task<(AwsCloud Cloud, IReadOnlyList<NetworkInterface> Leaked)> LeakedAfterClusterDelete()
    {
        var world = _scenario.Load();
        var cloud = world.Cloud!;
        var cluster = world.Cluster!.Name;
        foreach (var nodegroup in cloud.Eks.ListNodegroups(cluster))
        {
            cloud.Eks.DeleteNodegroup(cluster, nodegroup);
        }

        AwaitEks(world);
        cloud.Eks.DeleteCluster(cluster);
        AwaitEks(world);
        var leaked = await LeakedInterfaces.FindAsync(cloud.Ec2, cluster);
        Assert.Equal(4, leaked.Count);
        return (cloud, leaked);
    }

    private static void AwaitEks(Podnet.World.World world)
    {
        while (world.Cloud!.NextTransition is { } next)
        {
            world.Time.AdvanceTo(next);
        }
    }
}
