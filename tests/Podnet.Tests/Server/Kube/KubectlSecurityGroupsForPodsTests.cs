using Podnet.Tests.TestSupport;
using Podnet.World;

namespace Podnet.Tests.Server.Kube;

/// <summary>The seed 000 cluster before its kubectl steps: the default VPC and cluster, the pod security group and its DNS rules.</summary>
public sealed class ServedSecurityGroupsWorld : ServedWorld
{
    public ServedSecurityGroupsWorld()
        : base(time => WorldLoader.Load(
            [.. System.IO.Directory.GetFiles(ExampleWorlds.Folder("security-groups-for-pods"), "*.yaml").Order(StringComparer.Ordinal).Select(f => new WorldSource(f, AwsDocumentsOnly(File.ReadAllText(f))))],
            time: time))
    {
    }

    /// <summary>The example's files without its Kubernetes objects and add-on setting, which the test applies with kubectl.</summary>
    private static string AwsDocumentsOnly(string text)
        => string.Join("\n---\n", text.Split("\n---\n").Where(d => d.Contains("apiVersion: aws.podnet.dev/", StringComparison.Ordinal) && !d.Contains("kind: Addon", StringComparison.Ordinal)));
}

/// <summary>
/// Seed 000 (security groups for pods) step by step with the real kubectl against <c>podnet up</c>: turn on
/// ENABLE_POD_ENI, wait for the trunk label, apply the policy and the application, read the pod's annotation in
/// <c>describe</c>, curl my-app; then revoke the DNS rules with the aws CLI, as the seed does, and see curl fail at
/// DNS while the pod's IP still answers.
/// </summary>
public sealed class KubectlSecurityGroupsForPodsTests : IClassFixture<ServedSecurityGroupsWorld>
{
    private readonly ServedSecurityGroupsWorld _served;

    public KubectlSecurityGroupsForPodsTests(ServedSecurityGroupsWorld served)
    {
        _served = served;
    }

    [Fact]
    public async Task Seed000_SecurityGroupsForPods_StepByStep()
    {
        const string v = "1.31";
        var store = _served.Server.Cluster.Store;

        // k4, then k9: nodes get vpc.amazonaws.com/has-trunk-attached=true once the resource controller made their trunks.
        Assert.Equal("daemonset.apps/aws-node env updated\n", _served.KubectlOk(v, "set", "env", "daemonset", "aws-node", "-n", "kube-system", "ENABLE_POD_ENI=true"));
        await _served.WaitUntil(s => s.List("v1", "Node").Items.All(n => n.Labels.GetValueOrDefault("vpc.amazonaws.com/has-trunk-attached") == "true"), "every node has a trunk", 60);
        var nodes = _served.KubectlOk(v, "get", "nodes", "-o", "wide", "-l", "vpc.amazonaws.com/has-trunk-attached=true").TrimEnd('\n').Split('\n');
        Assert.Matches(@"^NAME\s+STATUS\s+ROLES\s+AGE\s+VERSION\s+INTERNAL-IP\s+EXTERNAL-IP\s+OS-IMAGE\s+KERNEL-VERSION\s+CONTAINER-RUNTIME$", nodes[0]);
        Assert.Equal(4, nodes.Length);
        Assert.All(nodes.Skip(1), n => Assert.Matches(@"\s+Ready\s+<none>\s+\S+\s+v1\.31\.", n));

        // k16, k17, k18: the namespace, the policy and the application.
        var app = ExampleWorlds.Text("security-groups-for-pods", "app.yaml");
        var kube = string.Join("\n---\n", app.Split("\n---\n").Where(d => !d.Contains("apiVersion: aws.podnet.dev/", StringComparison.Ordinal)));
        var file = Path.Combine(_served.Directory, "sample-application.yaml");
        await File.WriteAllTextAsync(file, kube);
        Assert.Equal(
            "namespace/my-namespace created\nsecuritygrouppolicy.vpcresources.k8s.aws/my-security-group-policy created\ndeployment.apps/my-deployment created\nservice/my-app created\n",
            _served.KubectlOk(v, "apply", "-f", file));
        await _served.WaitUntil(s => s.List("v1", "Pod", "my-namespace").Items.Count(p => p.GetString("status.phase") == "Running") == 4, "4 pods running", 60);

        // k22/k23: the pod carries its branch interface in the annotation describe shows, and the extended resource.
        var pods = store.List("v1", "Pod", "my-namespace").Items;
        var describe = _served.KubectlOk(v, "describe", "pod", pods[0].Name, "-n", "my-namespace");
        Assert.Contains("vpc.amazonaws.com/pod-eni:", describe, StringComparison.Ordinal);
        Assert.Contains("\"eniId\":\"eni-", describe, StringComparison.Ordinal);
        Assert.Matches(@"Limits:\s+vpc\.amazonaws\.com/pod-eni:\s+1", describe);
        Assert.Contains("SecurityGroupRequested", describe, StringComparison.Ordinal);

        // Seed 001's question, answered from the audit log: kubectl created the pod's Deployment; the resource
        // controller (not the webhook, whose mutation is part of the pod's create) patched the pod and labelled the nodes.
        var audit = _served.AuditEvents();
        Assert.Contains(audit, e => e["verb"]!.GetValue<string>() == "create" && e["objectRef"]!["resource"]!.GetValue<string>() == "deployments"
                                    && e["user"]!["username"]!.GetValue<string>() == "kubernetes-admin" && e["userAgent"]!.GetValue<string>().StartsWith("kubectl", StringComparison.Ordinal));
        var controllerWrites = audit.Where(e => e["user"]!["username"]!.GetValue<string>() == Podnet.ResourceController.ResourceControllerNames.LegacyControllerServiceAccountUser).ToList();
        Assert.Contains(controllerWrites, e => e["objectRef"]!["resource"]!.GetValue<string>() == "pods" && e["objectRef"]!["name"]!.GetValue<string>() == pods[0].Name);
        Assert.Contains(controllerWrites, e => e["objectRef"]!["resource"]!.GetValue<string>() == "nodes");

        // Its status was posted by its node's kubelet, as the node's user (system:node:<name>, in the group system:nodes).
        var nodeName = Podnet.Kube.Views.PodView.Of(pods[0]).NodeName;
        Assert.NotNull(nodeName);
        Assert.Contains(audit, e => e["objectRef"]!["resource"]!.GetValue<string>() == "pods" && e["objectRef"]!["name"]!.GetValue<string>() == pods[0].Name
                                    && e["objectRef"]!["subresource"]?.GetValue<string>() == "status"
                                    && e["user"]!["username"]!.GetValue<string>() == "system:node:" + nodeName
                                    && e["user"]!["groups"]!.AsArray().Any(g => g!.GetValue<string>() == "system:nodes")
                                    && e["userAgent"]!.GetValue<string>() == "podnet/kubelet");

        // k25 + c1: curl my-app from inside a pod answers nginx's page.
        var (exit, output, error) = _served.Kubectl(v, "curl my-app\nexit\n", "exec", "-i", "-n", "my-namespace", pods[0].Name, "--", "/bin/bash");
        Assert.True(exit == 0, error);
        Assert.Contains("<title>Welcome to nginx!</title>", output, StringComparison.Ordinal);

        // e5 + c2: the seed revokes the DNS rules of the cluster security group by their rule IDs, with the aws CLI;
        // then the name no longer resolves, while the other pod's IP still answers.
        var clusterGroup = _served.AwsOk("eks", "describe-cluster", "--name", "podnet", "--query", "cluster.resourcesVpcConfig.clusterSecurityGroupId", "--output", "text");
        var dnsRules = _served.AwsOk("ec2", "describe-security-group-rules", "--filters", $"Name=group-id,Values={clusterGroup}", "--query", "SecurityGroupRules[?FromPort==`53`].SecurityGroupRuleId", "--output", "text").Split('\t', StringSplitOptions.RemoveEmptyEntries);
        Assert.NotEmpty(dnsRules);
        foreach (var rule in dnsRules)
        {
            Assert.Equal("true", _served.AwsOk("ec2", "revoke-security-group-ingress", "--group-id", clusterGroup, "--security-group-rule-ids", rule, "--query", "Return"));
        }

        (exit, _, error) = _served.Kubectl(v, null, "exec", "-n", "my-namespace", pods[0].Name, "--", "curl", "my-app");
        Assert.Equal(6, exit);
        Assert.Contains("curl: (6) Could not resolve host: my-app", error, StringComparison.Ordinal);
        var other = Podnet.Kube.Views.PodView.Of(pods[1]).PodIP!;
        (exit, output, _) = _served.Kubectl(v, null, "exec", "-n", "my-namespace", pods[0].Name, "--", "curl", other);
        Assert.Equal(0, exit);
        Assert.Contains("<title>Welcome to nginx!</title>", output, StringComparison.Ordinal);

        // k27: deleting the namespace returns once it is gone.
        Assert.Equal("namespace \"my-namespace\" deleted\n", _served.KubectlOk(v, "delete", "namespace", "my-namespace"));
    }
}
