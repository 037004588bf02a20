using Podnet.Tests.TestSupport;

namespace Podnet.Tests.Cli;

/// <summary><c>podnet reach</c> on whole worlds: what it says about pods that are not running, in the words run and lint use.</summary>
public class ReachCommandTests
{
    private static string Example(string name) => Path.Combine(PodnetCli.Examples(), name);

    [Fact]
    public void PendingPod_ReachSaysItIsNotRunning_AndWhy_AsRunShowsIt()
    {
        // batch-giant asks for more CPU than any node has: the scheduler leaves it Pending. Before, a flow from it out
        // of the VPC crashed (its node was null) and a flow to it was judged against 255.255.255.255.
        const string Why = "shop/batch-giant is not running (Pending): it has no address yet, so it can neither open nor accept a connection; FailedScheduling: 0/3 nodes are available: 3 Insufficient cpu.";
        var (exit, output, error) = PodnetCli.Run("reach", Example("hello-eks"), "shop/batch-giant", "8.8.8.8", "443");
        Assert.Equal((1, string.Empty), (exit, error));
        Assert.Equal($"DENIED\n  FAIL  pod: {Why}\n", output);

        var running = System.Text.Json.Nodes.JsonNode.Parse(PodnetCli.Run("run", Example("hello-eks"), "-o", "json").Out)!["kubernetes"]!["items"]!.AsArray()
            .First(i => i!["kind"]!.GetValue<string>() == "Pod" && i["metadata"]!["name"]!.GetValue<string>().StartsWith("web-", StringComparison.Ordinal))!;
        var (toExit, toJson, _) = PodnetCli.Run("reach", Example("hello-eks"), $"shop/{running["metadata"]!["name"]}", "shop/batch-giant", "80", "-o", "json");
        Assert.Equal(1, toExit);
        var hop = Assert.Single(System.Text.Json.Nodes.JsonNode.Parse(toJson)!["hops"]!.AsArray())!;
        Assert.Equal(("pod", false, Why), (hop["step"]!.GetValue<string>(), hop["allowed"]!.GetValue<bool>(), hop["detail"]!.GetValue<string>()));

        // run shows the same pod Pending with the same scheduler message in its describe block.
        var text = PodnetCli.Run("run", Example("hello-eks")).Out;
        Assert.Contains("shop          batch-giant                0/1     Pending", text, StringComparison.Ordinal);
        Assert.Contains("default-scheduler  0/3 nodes are available: 3 Insufficient cpu.", text, StringComparison.Ordinal);
    }

    [Fact]
    public void ContainerCreatingPod_ReachGivesTheReasonLintNotes_AlsoThroughAService()
    {
        // The pod's group does not exist: the resource controller cannot make its branch interface, so it has no address.
        var world = Example("sgp-missing-group");
        var (lintExit, _, lintError) = PodnetCli.Run("lint", world);
        Assert.Equal(1, lintExit);
        var note = lintError.Split('\n').Single(l => l.StartsWith("note: not settled: Pod default/my-pod (", StringComparison.Ordinal));
        var stuck = note["note: not settled: Pod default/my-pod (".Length..];
        var state = stuck[..stuck.IndexOf("): ", StringComparison.Ordinal)];
        var reason = stuck[(state.Length + 3)..];
        Assert.StartsWith("Pending on ip-", state, StringComparison.Ordinal);
        Assert.Matches(@"BranchAllocationFailed: failed to allocate branch ENI to pod: creating network interface, operation error EC2: CreateNetworkInterface, https response error StatusCode: 400, RequestID: [0-9a-f-]{36}, api error InvalidSecurityGroupID\.NotFound: The securityGroup ID 'sg-abc123' does not exist$", reason);

        var (exit, output, error) = PodnetCli.Run("reach", world, "default/my-pod", "svc/kube-system/kube-dns", "53/udp");
        Assert.Equal((1, string.Empty), (exit, error));
        Assert.Equal($"DENIED\n  FAIL  pod: default/my-pod is not running ({state}): it has no address yet, so it can neither open nor accept a connection; {reason}\n", output);
        Assert.Contains("default       my-pod                     0/1     ContainerCreating", PodnetCli.Run("run", world).Out, StringComparison.Ordinal);
    }

    [Fact]
    public void UnschedulablePod_IsDeniedBothWays_AndTestAndRunAgree()
    {
        var dir = Directory.CreateTempSubdirectory("podnet-reach-").FullName;
        try
        {
            File.Copy(Path.Combine(Example("hello-eks"), "cluster.yaml"), Path.Combine(dir, "cluster.yaml"));
            File.WriteAllText(Path.Combine(dir, "pods.yaml"), """
                apiVersion: v1
                kind: Pod
                metadata: {name: gpu-job, namespace: default}
                spec:
                  nodeSelector: {node.kubernetes.io/instance-type: p4d.24xlarge}
                  containers: [{name: c, image: nginx}]
                """);
            const string Why = "default/gpu-job is not running (Pending): it has no address yet, so it can neither open nor accept a connection; FailedScheduling: 0/3 nodes are available: 3 node(s) didn't match Pod's node affinity/selector.";
            var coredns = System.Text.Json.Nodes.JsonNode.Parse(PodnetCli.Run("run", dir, "-o", "json").Out)!["kubernetes"]!["items"]!.AsArray()
                .Where(i => i!["kind"]!.GetValue<string>() == "Pod").Select(i => i!["metadata"]!["name"]!.GetValue<string>()).First(n => n.StartsWith("coredns-", StringComparison.Ordinal));
            Assert.Equal((1, $"DENIED\n  FAIL  pod: {Why}\n", string.Empty), PodnetCli.Run("reach", dir, "default/gpu-job", $"kube-system/{coredns}", "53/udp"));
            Assert.Equal((1, $"DENIED\n  FAIL  pod: {Why}\n", string.Empty), PodnetCli.Run("reach", dir, $"kube-system/{coredns}", "default/gpu-job", "80"));

            File.WriteAllText(Path.Combine(dir, "expected.tsv"), $"default/gpu-job\tkube-system/{coredns}\tUDP/53\tdenied\nkube-system/{coredns}\tdefault/gpu-job\tTCP/80\tdenied\n");
            Assert.Equal((0, "2 passed, 0 failed\n", string.Empty), PodnetCli.Run("test", dir, Path.Combine(dir, "expected.tsv")));
            Assert.Contains("0/3 nodes are available: 3 node(s) didn't match Pod's node affinity/selector.", PodnetCli.Run("run", dir).Out, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void DeploymentAndSelector_MeanEveryPodOfIt_AsPodByPodReachSays()
    {
        // Seed 000's experiment: from any replica of my-deployment, the Service my-app answers; without the DNS rules
        // on the cluster security group no replica resolves it.
        var dir = Directory.CreateTempSubdirectory("podnet-reach-").FullName;
        try
        {
            foreach (var file in Directory.GetFiles(Example("security-groups-for-pods"), "*.yaml"))
            {
                File.Copy(file, Path.Combine(dir, Path.GetFileName(file)));
            }

            var pods = PodsNamed(dir, "my-namespace/my-deployment-");
            Assert.Equal(4, pods.Count);
            var summary = $"is 4 pods ({string.Join(", ", pods)}); 4 of 4 connections allowed";
            var (exit, output, error) = PodnetCli.Run("reach", dir, "deploy/my-namespace/my-deployment", "svc/my-namespace/my-app", "80");
            Assert.Equal((0, string.Empty), (exit, error));
            Assert.StartsWith($"ALLOWED\n  ok    pods: deploy/my-namespace/my-deployment {summary}\n  ok    {pods[0]} -> svc/my-namespace/my-app: dns: resolver: dnsPolicy ClusterFirst: nameserver 10.100.0.10 (kube-dns's ClusterIP)\n  ok    {pods[0]} -> svc/my-namespace/my-app: dns: egress: ", output, StringComparison.Ordinal);
            Assert.All(pods, pod => Assert.Equal(0, PodnetCli.Run("reach", dir, pod, "svc/my-namespace/my-app", "80").Exit));

            // The same pods by their label, the way kubectl get -l names them: the same steps, another name.
            var bySelector = PodnetCli.Run("reach", dir, "my-namespace/role=my-role", "svc/my-namespace/my-app", "80");
            Assert.Equal((0, output.Replace("pods: deploy/my-namespace/my-deployment is", "pods: my-namespace/role=my-role is", StringComparison.Ordinal)), (bySelector.Exit, bySelector.Out));

            var app = File.ReadAllText(Path.Combine(dir, "app.yaml"));
            File.WriteAllText(Path.Combine(dir, "app.yaml"), string.Join("---\n", app.Split("---\n").Where(d => !d.Contains("kind: SecurityGroupIngress", StringComparison.Ordinal))));
            var (deniedExit, denied, _) = PodnetCli.Run("reach", dir, "deploy/my-namespace/my-deployment", "svc/my-namespace/my-app", "80");
            Assert.Equal(1, deniedExit);
            Assert.StartsWith($"DENIED\n  FAIL  pods: deploy/my-namespace/my-deployment is 4 pods ({string.Join(", ", pods)}); 0 of 4 connections allowed\n", denied, StringComparison.Ordinal);
            Assert.Contains($"  FAIL  {pods[3]} -> svc/my-namespace/my-app: dns: the DNS query (UDP/53) to CoreDNS is denied: my-app.my-namespace.svc.cluster.local does not resolve\n", denied, StringComparison.Ordinal);
            Assert.All(pods, pod => Assert.Equal(1, PodnetCli.Run("reach", dir, pod, "svc/my-namespace/my-app", "80").Exit));

            // A workload that is not there, a selector that matches nothing or does not parse: errors, not verdicts.
            Assert.Equal((2, $"error: {dir}: FROM \"deploy/my-namespace/nope\": deployments.apps \"nope\" not found in namespace my-namespace\n"), Errors(PodnetCli.Run("reach", dir, "deploy/my-namespace/nope", "8.8.8.8", "443")));
            Assert.Equal((2, $"error: {dir}: TO \"my-namespace/app=none\": no pod in namespace my-namespace matches app=none\n"), Errors(PodnetCli.Run("reach", dir, pods[0], "my-namespace/app=none", "80")));
            Assert.Equal((2, $"error: {dir}: FROM \"my-namespace/role in (\": unable to parse requirement: found '', expected: ',', ')' or identifier\n"), Errors(PodnetCli.Run("reach", dir, "my-namespace/role in (", "8.8.8.8", "443")));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void DaemonSetAndStatefulSet_InAPolicyOnlyWorld_AndTestTakesTheSameNames()
    {
        // A dump of a real cluster: the workloads and their pods as kubectl get -o yaml prints them.
        var dir = Directory.CreateTempSubdirectory("podnet-reach-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(dir, "world.yaml"), """
                apiVersion: apps/v1
                kind: StatefulSet
                metadata: {name: db, namespace: default}
                spec:
                  serviceName: db
                  selector: {matchLabels: {app: db}}
                  template:
                    metadata: {labels: {app: db}}
                    spec: {containers: [{name: postgres, image: postgres, ports: [{containerPort: 5432}]}]}
                ---
                apiVersion: apps/v1
                kind: DaemonSet
                metadata: {name: agent, namespace: default}
                spec:
                  selector: {matchLabels: {app: agent}}
                  template:
                    metadata: {labels: {app: agent}}
                    spec: {containers: [{name: agent, image: agent}]}
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: db-0, namespace: default, labels: {app: db}}
                spec: {containers: [{name: postgres, image: postgres, ports: [{containerPort: 5432}]}]}
                status: {podIP: 10.0.0.10}
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: db-1, namespace: default, labels: {app: db}}
                spec: {containers: [{name: postgres, image: postgres, ports: [{containerPort: 5432}]}]}
                status: {podIP: 10.0.0.11}
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: agent-x7k2p, namespace: default, labels: {app: agent}}
                spec: {containers: [{name: agent, image: agent}]}
                status: {podIP: 10.0.0.20}
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: web, namespace: default, labels: {app: web}}
                spec: {containers: [{name: web, image: nginx}]}
                status: {podIP: 10.0.0.30}
                ---
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: db-from-agents, namespace: default}
                spec:
                  podSelector: {matchLabels: {app: db}}
                  ingress: [{from: [{podSelector: {matchLabels: {app: agent}}}], ports: [{port: 5432}]}]
                """);
            var world = Path.Combine(dir, "world.yaml");
            var (exit, output, _) = PodnetCli.Run("reach", world, "ds/default/agent", "sts/default/db", "5432");
            Assert.Equal(0, exit);
            Assert.StartsWith("ALLOWED\n  ok    pods: ds/default/agent is 1 pod (default/agent-x7k2p); sts/default/db is 2 pods (default/db-0, default/db-1); 2 of 2 connections allowed\n  ok    default/agent-x7k2p -> default/db-0: networkpolicy: ", output, StringComparison.Ordinal);
            Assert.Equal(1, PodnetCli.Run("reach", world, "default/app=web", "statefulset/default/db", "5432").Exit);
            Assert.Equal(1, PodnetCli.Run("reach", world, "default/app in (web,agent)", "sts/default/db", "5432").Exit);

            File.WriteAllText(Path.Combine(dir, "expected.tsv"), """
                ds/default/agent	sts/default/db	TCP/5432	allowed
                daemonsets/default/agent	default/app=db	TCP/5432	allowed
                default/app=web	sts/default/db	TCP/5432	denied
                default/web	default/db-1	TCP/5432	denied
                sts/default/db	default/app=web	TCP/80	allowed

                """);
            Assert.Equal((0, "5 passed, 0 failed\n", string.Empty), PodnetCli.Run("test", world, Path.Combine(dir, "expected.tsv")));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void ClusterIpAsTo_ReachPrintsKubeProxysTranslation_AndTestTablesTakeIt()
    {
        var loaded = ExampleWorlds.Load("hello-eks");
        var store = loaded.ControlPlane.Store;
        var clusterIp = store.TryGet(store.Resources.For("v1", "Service"), "shop", "web")!.GetString("spec.clusterIP")!;
        var web = store.List("v1", "Pod", "shop").Items.Select(p => Podnet.Kube.Views.PodView.Of(p)).Where(p => p.PodIP is not null).OrderBy(p => p.Name, StringComparer.Ordinal).First();
        var world = Example("hello-eks");

        var (exit, output, error) = PodnetCli.Run("reach", world, $"shop/{web.Name}", clusterIp, "80");
        Assert.Equal((0, string.Empty), (exit, error));
        Assert.StartsWith($"ALLOWED\n  ok    service: {clusterIp} is the ClusterIP of Service shop/web: kube-proxy on {web.NodeName} translates it (DNAT, rule \"shop/web:http cluster IP\") to a ready endpoint\n  ok    service: {clusterIp}:80 → shop/", output, StringComparison.Ordinal);
        Assert.DoesNotContain("  route: ", output, StringComparison.Ordinal);

        var (closedExit, closed, _) = PodnetCli.Run("reach", world, $"shop/{web.Name}", clusterIp, "81");
        Assert.Equal(1, closedExit);
        Assert.Equal($"DENIED\n  FAIL  service: {clusterIp} is the ClusterIP of Service shop/web, which has no port TCP/81: kube-proxy (iptables mode) has no rule for {clusterIp} TCP/81, so nothing translates it and nothing answers\n", closed);

        var dir = Directory.CreateTempSubdirectory("podnet-clusterip-").FullName;
        try
        {
            var table = Path.Combine(dir, "expected.tsv");
            File.WriteAllText(table, $"shop/{web.Name}\t{clusterIp}\tTCP/80\tallowed\nshop/app=web\t{clusterIp}\tTCP/80\tallowed\nshop/{web.Name}\t{clusterIp}\tTCP/81\tdenied\nshop/{web.Name}\t10.100.255.254\tTCP/443\tdenied\n");
            Assert.Equal((0, "4 passed, 0 failed\n", string.Empty), PodnetCli.Run("test", world, table));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void InternalTrafficPolicyLocal_ReachPrintsTheLocalEndpoint_OrKubeProxysDrop_AndTestTablesAgree()
    {
        var dir = Directory.CreateTempSubdirectory("podnet-itp-").FullName;
        try
        {
            foreach (var file in Directory.GetFiles(Example("hello-eks"), "*.yaml"))
            {
                File.Copy(file, Path.Combine(dir, Path.GetFileName(file)));
            }

            File.WriteAllText(Path.Combine(dir, "dns-local.yaml"), Podnet.Tests.Policy.ServiceTrafficPolicyTests.DnsService("Local"));
            var items = System.Text.Json.Nodes.JsonNode.Parse(PodnetCli.Run("run", dir, "-o", "json").Out)!["kubernetes"]!["items"]!.AsArray().Select(i => i!).ToList();
            var clusterIp = items.Single(i => i["kind"]!.GetValue<string>() == "Service" && i["metadata"]!["name"]!.GetValue<string>() == "dns-local")["spec"]!["clusterIP"]!.GetValue<string>();
            var pods = items.Where(i => i["kind"]!.GetValue<string>() == "Pod" && i["spec"]!["nodeName"] is not null)
                .Select(i => (Name: $"{i["metadata"]!["namespace"]}/{i["metadata"]!["name"]}", Node: i["spec"]!["nodeName"]!.GetValue<string>()))
                .OrderBy(p => p.Name, StringComparer.Ordinal).ToList();
            var dns = pods.Where(p => p.Name.StartsWith("kube-system/coredns-", StringComparison.Ordinal)).ToList();
            var near = pods.First(p => p.Name.StartsWith("shop/web-", StringComparison.Ordinal) && dns.Any(d => d.Node == p.Node));
            var lonely = pods.First(p => p.Name.StartsWith("shop/web-", StringComparison.Ordinal) && dns.All(d => d.Node != p.Node));
            var (local, other) = (dns.Single(d => d.Node == near.Node), dns.Single(d => d.Node != near.Node));

            var (exit, output, error) = PodnetCli.Run("reach", dir, near.Name, "svc/kube-system/dns-local", "53/udp");
            Assert.Equal((0, string.Empty), (exit, error));
            Assert.Contains($"\n  ok    service: Service kube-system/dns-local has internalTrafficPolicy Local: kube-proxy on {near.Node} sends {clusterIp} UDP/53 only to its ready endpoints on {near.Node}: {local.Name}; not {other.Name} on {other.Node}\n  ok    service: {clusterIp}:53 → {local.Name} ", output, StringComparison.Ordinal);
            Assert.DoesNotContain($"→ {other.Name} ", output, StringComparison.Ordinal);

            var (droppedExit, dropped, _) = PodnetCli.Run("reach", dir, lonely.Name, clusterIp, "53/udp");
            Assert.Equal(1, droppedExit);
            var elsewhere = string.Join(", ", dns.Select(d => $"{d.Name} on {d.Node}"));
            Assert.Equal($"DENIED\n  FAIL  service: {clusterIp} is the ClusterIP of Service kube-system/dns-local, whose internalTrafficPolicy is Local, and none of its ready endpoints is on {lonely.Node} ({elsewhere}): kube-proxy's filter rule \"kube-system/dns-local:dns has no local endpoints\" drops {clusterIp} UDP/53 (DROP, not REJECT): nothing answers, the connection times out\n", dropped);

            var table = Path.Combine(dir, "expected.tsv");
            File.WriteAllText(table, $"{near.Name}\tsvc/kube-system/dns-local\tUDP/53\tallowed\n{lonely.Name}\tsvc/kube-system/dns-local\tUDP/53\tdenied\n{near.Name}\t{clusterIp}\tUDP/53\tallowed\n{lonely.Name}\t{clusterIp}\tUDP/53\tdenied\nshop/app=web\tsvc/kube-system/dns-local\tUDP/53\tdenied\n");
            Assert.Equal((0, "5 passed, 0 failed\n", string.Empty), PodnetCli.Run("test", dir, table));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static (int Exit, string Err) Errors((int Exit, string Out, string Err) run) => (run.Exit, run.Err);

    /// <summary>The pods whose namespace/name starts with <paramref name="prefix"/>, as run -o json lists them, sorted.</summary>
    private static List<string> PodsNamed(string world, string prefix)
        => [.. System.Text.Json.Nodes.JsonNode.Parse(PodnetCli.Run("run", world, "-o", "json").Out)!["kubernetes"]!["items"]!.AsArray()
            .Where(i => i!["kind"]!.GetValue<string>() == "Pod")
            .Select(i => $"{i!["metadata"]!["namespace"]}/{i["metadata"]!["name"]}")
            .Where(n => n.StartsWith(prefix, StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)];
}
