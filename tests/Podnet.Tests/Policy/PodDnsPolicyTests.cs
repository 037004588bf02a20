using Podnet.Kube.Views;
using Podnet.Policy;
using Podnet.Tests.TestSupport;
using Podnet.World.Shell;

namespace Podnet.Tests.Policy;

/// <summary>
/// Issue 11: the DNS step of <c>svc/NAMESPACE/NAME</c> asks the pod's nameservers as the kubelet writes them for its
/// <c>dnsPolicy</c> (kubernetes/kubernetes pkg/kubelet/network/dns/dns.go <c>getPodDNSType</c>, <c>GetPodDNS</c>):
/// ClusterFirst the cluster DNS, Default the node's resolver (the VPC's Route 53 Resolver, which has no
/// <c>cluster.local</c>), ClusterFirstWithHostNet the cluster DNS on the host network too, ClusterFirst on the host
/// network falls back to Default, None only <c>spec.dnsConfig.nameservers</c>. The emulated shell's resolver takes the
/// same decision. The world is examples/hello-eks (VPC 192.168.0.0/16, kube-dns at 10.100.0.10) with one client pod per case.
/// </summary>
public class PodDnsPolicyTests
{
    private const string Busybox = "public.ecr.aws/docker/library/busybox:1.36";

    /// <summary>A client pod in shop with <paramref name="spec"/> (flow-style YAML fields) besides its container.</summary>
    internal static string Client(string name, string spec) => $$"""
        apiVersion: v1
        kind: Pod
        metadata: {name: {{name}}, namespace: shop}
        spec:
          {{spec}}
          containers: [{name: c, image: {{Busybox}}}]
        """;

    private static readonly Podnet.World.World World = ExampleWorlds.Load(
        "hello-eks",
        null,
        Client("cluster-first", "dnsPolicy: ClusterFirst"),
        Client("dns-default", "dnsPolicy: Default"),
        Client("host-cluster-first", "hostNetwork: true"),
        Client("host-with-host-net", "hostNetwork: true\n  dnsPolicy: ClusterFirstWithHostNet"),
        Client("none-kube-dns", "dnsPolicy: None\n  dnsConfig: {nameservers: [10.100.0.10]}"),
        Client("none-silent-first", "dnsPolicy: None\n  dnsConfig: {nameservers: [192.168.250.250, 10.100.0.10]}"),
        Client("none-public", "dnsPolicy: None\n  dnsConfig: {nameservers: [8.8.8.8]}"),
        Client("none-public-first", "dnsPolicy: None\n  dnsConfig: {nameservers: [8.8.8.8, 10.100.0.10]}"));

    private static string Text(ReachResult result) => string.Join("\n", result.Hops.Select(h => $"{h.Step} {h.Allowed} {h.Detail}"));

    private static ReachResult Reach(string pod) => new Reachability(World).Evaluate($"shop/{pod}", "svc/shop/web", "80");

    private static string ClusterIp => World.ControlPlane.Store.Get("v1", "Service", "shop", "web").GetString("spec.clusterIP")!;

    private static ExecResult Nslookup(string pod) => new PodShell(World, "shop", pod).Exec(["nslookup", "web"]);

    [Fact]
    public void ClusterFirst_AsksKubeDns_AndTheNameResolves()
    {
        var result = Reach("cluster-first");

        Assert.True(result.Allowed, Text(result));
        Assert.Equal(new Hop("dns: resolver", true, "dnsPolicy ClusterFirst: nameserver 10.100.0.10 (kube-dns's ClusterIP)"), result.Hops[0]);
        Assert.Contains(new Hop("dns", true, $"web.shop.svc.cluster.local resolves to {ClusterIp} (kube-dns)"), result.Hops);
        var shell = Nslookup("cluster-first");
        Assert.Equal(($"Server:\t\t10.100.0.10\nAddress:\t10.100.0.10#53\n\nName:\tweb.shop.svc.cluster.local\nAddress: {ClusterIp}\n\n", 0), (shell.Stdout, shell.ExitCode));
    }

    [Fact]
    public void Default_AsksTheVpcResolver_WhichHasNoClusterDomain_TheNameDoesNotResolve()
    {
        var result = Reach("dns-default");

        Assert.False(result.Allowed);
        Assert.Equal(new Hop("dns: resolver", true, "dnsPolicy Default: nameserver 192.168.0.2 (the VPC's Route 53 Resolver, its primary CIDR block + 2, not the cluster's DNS)"), result.Hops[0]);
        Assert.Equal(new Hop("dns", false, "192.168.0.2, the VPC's Route 53 Resolver, answers NXDOMAIN: it does not serve the cluster's domain cluster.local (only CoreDNS does), so web.shop.svc.cluster.local does not resolve"), result.Hops[^1]);
        Assert.DoesNotContain(result.Hops, h => h.Detail.Contains("coredns", StringComparison.Ordinal) || h.Step == "service");

        // The shell's resolver: the VPC's resolver in resolv.conf, and its NXDOMAIN.
        var shell = Nslookup("dns-default");
        Assert.Equal(("Server:\t\t192.168.0.2\nAddress:\t192.168.0.2#53\n\n** server can't find web: NXDOMAIN\n\n", 1), (shell.Stdout, shell.ExitCode));
        var curl = new PodShell(World, "shop", "dns-default").Exec(["curl", "-sS", "web"]);
        Assert.Equal(("curl: (6) Could not resolve host: web\n", 6), (curl.Stderr, curl.ExitCode));
        var resolvConf = new PodShell(World, "shop", "dns-default").Exec(["cat", "/etc/resolv.conf"]);
        Assert.Equal("search us-west-2.compute.internal\nnameserver 192.168.0.2\n", resolvConf.Stdout);
    }

    [Fact]
    public void ClusterFirstWithHostNet_OnAHostNetworkPod_AsksKubeDns()
    {
        var pod = PodView.Of(World.ControlPlane.Store.Get("v1", "Pod", "shop", "host-with-host-net"));
        Assert.True(pod.HostNetwork);

        var result = Reach("host-with-host-net");

        Assert.True(result.Allowed, Text(result));
        Assert.Equal(new Hop("dns: resolver", true, "dnsPolicy ClusterFirstWithHostNet (the cluster DNS, on the host network too): nameserver 10.100.0.10 (kube-dns's ClusterIP)"), result.Hops[0]);
        Assert.Contains(new Hop("dns", true, $"web.shop.svc.cluster.local resolves to {ClusterIp} (kube-dns)"), result.Hops);
        Assert.Equal(0, Nslookup("host-with-host-net").ExitCode);
    }

    [Fact]
    public void ClusterFirst_OnAHostNetworkPod_FallsBackToDefault_TheNameDoesNotResolve()
    {
        var result = Reach("host-cluster-first");

        Assert.False(result.Allowed);
        Assert.Equal(new Hop("dns: resolver", true, "dnsPolicy ClusterFirst on the host network (the kubelet falls back to Default): nameserver 192.168.0.2 (the VPC's Route 53 Resolver, its primary CIDR block + 2, not the cluster's DNS)"), result.Hops[0]);
        // The query to the resolver passes no security group (an AWS-reserved address), and the resolver knows no cluster.local.
        Assert.Equal(new Hop("dns: securitygroups", true, "192.168.0.2 is the VPC's Amazon-provided DNS server, an AWS-reserved address: security groups do not filter traffic to it"), result.Hops[1]);
        Assert.Equal(new Hop("dns", false, "192.168.0.2, the VPC's Route 53 Resolver, answers NXDOMAIN: it does not serve the cluster's domain cluster.local (only CoreDNS does), so web.shop.svc.cluster.local does not resolve"), result.Hops[^1]);
        Assert.Equal(1, Nslookup("host-cluster-first").ExitCode);
        Assert.Contains("** server can't find web: NXDOMAIN", Nslookup("host-cluster-first").Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void None_WithKubeDnsAsItsNameserver_BehavesAsClusterFirst()
    {
        var result = Reach("none-kube-dns");

        Assert.True(result.Allowed, Text(result));
        Assert.Equal(new Hop("dns: resolver", true, "dnsPolicy None: nameserver 10.100.0.10 (kube-dns's ClusterIP)"), result.Hops[0]);
        Assert.Contains(new Hop("dns", true, $"web.shop.svc.cluster.local resolves to {ClusterIp} (kube-dns)"), result.Hops);

        // resolv.conf holds dnsConfig alone: no search list, no ndots, so "web" is asked as given and does not exist.
        var shell = new PodShell(World, "shop", "none-kube-dns");
        Assert.Equal("nameserver 10.100.0.10\n", shell.Exec(["cat", "/etc/resolv.conf"]).Stdout);
        Assert.Equal(1, shell.Exec(["nslookup", "web"]).ExitCode);
        var fqdn = shell.Exec(["nslookup", "web.shop.svc.cluster.local"]);
        Assert.Equal((0, $"Address: {ClusterIp}\n\n"), (fqdn.ExitCode, fqdn.Stdout[fqdn.Stdout.LastIndexOf("Address: ", StringComparison.Ordinal)..]));
    }

    [Fact]
    public void None_AFirstNameserverThatNeverAnswers_IsPassedOver_ForKubeDns()
    {
        // glibc moves to the next nameserver only when one does not answer: 192.168.250.250 holds no interface.
        var result = Reach("none-silent-first");

        Assert.True(result.Allowed, Text(result));
        Assert.Equal(new Hop("dns: resolver", true, "dnsPolicy None: nameserver 192.168.250.250 (not the cluster's DNS), 10.100.0.10 (kube-dns's ClusterIP)"), result.Hops[0]);
        Assert.Contains(new Hop("dns", false, "192.168.250.250 (192.168.250.250) is not the cluster's DNS and no DNS server Podnet knows listens there: the query gets no answer"), result.Hops);
        Assert.Contains(new Hop("dns", true, $"web.shop.svc.cluster.local resolves to {ClusterIp} (kube-dns)"), result.Hops);
    }

    [Fact]
    public void None_WithoutAClusterNameserver_TheNameDoesNotResolve()
    {
        var result = Reach("none-public");

        Assert.False(result.Allowed);
        Assert.Equal(new Hop("dns: resolver", true, "dnsPolicy None: nameserver 8.8.8.8 (not the cluster's DNS)"), result.Hops[0]);
        Assert.Contains(result.Hops, h => h.Step == "dns: route" && h.Allowed && h.Detail.Contains("igw-", StringComparison.Ordinal));
        Assert.Equal(new Hop("dns", false, "8.8.8.8, outside the cluster and the VPC, answers NXDOMAIN: it does not serve the cluster's domain cluster.local (only CoreDNS does), so web.shop.svc.cluster.local does not resolve"), result.Hops[^1]);
        Assert.Equal(1, new PodShell(World, "shop", "none-public").Exec(["nslookup", "web.shop.svc.cluster.local"]).ExitCode);
    }

    [Fact]
    public void None_AnOutsideNameserverFirst_AnswersNxdomain_AndKubeDnsAfterItIsNotAsked()
    {
        // An NXDOMAIN is an answer: glibc does not ask the next nameserver for it (res_send moves on only on no reply,
        // SERVFAIL, NOTIMP or REFUSED).
        var result = Reach("none-public-first");

        Assert.False(result.Allowed);
        Assert.Equal(new Hop("dns: resolver", true, "dnsPolicy None: nameserver 8.8.8.8 (not the cluster's DNS), 10.100.0.10 (kube-dns's ClusterIP)"), result.Hops[0]);
        Assert.DoesNotContain(result.Hops, h => h.Detail.Contains("coredns", StringComparison.Ordinal));
        Assert.Contains("8.8.8.8, outside the cluster and the VPC, answers NXDOMAIN", result.Hops[^1].Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void ReachAndTheShell_TakeOneDecision_ForEveryPolicy()
    {
        foreach (var pod in new[] { "cluster-first", "dns-default", "host-cluster-first", "host-with-host-net", "none-kube-dns", "none-silent-first", "none-public", "none-public-first" })
        {
            var reach = Reach(pod);
            var shell = new PodShell(World, "shop", pod).Exec(["nslookup", "web.shop.svc.cluster.local"]);
            Assert.True(reach.Allowed == (shell.ExitCode == 0), $"{pod}: reach {reach.Allowed}, nslookup {shell.ExitCode}\n{Text(reach)}\n{shell.Explanation}");
            Assert.Equal(
                reach.Hops.Where(h => h.Step.StartsWith("dns", StringComparison.Ordinal)).Select(h => $"{(h.Allowed ? '+' : '-')} {h.Step}: {h.Detail}\n"),
                shell.Explanation.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l + "\n"));
        }
    }

    [Fact]
    public void ServiceName_FromAnAddressInTheVpc_AsksTheVpcsResolver_TheNameDoesNotResolve_ItsClusterIpKeepsItsVerdict()
    {
        // An EC2 instance that is not a node (a bastion, a Lambda function's interface) asks the resolver the VPC's DHCP
        // options give it, the Amazon-provided DNS at the VPC's base + 2, which has no cluster.local.
        var vpc = Assert.Single(World.Cloud!.Ec2View.DescribeVpcs());
        var reach = new Reachability(World);

        var byName = reach.Evaluate("192.168.64.200", "svc/shop/web", "80");

        Assert.False(byName.Allowed);
        Assert.Equal(
            [
                new Hop("dns: resolver", true, $"192.168.64.200 is not a pod: an address of {vpc.VpcId} (192.168.0.0/16) asks the nameserver its own /etc/resolv.conf names: nameserver 192.168.0.2 (the Amazon-provided DNS of {vpc.VpcId}, its primary CIDR block + 2, not the cluster's DNS)"),
                new Hop("dns: securitygroups", true, "192.168.0.2 is the VPC's Amazon-provided DNS server, an AWS-reserved address: security groups do not filter traffic to it"),
                new Hop("dns", false, "192.168.0.2, the VPC's Route 53 Resolver, answers NXDOMAIN: it does not serve the cluster's domain cluster.local (only CoreDNS does), so web.shop.svc.cluster.local does not resolve"),
            ],
            byName.Hops);

        // The ClusterIP given as an address: as before, no kube-proxy handles an address on no node.
        var byAddress = reach.Evaluate("192.168.64.200", ClusterIp, "80");
        Assert.False(byAddress.Allowed);
        Assert.Equal([new Hop("service", false, $"{ClusterIp} is the ClusterIP of Service shop/web, which only kube-proxy on a node of the cluster translates: 192.168.64.200 is on no node, so nothing translates it and nothing answers")], byAddress.Hops);
    }

    [Fact]
    public void ServiceName_FromAnAddressOutsideEveryVpc_AsksAResolverOutsideTheCluster_TheNameDoesNotResolve()
    {
        var reach = new Reachability(World);

        var byName = reach.Evaluate("203.0.113.7", "svc/shop/web", "80");

        Assert.False(byName.Allowed);
        Assert.Equal(
            [
                new Hop("dns: resolver", true, "203.0.113.7 is not a pod and is outside every VPC of the world: it asks the nameserver its own /etc/resolv.conf names, a resolver outside the cluster and the VPC, not the cluster's DNS"),
                new Hop("dns", false, "203.0.113.7's resolver, outside the cluster and the VPC, answers NXDOMAIN: it does not serve the cluster's domain cluster.local (only CoreDNS does), so web.shop.svc.cluster.local does not resolve"),
            ],
            byName.Hops);
        Assert.Equal([new Hop("service", false, $"{ClusterIp} is the ClusterIP of Service shop/web, which only kube-proxy on a node of the cluster translates: 203.0.113.7 is on no node, so nothing translates it and nothing answers")], reach.Evaluate("203.0.113.7", ClusterIp, "80").Hops);
    }

    [Fact]
    public void ServiceName_FromAnAddress_InAPolicyOnlyWorld_IsStillAQueryToCoreDns()
    {
        // No VPC and no kubelet writing resolv.conf: an address's query is judged to CoreDNS behind kube-dns, as before.
        var world = Podnet.World.WorldLoader.Load([new Podnet.World.WorldSource("policy-only.yaml", """
            apiVersion: v1
            kind: Namespace
            metadata: {name: shop}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: coredns-a, namespace: kube-system, labels: {k8s-app: kube-dns}}
            spec: {containers: [{name: coredns, image: coredns}]}
            status: {phase: Running, podIP: 10.0.0.53, conditions: [{type: Ready, status: "True"}]}
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: kube-dns, namespace: kube-system}
            spec: {clusterIP: 10.100.0.10, selector: {k8s-app: kube-dns}, ports: [{name: dns, port: 53, protocol: UDP}]}
            ---
            apiVersion: v1
            kind: Endpoints
            metadata: {name: kube-dns, namespace: kube-system}
            subsets: [{addresses: [{ip: 10.0.0.53}], ports: [{name: dns, port: 53, protocol: UDP}]}]
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: web, namespace: shop}
            spec: {clusterIP: 10.100.0.80, selector: {app: web}, ports: [{port: 80}]}
            """)]);
        Assert.True(world.IsPolicyOnly);

        var result = new Reachability(world).Evaluate("10.1.2.3", "svc/shop/web", "80");

        Assert.DoesNotContain(result.Hops, h => h.Step == "dns: resolver");
        Assert.True(result.Hops.Contains(new Hop("dns", true, "web.shop.svc.cluster.local resolves to 10.100.0.80 (kube-dns)")), Text(result));
    }
}
