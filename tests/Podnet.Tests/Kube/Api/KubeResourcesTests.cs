using Podnet.Kube.Api;

namespace Podnet.Tests.Kube.Api;

/// <summary>What each kind's registry strategy decides, registered with the resource (pkg/registry/*/strategy.go).</summary>
public class KubeResourcesTests
{
    private static readonly KubeResources Resources = new();

    [Theory]
    [InlineData("v1", "Pod", true, false, false)]
    [InlineData("v1", "Node", true, false, true)]
    [InlineData("v1", "ConfigMap", false, false, false)]
    [InlineData("apps/v1", "Deployment", true, true, false)]
    [InlineData("networking.k8s.io/v1", "NetworkPolicy", false, true, false)]
    [InlineData("vpcresources.k8s.aws/v1beta1", "SecurityGroupPolicy", false, true, false)]
    [InlineData("example.com/v1", "Widget", false, false, false)]
    public void Strategy_StatusGenerationAndCreate_AsTheApiServerRegistersThem(string apiVersion, string kind, bool status, bool generation, bool keepsStatus)
    {
        var resource = Resources.For(apiVersion, kind);

        Assert.Equal(status, resource.HasStatusSubresource);
        Assert.Equal(generation, resource.TracksGeneration);
        Assert.Equal(keepsStatus, resource.KeepsStatusOnCreate);
    }

    [Fact]
    public void FieldSelectors_BothEventApis_ShareTheEventFieldLabels()
    {
        var core = Resources.For("v1", "Event").FieldSelectors;

        Assert.Contains("involvedObject.uid", (IReadOnlySet<string>)core);
        Assert.Equal(core, Resources.For("events.k8s.io/v1", "Event").FieldSelectors);
        Assert.Contains("spec.nodeName", (IReadOnlySet<string>)Resources.For("v1", "Pod").FieldSelectors);
        Assert.Empty(Resources.For("v1", "ConfigMap").FieldSelectors);
    }
}
