using Podnet.Kube.Views;
using Podnet.Tests.Kube.Controllers;

namespace Podnet.Tests.Kube.Nodes;

public class KubeletReadinessTests
{
    [Fact]
    public void ReadinessProbe_KeepsPodRunningButNotReady_UntilItPasses()
    {
        var cluster = new TestCluster();
        cluster.AddNode("node-a");
        var gateOpen = false;
        cluster.Plane.AddReadinessProbe(p => p.Name == "web" && !gateOpen ? "readiness probe failed" : null);
        cluster.Create(TestCluster.PodJson("web"));
        cluster.Settle(TimeSpan.FromSeconds(20));

        var pod = PodView.Of(cluster.Pod("web"));
        Assert.Equal("Running", pod.Phase);
        Assert.False(pod.IsReady);
        Assert.Equal("False", pod.Condition("ContainersReady"));

        gateOpen = true;
        cluster.Settle(TimeSpan.FromSeconds(10));
        pod = PodView.Of(cluster.Pod("web"));
        Assert.True(pod.IsReady);
        Assert.Equal("True", pod.Condition("ContainersReady"));
    }
}
