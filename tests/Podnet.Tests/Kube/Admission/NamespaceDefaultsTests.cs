using Podnet.Kube;
using Podnet.Kube.Api;
using Podnet.Tests.TestSupport;

namespace Podnet.Tests.Kube.Admission;

public class NamespaceDefaultsTests
{
    [Fact]
    public void NewNamespace_IsActive_WithTheKubernetesFinalizer_AndItsNameLabel()
    {
        var plane = new ControlPlane(new ManualTimeProvider(), 1);
        var ns = plane.Store.Create(KubeObject.Create("v1", "Namespace", "shop"));

        Assert.Equal("Active", ns.GetString("status.phase"));
        Assert.Equal("kubernetes", ns["spec.finalizers"]![0]!.GetValue<string>());
        Assert.Equal("shop", ns.Labels["kubernetes.io/metadata.name"]);
    }
}
