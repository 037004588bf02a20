using System.Text.Json.Nodes;
using Podnet.Kube.Admission;
using Podnet.Kube.Views;
using Podnet.Tests.TestSupport;

namespace Podnet.Tests.Kube.Admission;

public class ExtendedResourceTolerationTests
{
    [Theory]
    [InlineData("vpc.amazonaws.com/pod-eni", true)]
    [InlineData("nvidia.com/gpu", true)]
    [InlineData("cpu", false)]
    [InlineData("hugepages-2Mi", false)]
    [InlineData("kubernetes.io/something", false)]
    [InlineData("requests.example.com/foo", false)]
    public void IsExtendedResourceName_AsTheApiServerDecides(string name, bool extended)
        => Assert.Equal(extended, ExtendedResourceToleration.IsExtendedResourceName(name));

    /// <summary>
    /// EKS's ExtendedResourceToleration: the resource controller's webhook adds the pod-eni request, the API server
    /// runs its built-in plugins again, and the pod tolerates the taint of that name — after the two tolerations
    /// DefaultTolerationSeconds adds, as <c>kubectl describe pod</c> shows them on EKS.
    /// </summary>
    [Fact]
    public void PodWithSecurityGroups_ToleratesThePodEniTaint()
    {
        var world = ExampleWorlds.Load("security-groups-for-pods");
        var pods = world.ControlPlane.Store.List("v1", "Pod", "my-namespace").Items.Select(p => new PodView(p)).ToList();
        var others = world.ControlPlane.Store.List("v1", "Pod", "kube-system").Items.Select(p => new PodView(p)).Where(p => !p.HostNetwork).ToList();

        Assert.NotEmpty(pods);
        Assert.All(pods, pod => Assert.Equal(
            ["node.kubernetes.io/not-ready:NoExecute:Exists", "node.kubernetes.io/unreachable:NoExecute:Exists", "vpc.amazonaws.com/pod-eni:NoSchedule:Exists"],
            pod.Tolerations.Select(Describe)));
        Assert.NotEmpty(others);
        Assert.All(others, pod => Assert.DoesNotContain(pod.Tolerations, t => t["key"]?.GetValue<string>() == "vpc.amazonaws.com/pod-eni"));
    }

    private static string Describe(JsonObject toleration)
        => $"{toleration["key"]}:{toleration["effect"]}:{toleration["operator"]}";
}
