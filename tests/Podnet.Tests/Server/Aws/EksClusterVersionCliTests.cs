using Podnet.Tests.TestSupport;

namespace Podnet.Tests.Server.Aws;

/// <summary>
/// <c>aws eks update-cluster-version</c> through the real aws CLI against <c>podnet up</c> (the default world, 1.31, on
/// a held clock): one minor version at a time, in EKS's words otherwise; a <c>VersionUpdate</c> while the cluster is
/// UPDATING; then the API server reports the new version (kubectl's dispatcher picks that kubectl) while the nodes keep
/// their kubelets.
/// </summary>
public sealed class EksClusterVersionCliTests : IClassFixture<HeldClockServedWorld>
{
    private readonly HeldClockServedWorld _world;

    public EksClusterVersionCliTests(HeldClockServedWorld world)
    {
        _world = world;
    }

    [Fact]
    public void UpdateClusterVersion_OneMinorAtATime_VersionUpdate_ThenTheApiServerIsTheNewVersion()
    {
        var (exit, _, error) = _world.Aws("eks", "update-cluster-version", "--name", "podnet", "--kubernetes-version", "1.33");
        Assert.Equal((255, "An error occurred (InvalidParameterException) when calling the UpdateClusterVersion operation: Unsupported Kubernetes minor version update from 1.31 to 1.33"), (exit, error.Trim()));

        var id = _world.AwsOk("eks", "update-cluster-version", "--name", "podnet", "--kubernetes-version", "1.32", "--query", "update.id", "--output", "text").Trim();
        Assert.Equal(
            "InProgress\tVersionUpdate\tVersion=1.32,PlatformVersion=eks.1",
            _world.AwsOk("eks", "describe-update", "--name", "podnet", "--update-id", id, "--query", "update.[status,type,join(',', params[].join('=', [type,value]))]", "--output", "text").Trim());
        Assert.Equal("UPDATING\t1.31", _world.AwsOk("eks", "describe-cluster", "--name", "podnet", "--query", "cluster.[status,version]", "--output", "text").Trim());
        Assert.Contains("Server Version: v1.31.", _world.KubectlOk("1.31", "version"), StringComparison.Ordinal);

        _world.Clock.Advance(Podnet.Aws.Eks.EksLifecycle.ClusterVersionUpdating);

        Assert.Equal("ACTIVE\t1.32", _world.AwsOk("eks", "describe-cluster", "--name", "podnet", "--query", "cluster.[status,version]", "--output", "text").Trim());
        Assert.Equal("Successful", _world.AwsOk("eks", "describe-update", "--name", "podnet", "--update-id", id, "--query", "update.status", "--output", "text").Trim());
        Assert.Contains("Server Version: v1.32.", _world.KubectlOk("1.32", "version"), StringComparison.Ordinal);
        Assert.All(
            _world.KubectlOk("1.32", "get", "nodes", "-o", "jsonpath={range .items[*]}{.status.nodeInfo.kubeletVersion}{\"\\n\"}{end}").Split('\n', StringSplitOptions.RemoveEmptyEntries),
            kubelet => Assert.StartsWith("v1.31.", kubelet, StringComparison.Ordinal));
        Assert.Equal("1.31", _world.AwsOk("eks", "describe-nodegroup", "--cluster-name", "podnet", "--nodegroup-name", "ng-1", "--query", "nodegroup.version", "--output", "text").Trim());
    }
}
