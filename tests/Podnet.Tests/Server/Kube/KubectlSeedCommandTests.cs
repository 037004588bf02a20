using Podnet.Kube.Api;
using Podnet.Tests.TestSupport;

namespace Podnet.Tests.Server.Kube;

/// <summary>
/// The seeds' kubectl command forms (../shared/reference/api-server.md §1.1), run with the real kubectl 1.31 and
/// 1.32 (1.32 sends protobuf bodies) and once through the dispatcher against <c>podnet up</c>'s API, asserting what
/// the seeds show. Each test works in a namespace of its own, so the served cluster is shared by the class.
/// </summary>
public sealed class KubectlSeedCommandTests : IClassFixture<ServedWorld>
{
    private readonly ServedWorld _served;

    public KubectlSeedCommandTests(ServedWorld served)
    {
        _served = served;
    }

    private static string Ns(string test, string version) => $"{test}-{version.Replace(".", string.Empty, StringComparison.Ordinal)}";

    [Theory]
    [InlineData("1.31")]
    [InlineData("1.32")]
    public async Task CreateNamespace_ThenDelete_ReturnsWhenTheNamespaceIsGone(string version)
    {
        var ns = Ns("k16", version);
        Assert.Equal($"namespace/{ns} created\n", _served.KubectlOk(version, "create", "namespace", ns));
        Assert.Contains(ns, _served.KubectlOk(version, "get", "namespaces"), StringComparison.Ordinal);

        // k27: kubectl waits for the namespace's DELETED event; it hangs if none comes.
        Assert.Equal($"namespace \"{ns}\" deleted\n", _served.KubectlOk(version, "delete", "namespace", ns));
        await _served.WaitUntil(s => s.TryGet(s.Resources.For("v1", "Namespace"), null, ns) is null, "namespace gone");
        var (exit, _, error) = _served.Kubectl(version, null, "get", "namespace", ns);
        Assert.Equal(1, exit);
        Assert.Equal($"Error from server (NotFound): namespaces \"{ns}\" not found\n", error);
    }

    [Theory]
    [InlineData("1.31")]
    [InlineData("1.32")]
    public void LabelNamespace_PrintsLabeled_AndTheLabelIsStored(string version)
    {
        var ns = Ns("k28", version);
        _served.KubectlOk(version, "create", "namespace", ns);
        Assert.Equal($"namespace/{ns} labeled\n", _served.KubectlOk(version, "label", "namespace", ns, $"networking/namespace={ns}"));
        var labels = _served.Server.Cluster.Store.Get("v1", "Namespace", null, ns).Labels;
        Assert.Equal(ns, labels["networking/namespace"]);
    }

    [Theory]
    [InlineData("1.31")]
    [InlineData("1.32")]
    public void PatchDaemonSet_InitContainerEnv_PatchedThenNoChange(string version)
    {
        // k8: the seed's patch of aws-vpc-cni-init; the second time nothing changes and kubectl says so, because the
        // server answers a no-op patch with the object unchanged (same resourceVersion).
        var patch = """{"spec": {"template": {"spec": {"initContainers": [{"env":[{"name":"DISABLE_TCP_EARLY_DEMUX","value":"true"}],"name":"aws-vpc-cni-init"}]}}}}""";
        _served.KubectlOk(version, "patch", "daemonset", "aws-node", "-n", "kube-system", "-p", patch);
        Assert.Equal("daemonset.apps/aws-node patched (no change)\n", _served.KubectlOk(version, "patch", "daemonset", "aws-node", "-n", "kube-system", "-p", patch));
        var ds = _served.Server.Cluster.Store.Get("apps/v1", "DaemonSet", "kube-system", "aws-node");
        Assert.Contains("DISABLE_TCP_EARLY_DEMUX", ds["spec.template.spec.initContainers"]!.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SetEnv_AwsNode_EnvUpdatedAndRolledOut()
    {
        // k4 through the dispatcher, which picks kubectl 1.31 from the served /version ("31+").
        var store = _served.Server.Cluster.Store;
        var before = _served.Server.Cluster.Read(() => store.List("v1", "Pod", "kube-system").Items.Where(p => p.Name.StartsWith("aws-node-", StringComparison.Ordinal)).Select(p => p.Name).ToHashSet());
        Assert.NotEmpty(before);
        Assert.Equal("daemonset.apps/aws-node env updated\n", _served.KubectlOk("dispatcher", "set", "env", "daemonset", "aws-node", "-n", "kube-system", "WARM_IP_TARGET=3"));

        // kubectl set env without -c sets the variable on every container and init container (api-server.md §2.5).
        var ds = store.Get("apps/v1", "DaemonSet", "kube-system", "aws-node");
        Assert.Contains("WARM_IP_TARGET", ds["spec.template.spec.initContainers"]!.ToJsonString(), StringComparison.Ordinal);

        // The DaemonSet controller replaces every aws-node pod, and the new ones run.
        await _served.WaitUntil(
            s =>
            {
                var pods = s.List("v1", "Pod", "kube-system").Items.Where(p => p.Name.StartsWith("aws-node-", StringComparison.Ordinal)).ToList();
                return pods.Count == before.Count && pods.All(p => !before.Contains(p.Name) && p.GetString("status.phase") == "Running");
            },
            "aws-node rolled out",
            60);
    }

    [Theory]
    [InlineData("1.31")]
    [InlineData("1.32")]
    public void AnnotateNode_PrintsAnnotated(string version)
    {
        var node = _served.Server.Cluster.Store.List("v1", "Node").Items[0].Name;
        Assert.Equal($"node/{node} annotated\n", _served.KubectlOk(version, "annotate", "node", node, $"podnet.test/k26-{version.Replace(".", string.Empty, StringComparison.Ordinal)}=EniConfigName1"));
    }

    [Theory]
    [InlineData("1.31")]
    [InlineData("1.32")]
    public void ApplyNetworkPolicy_WithCreateF_Created(string version)
    {
        // k30: the seed's egress policy with its empty "- to:", which reaches the server as "to": null.
        var ns = Ns("k30", version);
        _served.KubectlOk(version, "create", "namespace", ns);
        var file = Path.Combine(_served.Directory, $"netpol-{ns}.yaml");
        File.WriteAllText(file, """
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata:
              name: default-deny-all-egress
            spec:
              podSelector: {}
              egress:
              - to:
                ports:
                - protocol: UDP
                  port: 53
              policyTypes:
              - Egress
            """);
        Assert.Equal("networkpolicy.networking.k8s.io/default-deny-all-egress created\n", _served.KubectlOk(version, "-n", ns, "create", "-f", file));
    }

    [Theory]
    [InlineData("1.31")]
    [InlineData("1.32")]
    public void ApplyF_CreatedThenUnchangedThenConfigured(string version)
    {
        // k18: a Deployment and a Service in one file; apply again unchanged, then with a changed replica count.
        var ns = Ns("k18", version);
        _served.KubectlOk(version, "create", "namespace", ns);
        var file = Path.Combine(_served.Directory, $"app-{ns}.yaml");
        string App(int replicas) => SeedManifests.SampleApplication(ns, replicas);
        File.WriteAllText(file, App(2));
        Assert.Equal("deployment.apps/my-deployment created\nservice/my-app created\n", _served.KubectlOk(version, "apply", "-f", file));
        Assert.Equal("deployment.apps/my-deployment unchanged\nservice/my-app unchanged\n", _served.KubectlOk(version, "apply", "-f", file));
        File.WriteAllText(file, App(3));
        Assert.Equal("deployment.apps/my-deployment configured\nservice/my-app unchanged\n", _served.KubectlOk(version, "apply", "-f", file));
        Assert.Equal(3, _served.Server.Cluster.Store.Get("apps/v1", "Deployment", ns, "my-deployment")["spec.replicas"]!.GetValue<int>());
    }

    [Theory]
    [InlineData("1.31")]
    [InlineData("1.32")]
    public void ApplyF_UnknownField_RefusedByTheServer(string version)
    {
        var ns = Ns("strict", version);
        _served.KubectlOk(version, "create", "namespace", ns);
        var file = Path.Combine(_served.Directory, $"bad-{ns}.yaml");
        File.WriteAllText(file, $"""
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: c
              namespace: {ns}
            dta:
              a: b
            """);
        var (exit, _, error) = _served.Kubectl(version, null, "apply", "-f", file);
        Assert.Equal(1, exit);
        Assert.Contains("unknown field \"dta\"", error, StringComparison.Ordinal);

        // --validate=warn: the server drops the field and says so; --validate=false: it drops it silently.
        (exit, var output, error) = _served.Kubectl(version, null, "apply", "--validate=warn", "-f", file);
        Assert.Equal(0, exit);
        Assert.Equal("configmap/c created\n", output);
        Assert.Contains("Warning: unknown field \"dta\"", error, StringComparison.Ordinal);
        Assert.Null(_served.Server.Cluster.Store.Get("v1", "ConfigMap", ns, "c")["dta"]);
    }

    [Theory]
    [InlineData("1.31")]
    [InlineData("1.32")]
    public void GetEniConfigs_NoneInTheDefaultWorld_NoResourcesFound(string version)
    {
        // k15: the kind name resolves case-insensitively from discovery.
        var (exit, output, error) = _served.Kubectl(version, null, "get", "ENIConfigs");
        Assert.Equal(0, exit);
        Assert.Equal(string.Empty, output);
        Assert.Equal("No resources found\n", error);
    }

    [Theory]
    [InlineData("1.31")]
    [InlineData("1.32")]
    public void ServerSideApply_CreatesWhenAbsent(string version)
    {
        var ns = Ns("ssa", version);
        _served.KubectlOk(version, "create", "namespace", ns);
        var file = Path.Combine(_served.Directory, $"ssa-{ns}.yaml");
        File.WriteAllText(file, $"""
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: settings
              namespace: {ns}
            data:
              a: b
            """);
        Assert.Equal("configmap/settings serverside-applied\n", _served.KubectlOk(version, "apply", "--server-side", "-f", file));
        File.WriteAllText(file, $"""
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: rehearsal
              namespace: {ns}
            """);
        Assert.Equal("configmap/rehearsal created (server dry run)\n", _served.KubectlOk(version, "apply", "--dry-run=server", "-f", file));
        Assert.Null(_served.Server.Cluster.Store.TryGet(_served.Server.Cluster.Store.Resources.For("v1", "ConfigMap"), ns, "rehearsal"));
    }

    [Fact]
    public async Task CustomResourceDefinition_AppliedLater_ServedWithItsPrinterColumns()
    {
        var file = Path.Combine(_served.Directory, "crd.yaml");
        File.WriteAllText(file, """
            apiVersion: apiextensions.k8s.io/v1
            kind: CustomResourceDefinition
            metadata:
              name: widgets.example.podnet.dev
            spec:
              group: example.podnet.dev
              scope: Namespaced
              names:
                plural: widgets
                singular: widget
                kind: Widget
                shortNames: [wd]
              versions:
              - name: v1
                served: true
                storage: true
                schema:
                  openAPIV3Schema:
                    type: object
                    properties:
                      spec:
                        type: object
                        properties:
                          size:
                            type: integer
                additionalPrinterColumns:
                - name: Size
                  type: integer
                  jsonPath: .spec.size
            """);
        Assert.Equal("customresourcedefinition.apiextensions.k8s.io/widgets.example.podnet.dev created\n", _served.KubectlOk("1.31", "apply", "-f", file));
        await _served.WaitUntil(s => s.Resources.Find("example.podnet.dev/v1", "Widget") is not null, "Widget served");
        var widget = Path.Combine(_served.Directory, "widget.yaml");
        File.WriteAllText(widget, """
            apiVersion: example.podnet.dev/v1
            kind: Widget
            metadata:
              name: w1
              namespace: default
            spec:
              size: 3
            """);
        Assert.Equal("widget.example.podnet.dev/w1 created\n", _served.KubectlOk("1.31", "apply", "-f", widget));
        var table = _served.KubectlOk("1.31", "get", "wd").TrimEnd('\n').Split('\n');
        Assert.Matches(@"^NAME\s+SIZE$", table[0]);
        Assert.Matches(@"^w1\s+3$", table[1]);
    }

    [Theory]
    [InlineData("1.27")]
    [InlineData("1.29")]
    [InlineData("1.33")]
    public void OtherKubectlVersions_CreateAndGet(string version)
    {
        // 1.27–1.29 ask for aggregated discovery v2beta1 only (a v2 answer would break them); 1.33 sends protobuf.
        var ns = Ns("versions", version);
        Assert.Equal($"namespace/{ns} created\n", _served.KubectlOk(version, "create", "namespace", ns));
        var rows = _served.KubectlOk(version, "get", "pods", "-n", "kube-system").TrimEnd('\n').Split('\n');
        Assert.Matches(@"^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE$", rows[0]);
        Assert.Contains(rows, r => r.StartsWith("aws-node-", StringComparison.Ordinal) && r.Contains("Running", StringComparison.Ordinal));
    }

    [Fact]
    public void ServerSideApply_AfterClientSideApply_ConflictUntilForced()
    {
        // The API server's field ownership: kubectl-client-side-apply owns spec.replicas; a server-side apply that
        // changes it is refused with the manager and the field named, and taken over with --force-conflicts.
        const string v = "1.31";
        var ns = "ssa-conflict";
        _served.KubectlOk(v, "create", "namespace", ns);
        var file = Path.Combine(_served.Directory, "ssa-conflict.yaml");
        File.WriteAllText(file, SeedManifests.SampleApplication(ns, 2));
        _served.KubectlOk(v, "apply", "-f", file);
        File.WriteAllText(file, SeedManifests.SampleApplication(ns, 3));
        var (exit, _, error) = _served.Kubectl(v, null, "apply", "--server-side", "-f", file);
        Assert.Equal(1, exit);
        Assert.StartsWith("error: Apply failed with 1 conflict: conflict with \"kubectl-client-side-apply\" using apps/v1: .spec.replicas\n", error, StringComparison.Ordinal);
        Assert.Equal("deployment.apps/my-deployment serverside-applied\nservice/my-app serverside-applied\n", _served.KubectlOk(v, "apply", "--server-side", "--force-conflicts", "-f", file));
        var deployment = _served.Server.Cluster.Store.Get("apps/v1", "Deployment", ns, "my-deployment");
        Assert.Equal(3, deployment["spec.replicas"]!.GetValue<int>());
        var managers = deployment["metadata.managedFields"]!.AsArray().Select(e => $"{e!["manager"]} {e["operation"]}").ToList();
        Assert.Contains("kubectl Apply", managers);
        Assert.Contains("kubectl-client-side-apply Update", managers);
    }
}
