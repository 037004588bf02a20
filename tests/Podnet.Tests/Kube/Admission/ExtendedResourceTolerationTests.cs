using System.Text.Json.Nodes;
using Podnet.Kube.Admission;
using Podnet.Kube.Api;
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
        var pods = world.ControlPlane.Store.List("v1", "Pod", "my-namespace").Items.Select(p => PodView.Of(p)).ToList();
        var others = world.ControlPlane.Store.List("v1", "Pod", "kube-system").Items.Select(p => PodView.Of(p)).Where(p => !p.HostNetwork).ToList();

        Assert.NotEmpty(pods);
        Assert.All(pods, pod => Assert.Equal(
            ["node.kubernetes.io/not-ready:NoExecute:Exists", "node.kubernetes.io/unreachable:NoExecute:Exists", "vpc.amazonaws.com/pod-eni:NoSchedule:Exists"],
            pod.Tolerations.Select(Describe)));
        Assert.NotEmpty(others);
        Assert.All(others, pod => Assert.DoesNotContain(pod.Tolerations, t => t["key"]?.GetValue<string>() == "vpc.amazonaws.com/pod-eni"));
    }

    [Fact]
    public void Mutate_PodRequestingPodEni_GetsTheTolerationOnACopy()
    {
        var pod = KubeObject.Parse(PodEniPod());

        var mutated = new ExtendedResourceToleration().Mutate(Request(pod, AdmissionOperation.Create))!;

        Assert.Equal(["vpc.amazonaws.com/pod-eni:NoSchedule:Exists"], PodView.Of(mutated).Tolerations.Select(Describe));
        Assert.Null(pod["spec.tolerations"]);
    }

    [Fact]
    public void Mutate_OwnedRequest_IsChangedInPlace()
    {
        var pod = KubeObject.Parse(PodEniPod());

        var mutated = new ExtendedResourceToleration().Mutate(Request(pod, AdmissionOperation.Create) with { Owned = true })!;

        Assert.Same(pod.Raw, mutated.Raw);
        Assert.Equal(["vpc.amazonaws.com/pod-eni:NoSchedule:Exists"], PodView.Of(mutated).Tolerations.Select(Describe));
    }

    [Fact]
    public void Mutate_PodThatToleratesAlready_IsReturnedAsItIs()
    {
        var pod = KubeObject.Parse(PodEniPod("""[{"key":"vpc.amazonaws.com/pod-eni","operator":"Exists","effect":"NoSchedule"}]"""));

        Assert.Same(pod, new ExtendedResourceToleration().Mutate(Request(pod, AdmissionOperation.Update)));
    }

    /// <summary>admission.go Admit: "Ignore all calls to subresources" — a status update is not given the toleration.</summary>
    [Fact]
    public void Mutate_StatusSubresource_IsLeftAlone()
    {
        var pod = KubeObject.Parse(PodEniPod());

        Assert.Same(pod, new ExtendedResourceToleration().Mutate(Request(pod, AdmissionOperation.Update) with { SubResource = "status" }));
    }

    private static AdmissionRequest Request(KubeObject pod, AdmissionOperation operation)
        => new(operation, new ClusterHarness().Store.Resources.For("v1", "Pod"), "default", "web", pod, operation == AdmissionOperation.Update ? pod : null, "admin");

    private static string PodEniPod(string tolerations = "null") => """
        {"apiVersion":"v1","kind":"Pod","metadata":{"name":"web","namespace":"default"},
         "spec":{"tolerations":TOLERATIONS,"containers":[{"name":"web","image":"nginx",
           "resources":{"requests":{"vpc.amazonaws.com/pod-eni":"1"},"limits":{"vpc.amazonaws.com/pod-eni":"1"}}}]}}
        """.Replace("TOLERATIONS", tolerations, StringComparison.Ordinal);

    private static string Describe(JsonObject toleration)
        => $"{toleration["key"]}:{toleration["effect"]}:{toleration["operator"]}";
}
