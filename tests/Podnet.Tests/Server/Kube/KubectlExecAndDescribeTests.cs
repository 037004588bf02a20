using Podnet.Tests.TestSupport;

namespace Podnet.Tests.Server.Kube;

/// <summary>
/// Seed 000's application behind <c>podnet up</c>, driven by the real kubectl: <c>get -o wide</c>, <c>describe</c>
/// of pods, nodes and aws-node, and <c>kubectl exec … curl my-app</c> into the emulated shell, from a pipe as CI runs it.
/// </summary>
public sealed class KubectlExecAndDescribeTests : IClassFixture<ServedWorld>
{
    private readonly ServedWorld _served;

    public KubectlExecAndDescribeTests(ServedWorld served)
    {
        _served = served;
    }

    private static string App(string ns) => SeedManifests.SampleApplication(ns, 2);

    /// <summary>Applies the application in <paramref name="ns"/> and waits for both pods to run and the Service to have them.</summary>
    private async Task<string> Deployed(string version, string ns)
    {
        _served.KubectlOk(version, "create", "namespace", ns);
        var file = Path.Combine(_served.Directory, $"app-{ns}.yaml");
        await File.WriteAllTextAsync(file, App(ns));
        _served.KubectlOk(version, "apply", "-f", file);
        await _served.WaitUntil(
            s => s.List("v1", "Pod", ns).Items.Count(p => p.GetString("status.phase") == "Running") == 2
                 && s.TryGet(s.Resources.For("v1", "Endpoints"), ns, "my-app")?["subsets"] is System.Text.Json.Nodes.JsonArray { Count: > 0 },
            "my-deployment running behind my-app",
            60);
        return _served.Server.Cluster.Store.List("v1", "Pod", ns).Items[0].Name;
    }

    [Theory]
    [InlineData("1.31")]
    [InlineData("1.32")]
    public async Task Exec_CurlMyApp_AnswersTheNginxWelcomePage(string version)
    {
        var ns = "exec-" + version.Replace(".", string.Empty, StringComparison.Ordinal);
        var pod = await Deployed(version, ns);
        var (exit, output, error) = _served.Kubectl(version, null, "exec", "-n", ns, pod, "--", "curl", "my-app");
        Assert.True(exit == 0, error);
        Assert.StartsWith("<!DOCTYPE html>\n<html>\n<head>\n<title>Welcome to nginx!</title>", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1.31")]
    [InlineData("1.32")]
    public async Task ExecIt_BashFromAPipe_RunsEachLine_AndExitsWithTheShellsStatus(string version)
    {
        // k25 as CI runs it: no terminal, so kubectl says so and sends the lines as they come.
        var ns = "shell-" + version.Replace(".", string.Empty, StringComparison.Ordinal);
        var pod = await Deployed(version, ns);
        var (exit, output, error) = _served.Kubectl(version, "curl -s my-app\ncurl nothere\nexit\n", "exec", "-it", "-n", ns, pod, "--", "/bin/bash");
        Assert.Equal(6, exit);
        Assert.Contains("<title>Welcome to nginx!</title>", output, StringComparison.Ordinal);
        Assert.Contains("Unable to use a TTY - input is not a terminal or the right kind of file", error, StringComparison.Ordinal);
        Assert.Contains("curl: (6) Could not resolve host: nothere", error, StringComparison.Ordinal);
        Assert.Contains("command terminated with exit code 6", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1.31")]
    [InlineData("1.32")]
    public async Task GetPodsWide_TheSeedsColumns(string version)
    {
        // k13: NAME READY STATUS RESTARTS AGE IP NODE NOMINATED NODE READINESS GATES, one row per replica.
        var ns = "wide-" + version.Replace(".", string.Empty, StringComparison.Ordinal);
        await Deployed(version, ns);
        var lines = _served.KubectlOk(version, "get", "pods", "-n", ns, "-o", "wide").TrimEnd('\n').Split('\n');
        Assert.Matches(@"^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\s+IP\s+NODE\s+NOMINATED NODE\s+READINESS GATES$", lines[0]);
        Assert.Equal(3, lines.Length);
        Assert.All(lines.Skip(1), l => Assert.Matches(@"^my-deployment-[a-z0-9]+-[a-z0-9]{5}\s+1/1\s+Running\s+0\s+\S+\s+192\.168\.\d+\.\d+\s+ip-192-168-\d+-\d+\.us-west-2\.compute\.internal\s+<none>\s+<none>$", l));
    }

    [Theory]
    [InlineData("1.31")]
    [InlineData("1.32")]
    public async Task DescribePod_ShowsItsEvents(string version)
    {
        // k22/k23: describe reads the pod and its events by involvedObject field selectors.
        var ns = "describe-" + version.Replace(".", string.Empty, StringComparison.Ordinal);
        var pod = await Deployed(version, ns);
        var text = _served.KubectlOk(version, "describe", "pod", pod, "-n", ns);
        Assert.Contains($"Name:             {pod}", text, StringComparison.Ordinal);
        Assert.Contains("Status:           Running", text, StringComparison.Ordinal);
        Assert.Matches(@"Normal\s+Scheduled\s+\S+\s+default-scheduler\s+Successfully assigned " + ns + "/" + pod, text);
        Assert.DoesNotContain("<invalid>", text, StringComparison.Ordinal);
    }

    [Fact]
    public void DescribeNode_HasItsLease()
    {
        // k24: describe node reads the node's Lease in kube-node-lease.
        var node = _served.Server.Cluster.Store.List("v1", "Node").Items[0].Name;
        var text = _served.KubectlOk("1.32", "describe", "no", node);
        Assert.Contains($"HolderIdentity:  {node}", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Failed to get lease", text, StringComparison.Ordinal);
        Assert.Matches(@"Ready\s+True", text);
    }

    [Fact]
    public void DescribeDaemonSetAwsNode_ImagesAsTheSeedGrepsThem()
    {
        // k1: kubectl describe daemonset aws-node --namespace kube-system | grep Image | cut -d "/" -f 2
        var images = _served.KubectlOk("dispatcher", "describe", "daemonset", "aws-node", "--namespace", "kube-system")
            .Split('\n').Where(l => l.Contains("Image", StringComparison.Ordinal)).Select(l => l.Split('/')[1]).ToList();
        Assert.NotEmpty(images);
        Assert.Contains(images, i => i.StartsWith("amazon-k8s-cni-init:v1.", StringComparison.Ordinal));
        Assert.Contains(images, i => i.StartsWith("amazon-k8s-cni:v1.", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Rollout_SetImageThenUndo_StepsThroughAndReusesTheFirstReplicaSet()
    {
        var ns = "rollout";
        await Deployed("1.31", ns);
        Assert.Equal("deployment \"my-deployment\" successfully rolled out\n", _served.KubectlOk("1.31", "rollout", "status", "deploy/my-deployment", "-n", ns, "--timeout=60s"));
        _served.KubectlOk("1.31", "set", "image", "deploy/my-deployment", "nginx=public.ecr.aws/nginx/nginx:1.25", "-n", ns);
        Assert.EndsWith("deployment \"my-deployment\" successfully rolled out\n", _served.KubectlOk("1.31", "rollout", "status", "deploy/my-deployment", "-n", ns, "--timeout=60s"), StringComparison.Ordinal);
        Assert.Equal("deployment.apps/my-deployment rolled back\n", _served.KubectlOk("1.31", "rollout", "undo", "deploy/my-deployment", "-n", ns));
        _served.KubectlOk("1.31", "rollout", "status", "deploy/my-deployment", "-n", ns, "--timeout=60s");

        // The undo brought back the first template: its ReplicaSet is reused as revision 3, no third one is made.
        var history = _served.KubectlOk("1.31", "rollout", "history", "deploy/my-deployment", "-n", ns);
        Assert.Matches(@"REVISION\s+CHANGE-CAUSE\n2\s+<none>\n3\s+<none>\n", history);
        var replicaSets = _served.Server.Cluster.Store.List("apps/v1", "ReplicaSet", ns).Items;
        Assert.Equal(2, replicaSets.Count);

        // The rollout went one pod at a time (maxSurge 25% of 2 rounds up to 1, maxUnavailable down to 0).
        var events = _served.KubectlOk("1.31", "get", "events", "-n", ns, "--field-selector", "reason=ScalingReplicaSet", "-o", "custom-columns=MESSAGE:.message", "--no-headers");
        Assert.Contains("from 0 to 1", events, StringComparison.Ordinal);
        Assert.Contains("from 2 to 1", events, StringComparison.Ordinal);
    }

    [Fact]
    public void Logs_AwsNode_TheEntrypointsLinesOfItsRelease()
    {
        var pod = _served.Server.Cluster.Store.List("v1", "Pod", "kube-system").Items.First(p => p.Name.StartsWith("aws-node-", StringComparison.Ordinal)).Name;
        var (exit, output, error) = _served.Kubectl("1.32", null, "logs", "-n", "kube-system", pod);
        Assert.True(exit == 0, error);
        Assert.Contains("Defaulted container \"aws-node\" out of: aws-node", error, StringComparison.Ordinal);
        var lines = output.TrimEnd('\n').Split('\n');
        Assert.Equal("Installed /host/opt/cni/bin/aws-cni", lines[0]);
        Assert.Equal("Installed /host/opt/cni/bin/egress-cni", lines[1]);
        Assert.Matches(@"^time=""\S+Z"" level=info msg=""Successfully copied CNI plugin binary and config file.""$", lines[^1]);
    }
}
