using Podnet.Tests.TestSupport;

namespace Podnet.Tests.Server.Kube;

/// <summary>
/// <c>kubectl create pdb</c>, <c>kubectl get pdb</c> and <c>kubectl drain</c> against <c>podnet up</c> with the real
/// kubectl: the disruption controller keeps the budget's ALLOWED DISRUPTIONS, and drain's evictions wait on it (429,
/// which kubectl retries every 5 seconds until its timeout) as on EKS.
/// </summary>
public sealed class KubectlDrainTests : IClassFixture<ServedWorld>
{
    private readonly ServedWorld _served;

    public KubectlDrainTests(ServedWorld served)
    {
        _served = served;
    }

    [Fact]
    public async Task Drain_ABudgetAllowingNoDisruption_HoldsThePod_GetPdbShowsWhy()
    {
        _served.KubectlOk("1.31", "create", "namespace", "drain");
        _served.KubectlOk("1.31", "create", "deployment", "web", "-n", "drain", "--image=nginx", "--replicas=2");
        _served.KubectlOk("1.31", "create", "pdb", "web", "-n", "drain", "--selector=app=web", "--min-available=2");
        await _served.WaitUntil(
            s => s.List("v1", "Pod", "drain").Items.Count(p => Podnet.Kube.Views.PodView.Of(p).IsReady) == 2
                 && s.Get(s.Resources.For("policy/v1", "PodDisruptionBudget"), "drain", "web").Peek("status.currentHealthy")?.GetValue<int>() == 2,
            "two web pods Ready, counted by the budget",
            60);

        Assert.Matches(@"^NAME\s+MIN AVAILABLE\s+MAX UNAVAILABLE\s+ALLOWED DISRUPTIONS\s+AGE\nweb\s+2\s+N/A\s+0\s+\S+$", _served.KubectlOk("1.31", "get", "pdb", "-n", "drain").Trim());

        var node = _served.KubectlOk("1.31", "get", "pods", "-n", "drain", "-o", "jsonpath={.items[0].spec.nodeName}").Trim();
        var (exit, output, error) = _served.Kubectl("1.31", null, "drain", node, "--ignore-daemonsets", "--pod-selector=app=web", "--timeout=8s");

        Assert.True(exit != 0, output + "\n---\n" + error);
        Assert.Contains($"node/{node} cordoned", output, StringComparison.Ordinal);
        Assert.Contains("Cannot evict pod as it would violate the pod's disruption budget.", error, StringComparison.Ordinal);
        Assert.Contains("global timeout reached: 8s", error, StringComparison.Ordinal);
        Assert.Equal(2, _served.Server.Cluster.Read(() => _served.Server.Cluster.Store.List("v1", "Pod", "drain").Items.Count(p => !p.IsTerminating)));
        _served.KubectlOk("1.31", "uncordon", node);

        // kubectl get --sort-by asks for Table rows with whole objects (includeObject=Object) and sorts by any field.
        var events = _served.KubectlOk("1.31", "get", "events", "-n", "drain", "--sort-by=.lastTimestamp", "--no-headers").Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains(events, e => e.Contains("SuccessfulCreate", StringComparison.Ordinal));
        Assert.Contains(events, e => e.Contains("NodeNotSchedulable", StringComparison.Ordinal) || e.Contains("Scheduled", StringComparison.Ordinal));
    }
}
