using Podnet.Kube;
using Podnet.Kube.Api;
using Podnet.Kube.Store;
using Podnet.Tests.TestSupport;

namespace Podnet.Tests.Kube.Admission;

/// <summary>A bootstrapped control plane (system namespaces and their default ServiceAccounts) on a manual clock.</summary>
internal sealed class ClusterHarness
{
    public ClusterHarness(int seed = 1)
    {
        Plane = new ControlPlane(Time, seed);
        Plane.Bootstrap();
        Plane.RunReady();
    }

    public ManualTimeProvider Time { get; } = new();

    public ControlPlane Plane { get; }

    public ObjectStore Store => Plane.Store;

    public KubeObject Create(string json) => Store.Create(KubeObject.Parse(json));

    public KubeException CreateFails(string json) => Assert.Throws<KubeException>(() => Create(json));

    public static string PodJson(string name, string containers = """[{"name":"app","image":"nginx:1.27"}]""", string extraSpec = "", string ns = "default")
        => "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"" + name + "\",\"namespace\":\"" + ns + "\"},"
           + "\"spec\":{" + extraSpec + "\"containers\":" + containers + "}}";
}
