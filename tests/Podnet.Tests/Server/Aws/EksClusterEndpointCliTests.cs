using Podnet.Tests.TestSupport;

namespace Podnet.Tests.Server.Aws;

/// <summary>
/// <c>aws eks update-cluster-config --resources-vpc-config endpointPrivateAccess=true</c> through the real aws CLI
/// against <c>podnet up</c> (the default world): an <c>EndpointAccessUpdate</c> that <c>describe-update</c> follows
/// from InProgress, the cluster UPDATING with its endpoint still given, and the same request again refused in EKS's
/// words. On a held clock: with <c>podnet up</c>'s fast clock the update is done by the next call, as a waiter's
/// <c>aws eks wait cluster-active</c> would find it.
/// </summary>
public sealed class EksClusterEndpointCliTests : IClassFixture<HeldClockServedWorld>
{
    private readonly HeldClockServedWorld _world;

    public EksClusterEndpointCliTests(HeldClockServedWorld world)
    {
        _world = world;
    }

    [Fact]
    public void UpdateClusterConfig_PrivateEndpoint_IsAnEndpointAccessUpdate_ClusterUpdatingWithItsEndpoint()
    {
        Assert.Equal("True\tFalse\t0.0.0.0/0", _world.AwsOk("eks", "describe-cluster", "--name", "podnet", "--query", "cluster.resourcesVpcConfig.[endpointPublicAccess,endpointPrivateAccess,publicAccessCidrs[0]]", "--output", "text").Trim());

        var id = _world.AwsOk("eks", "update-cluster-config", "--name", "podnet", "--resources-vpc-config", "endpointPrivateAccess=true", "--query", "update.id", "--output", "text").Trim();

        Assert.Equal("InProgress\tEndpointAccessUpdate\tEndpointPrivateAccess\ttrue", _world.AwsOk("eks", "describe-update", "--name", "podnet", "--update-id", id, "--query", "update.[status,type,params[0].type,params[0].value]", "--output", "text").Trim());
        Assert.Equal("UPDATING\tTrue", _world.AwsOk("eks", "describe-cluster", "--name", "podnet", "--query", "cluster.[status,starts_with(endpoint, 'https://')]", "--output", "text").Trim());
        var (exit, _, error) = _world.Aws("eks", "update-cluster-config", "--name", "podnet", "--resources-vpc-config", "endpointPrivateAccess=true");
        Assert.Equal((255, "An error occurred (ResourceInUseException) when calling the UpdateClusterConfig operation: Cluster podnet is in UPDATING state and cannot be updated"), (exit, error.Trim()));

        Assert.Equal(id, _world.AwsOk("eks", "list-updates", "--name", "podnet", "--query", "join(',', updateIds)", "--output", "text").Trim());
        _world.Clock.Advance(Podnet.Aws.Eks.EksLifecycle.EndpointAccessUpdating);
        Assert.Equal("Successful", _world.AwsOk("eks", "describe-update", "--name", "podnet", "--update-id", id, "--query", "update.status", "--output", "text").Trim());
        Assert.Equal("ACTIVE	True", _world.AwsOk("eks", "describe-cluster", "--name", "podnet", "--query", "cluster.[status,resourcesVpcConfig.endpointPrivateAccess]", "--output", "text").Trim());
    }
}
