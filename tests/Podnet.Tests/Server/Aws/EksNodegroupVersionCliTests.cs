using Podnet.Tests.TestSupport;

namespace Podnet.Tests.Server.Aws;

/// <summary>
/// A cluster upgrade as the EKS User Guide walks it, through the real aws CLI and kubectl against <c>podnet up</c> (the
/// default world, 1.31, on a held clock): <c>aws eks update-cluster-version</c> to 1.32, then <c>aws eks
/// update-nodegroup-version</c>, whose <c>VersionUpdate</c> replaces the group's three nodes by nodes of 1.32 while
/// the old ones are cordoned (kubectl shows SchedulingDisabled) and drained.
/// </summary>
public sealed class EksNodegroupVersionCliTests : IClassFixture<HeldClockServedWorld>
{
    private readonly HeldClockServedWorld _world;

    public EksNodegroupVersionCliTests(HeldClockServedWorld world)
    {
        _world = world;
    }

    /// <summary>
    /// Moves the held clock 15 seconds at a time, waking the served loop each time, until <paramref name="done"/> holds:
    /// the kubelets, aws-node and EKS's drains each wait on the clock, so a single jump would leave them behind.
    /// </summary>
    private async Task AdvanceUntil(Func<Podnet.Kube.Store.ObjectStore, bool> done, string what, int steps = 240)
    {
        for (var i = 0; i < steps && !_world.Server.Cluster.Read(() => done(_world.Server.Cluster.Store)); i++)
        {
            _world.Clock.Advance(TimeSpan.FromSeconds(15));
            _world.Server.Cluster.Account.Poke();
            await Task.Delay(50);
        }

        await _world.WaitUntil(done, what);
    }

    [Fact]
    public async Task UpdateNodegroupVersion_AfterTheCluster_NodesReplacedByNodesOfTheNewVersion()
    {
        _world.AwsOk("eks", "update-cluster-version", "--name", "podnet", "--kubernetes-version", "1.32");
        _world.Clock.Advance(Podnet.Aws.Eks.EksLifecycle.ClusterVersionUpdating);
        Assert.Equal("ACTIVE\t1.32", _world.AwsOk("eks", "describe-cluster", "--name", "podnet", "--query", "cluster.[status,version]", "--output", "text").Trim());

        var (exit, _, error) = _world.Aws("eks", "update-nodegroup-version", "--cluster-name", "podnet", "--nodegroup-name", "ng-1", "--release-version", "1.32.3-20250103");
        Assert.Equal(255, exit);
        Assert.StartsWith("An error occurred (InvalidParameterException) when calling the UpdateNodegroupVersion operation: releaseVersion is not emulated", error.Trim(), StringComparison.Ordinal);

        var id = _world.AwsOk("eks", "update-nodegroup-version", "--cluster-name", "podnet", "--nodegroup-name", "ng-1", "--query", "update.id", "--output", "text").Trim();
        Assert.Matches(
            @"^InProgress\tVersionUpdate\tVersion=1\.32,ReleaseVersion=1\.32\.\d+-20250715$",
            _world.AwsOk("eks", "describe-update", "--name", "podnet", "--nodegroup-name", "ng-1", "--update-id", id, "--query", "update.[status,type,join(',', params[].join('=', [type,value]))]", "--output", "text").Trim());
        Assert.Matches(
            @"^UPDATING\t1\.31\t1\.31\.\d+-20250715$",
            _world.AwsOk("eks", "describe-nodegroup", "--cluster-name", "podnet", "--nodegroup-name", "ng-1", "--query", "nodegroup.[status,version,releaseVersion]", "--output", "text").Trim());

        // The new nodes boot and join; then the old ones are cordoned.
        await AdvanceUntil(store => store.List("v1", "Node").Items.Count(n => new Podnet.Kube.Views.NodeView(n).Unschedulable) >= 2, "the old nodes are cordoned");
        var wide = _world.KubectlOk("1.32", "get", "nodes", "--no-headers", "-o", "custom-columns=VERSION:.status.nodeInfo.kubeletVersion,UNSCHEDULABLE:.spec.unschedulable");
        Assert.Contains(wide.Split('\n', StringSplitOptions.RemoveEmptyEntries), line => line.StartsWith("v1.31.", StringComparison.Ordinal) && line.EndsWith("true", StringComparison.Ordinal));
        Assert.Contains(wide.Split('\n', StringSplitOptions.RemoveEmptyEntries), line => line.StartsWith("v1.32.", StringComparison.Ordinal));

        // Each old node drained and gone, a minute after its last pod was evicted.
        await AdvanceUntil(
            store => store.List("v1", "Node").Items is { Count: 3 } nodes && nodes.All(n => n.GetString("status.nodeInfo.kubeletVersion")!.StartsWith("v1.32.", StringComparison.Ordinal)),
            "three nodes of 1.32 and no other");
        Assert.Equal("Successful", _world.AwsOk("eks", "describe-update", "--name", "podnet", "--nodegroup-name", "ng-1", "--update-id", id, "--query", "update.status", "--output", "text").Trim());
        Assert.Equal("ACTIVE\t1.32", _world.AwsOk("eks", "describe-nodegroup", "--cluster-name", "podnet", "--nodegroup-name", "ng-1", "--query", "nodegroup.[status,version]", "--output", "text").Trim());
        var kubelets = _world.KubectlOk("1.32", "get", "nodes", "-o", "jsonpath={range .items[*]}{.status.nodeInfo.kubeletVersion}{\"\\n\"}{end}").Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, kubelets.Length);
        Assert.All(kubelets, kubelet => Assert.StartsWith("v1.32.", kubelet, StringComparison.Ordinal));
    }
}
