using Podnet.Kube.Views;
using Podnet.Lint;
using Podnet.Tests.TestSupport;

namespace Podnet.Tests.Lint;

/// <summary>
/// Issue 11 point 13, Windows: security groups for pods are not available on Windows nodes (seed 000). The resource
/// controller's webhook gives a pod with a Windows node selector no pod-eni (HandleWindowsPod), so no branch
/// interface; lint says so instead of predicting groups the pod will never have.
/// </summary>
public class WindowsSecurityGroupPodsTests
{
    [Fact]
    public void WindowsPods_MatchingSecurityGroupPolicy_GetNoPodEni_AndAreWarned()
    {
        var world = ExampleWorlds.Load("security-groups-for-pods", text => text.Replace(
            "      containers:\n      - name: nginx",
            "      nodeSelector: {kubernetes.io/os: windows}\n      containers:\n      - name: nginx",
            StringComparison.Ordinal));
        var pods = world.ControlPlane.Store.List("v1", "Pod", "my-namespace").Items.Select(p => PodView.Of(p)).ToList();
        Assert.Equal(4, pods.Count);
        Assert.All(pods, p => Assert.False(Podnet.Cni.AwsNode.RequestsPodEni(p)));

        var findings = WorldLint.Run(world);
        var finding = Assert.Single(findings, f => f.Check == WindowsSecurityGroupPods.Id);
        Assert.Equal(LintSeverity.Warning, finding.Severity);
        Assert.StartsWith("Pod my-namespace/", finding.Object, StringComparison.Ordinal);
        Assert.EndsWith("(and 3 more with the same groups)", finding.Object, StringComparison.Ordinal);
        Assert.Contains("is selected by a SecurityGroupPolicy (sg-05b1d815d1e4a1b2c) but runs on Windows nodes", finding.Message, StringComparison.Ordinal);

        // The Linux checks do not claim the policy's groups for them.
        Assert.DoesNotContain(findings, f => f.Check is TrunkIncompatibleNodes.Id or "security-group-pod-without-dns" or "security-group-policy-after-pod");
        Assert.DoesNotContain(WorldLint.Run(ExampleWorlds.Load("security-groups-for-pods")), f => f.Check == WindowsSecurityGroupPods.Id);
    }
}
