using Podnet.Kube.Views;
using Podnet.Net;
using Podnet.Policy;
using Podnet.Policy.NetworkPolicies;

namespace Podnet.Lint;

/// <summary>
/// Seed 004's advice about its default-deny policies: "best not to apply it to the kube-system namespace, because it
/// can affect the cluster's functions". A NetworkPolicy that isolates CoreDNS is judged like any other; when it
/// leaves CoreDNS unable to ask its upstream (the VPC's Amazon-provided resolver, the VPC's base address + 2, which
/// CoreDNS forwards to through the node's /etc/resolv.conf) or pods' names unresolved, the policies that isolate it
/// are reported, with the connection reach decides and the rules that would keep DNS working. Whether pods' names
/// resolve is <c>reach</c>'s DNS step (<see cref="Reachability.Resolve"/>), asked for one pod per group that
/// <see cref="Reachability.DnsSituations"/> makes (node, namespace and labels, dnsPolicy, enforcing mode…), so lint
/// and reach never disagree: a pod's own query refused by CoreDNS's ingress (UDP/53) is fixed by a
/// <c>namespaceSelector: {}</c> rule; NodeLocal DNSCache's query (TCP/53 from the node's host network, through the
/// ClusterIP of its upstream Service) is matched by no pod or namespace selector — NetworkPolicy sees host-network
/// traffic only as its address — so its fix is an <c>ipBlock</c> with the CIDRs of the nodes' subnets (what the
/// NodeLocal DNSCache pull request's reviewers found, kubernetes/kubernetes#70555). Under the VPC CNI's network policy
/// agent and under Calico a cache's query to the CoreDNS pod on its own node passes whatever the policies say (reach's
/// own-node allow), so only pods whose node runs no CoreDNS pod are named; the fix's ipBlocks still cover the nodes whose
/// cache kube-proxy may send to another, refusing CoreDNS pod.
/// </summary>
public sealed class KubeSystemDnsIsolated : ILintCheck
{
    public const string Id = "kube-system-dns-isolated";

    // Without a VPC (a policy-only world) the upstream is "some resolver outside the cluster": a documentation address.
    private const string SomeUpstreamResolver = "203.0.113.53";

    /// <summary>The name asked: the API server's Service, which every cluster has.</summary>
    private const string ClusterName = "kubernetes.default.svc.cluster.local";

    /// <summary>How many pods a finding names before "and N more".</summary>
    private const int NamedPods = 3;

    public IEnumerable<LintFinding> Check(LintContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Enforcer is null)
        {
            yield break;
        }

        var coreDns = context.Pods.FirstOrDefault(p => p.Namespace == "kube-system" && p.Object.Labels.GetValueOrDefault("k8s-app") == "kube-dns" && p.PodIP is not null && !p.HostNetwork);
        if (coreDns is null)
        {
            yield break;
        }

        var namespaceLabels = PolicyPeer.LabelsByNamespace(context.Store.List("v1", "Namespace").Items);
        var dnsPeer = PolicyPeer.FromPod(coreDns.Object, PolicyPeer.LabelsOfNamespace(namespaceLabels, "kube-system"));
        var isolating = context.NetworkPolicies.Where(p => p.Namespace == "kube-system")
            .Select(p => NetworkPolicyCompiler.Compile(p, []))
            .Where(p => p.Selects(dnsPeer))
            .ToList();
        var dns = $"kube-system/{coreDns.Name}";

        var upstream = Upstream(context);
        if (isolating.Where(p => p.IsolatesEgress).ToList() is { Count: > 0 } egress
            && Denial(context.Reachability.Evaluate(dns, upstream, "53/udp")) is { } egressDenied)
        {
            yield return Finding(
                egress,
                $"CoreDNS cannot ask its upstream resolver: {egressDenied.Detail}; names outside the cluster do not resolve, for every pod",
                $"allow egress from `k8s-app: kube-dns` on UDP and TCP 53 to the VPC resolver ({upstream}/32) in a policy of kube-system");
        }

        if (isolating.Where(p => p.IsolatesIngress).ToList() is not { Count: > 0 } ingress)
        {
            yield break;
        }

        var (direct, cache, partly) = PodQueries(context, dns, namespaceLabels);
        if (direct is not null)
        {
            yield return Finding(
                ingress,
                $"pods cannot ask CoreDNS: {direct}; Service names do not resolve (pod IPs still work)",
                "allow ingress to `k8s-app: kube-dns` on UDP and TCP 53 from every namespace (`from: [{namespaceSelector: {}}]`) in a policy of kube-system");
        }

        if (cache.Count == 0 && partly.Count == 0)
        {
            yield break;
        }

        var ownNode = context.Enforcer switch
        {
            NetworkPolicyEnforcer.VpcCni => " (the network policy agent lets a node's own address in only to the CoreDNS pods on that node)",
            NetworkPolicyEnforcer.Calico => " (Calico lets a node's host network in only to the CoreDNS pods on that node)",
            _ => string.Empty,
        };
        var blocks = NodeCidrs(context, cache.Select(c => c.Pod.NodeName).Concat(partly.Select(p => p.Pod.NodeName)).OfType<string>());
        var fix = $"allow ingress to `k8s-app: kube-dns` on UDP and TCP 53 from the nodes' addresses in a policy of kube-system — NetworkPolicy matches the host network only by ipBlock: `from: [{string.Join(", ", blocks.Select(b => $"{{ipBlock: {{cidr: {b.Cidr}}}}}"))}]` ({string.Join(", ", blocks.Select(b => b.What))}) with `ports: [{{protocol: UDP, port: 53}}, {{protocol: TCP, port: 53}}]`";
        if (cache.Count > 0)
        {
            yield return Finding(
                ingress,
                $"NodeLocal DNSCache cannot ask CoreDNS: {cache[0].Detail}; the cache asks from its node's host network, which no podSelector or namespaceSelector matches{ownNode}, so Service names do not resolve for pods that use it ({Names(cache.Select(c => c.Pod).ToList())}; pod IPs still work)",
                fix);
        }
        else
        {
            // Every cache resolves, but only through the CoreDNS pods that admit it: reach's partial answer.
            var (_, partial, denied) = partly[0];
            var share = (int)Math.Round(100 * partial.Unanswered, MidpointRounding.AwayFromZero);
            yield return Finding(
                ingress,
                $"NodeLocal DNSCache cannot ask every CoreDNS pod: {denied.Detail}; the cache asks from its node's host network, which no podSelector or namespaceSelector matches{ownNode}, so kube-proxy sends about {share}% of the cache's connections to a CoreDNS pod that refuses them: Service names resolve slowly, and now and then fail, for pods that use it ({Names(partly.Select(p => p.Pod).ToList())})",
                fix);
        }
    }

    /// <summary>Up to <see cref="NamedPods"/> pods as <c>namespace/name</c>, then "and N more".</summary>
    private static string Names(List<PodView> pods)
        => string.Join(", ", pods.Take(NamedPods).Select(p => $"{p.Namespace}/{p.Name}"))
           + (pods.Count > NamedPods ? $" and {pods.Count - NamedPods} more" : string.Empty);

    /// <summary>
    /// Reach's DNS step for one pod per DNS situation (pods outside kube-system, with an address, not on the host
    /// network): the first refusal of a pod's own query by CoreDNS's ingress (the NetworkPolicy hop's text), and every
    /// pod whose NodeLocal DNSCache's query a NetworkPolicy refused, with that hop's text. The hops are told apart by
    /// their <see cref="Hop.Kind"/>, <see cref="Hop.From"/> and <see cref="Hop.To"/>, never by their words. A query
    /// refused by the pod's own egress policies is not kube-system's doing and is not counted. Partly: the nodes whose
    /// cache resolved, but with some CoreDNS pod kube-proxy may send its query to refusing it by a NetworkPolicy
    /// (<see cref="DnsResolution.Partial"/>, reach's own decision; under the VPC CNI's network policy agent or Calico,
    /// only the CoreDNS pod on the cache's own node admits it): on EKS the queries sent there time out, so the fix's
    /// ipBlocks cover those nodes too. In a world without the kube-dns Service the first pod's connection to CoreDNS
    /// (<paramref name="dns"/>) is judged instead.
    /// </summary>
    private static (string? Direct, List<(PodView Pod, string Detail)> Cache, List<(PodView Pod, DnsPartialAnswer Partial, Hop Denied)> Partly) PodQueries(LintContext context, string dns, Dictionary<string, IReadOnlyDictionary<string, string>> namespaceLabels)
    {
        var clients = context.Pods.Where(p => p.Namespace != "kube-system" && p.PodIP is not null && !p.HostNetwork).ToList();
        string? direct = null;
        var cache = new List<(PodView Pod, string Detail)>();
        var partly = new List<(PodView Pod, DnsPartialAnswer Partial, Hop Denied)>();
        if (clients.Count == 0)
        {
            return (direct, cache, partly);
        }

        var services = context.Store.Resources.For("v1", "Service");
        if (context.Store.TryGet(services, "kube-system", "kube-dns") is null)
        {
            // No kube-dns Service (a policy-only world of bare pods): reach resolves no Service name at all, so what
            // the policy does is the first pod's connection to CoreDNS itself, as `reach POD kube-system/coredns 53/udp` decides it.
            return (Denial(context.Reachability.Evaluate($"{clients[0].Namespace}/{clients[0].Name}", dns, "53/udp"))?.Detail, cache, partly);
        }

        var answer = context.Store.TryGet(services, "default", "kubernetes")?.GetString("spec.clusterIP");
        var kubeSystem = new NetworkPolicyEngine(context.NetworkPolicies.Where(p => p.Namespace == "kube-system"));
        var kubeSystemPods = context.Pods.Where(p => p.Namespace == "kube-system").ToList();
        foreach (var situation in context.Reachability.DnsSituations(clients))
        {
            var pod = situation[0];
            if (context.Reachability.ResolveEndpoint($"{pod.Namespace}/{pod.Name}") is not { } source
                || context.Reachability.Resolve(source, ClusterName, answer) is not { } query)
            {
                continue;
            }

            var (blame, denied) = Blame(query, pod);
            switch (blame)
            {
                case DnsBlame.CachePartly:
                    partly.AddRange(situation.Select(p => (p, query.Partial!, denied!)));
                    break;
                case DnsBlame.Cache:
                    cache.AddRange(situation.Select(p => (p, denied!.Detail)));
                    break;
                case DnsBlame.PodToCoreDns when direct is null
                    && kubeSystemPods.Find(p => p.Name == denied!.To!.Pod!.Name) is { } server
                    && kubeSystem.Evaluate(PolicyPeer.FromPod(pod.Object, PolicyPeer.LabelsOfNamespace(namespaceLabels, pod.Namespace)), PolicyPeer.FromPod(server.Object, PolicyPeer.LabelsOfNamespace(namespaceLabels, "kube-system")), "UDP", 53).Ingress is { Allowed: false }:
                    // It is kube-system's doing when CoreDNS's ingress (the kube-system policies alone) refuses the pod.
                    direct = denied!.Detail;
                    break;
            }
        }

        return (direct, cache, partly);
    }

    /// <summary>
    /// What reach's DNS step for <paramref name="pod"/> (<paramref name="query"/>) says about NetworkPolicy at CoreDNS,
    /// read from the hops' <see cref="Hop.Kind"/>, <see cref="Hop.From"/> and <see cref="Hop.To"/> and from
    /// <see cref="DnsResolution.Partial"/>, never from their words, with the NetworkPolicy step it rests on:
    /// <list type="bullet">
    /// <item><see cref="DnsBlame.CachePartly"/>: the name resolved through NodeLocal DNSCache, but a NetworkPolicy makes
    /// a CoreDNS pod kube-proxy may send the cache's query to refuse it (the first such step);</item>
    /// <item><see cref="DnsBlame.Cache"/>: the name did not resolve, and the first NetworkPolicy refusal is of a flow from
    /// a node (the cache's query from its host network, which no egress policy selects);</item>
    /// <item><see cref="DnsBlame.PodToCoreDns"/>: the name did not resolve, and the first NetworkPolicy refusal is of the
    /// pod's own query to a pod of kube-system (whose policies the caller asks whether it is their doing);</item>
    /// <item><see cref="DnsBlame.None"/> otherwise (resolved, refused by something else, or by a policy on another flow).</item>
    /// </list>
    /// </summary>
    internal static (DnsBlame Blame, Hop? Denied) Blame(DnsResolution query, PodView pod)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(pod);
        if (query.Reply == DnsReply.Answered)
        {
            return pod.NodeName is not null && query.Partial is { ByCache: true } partial && partial.Refused.FirstOrDefault(r => r.Denied.Kind == HopKind.NetworkPolicy) is { } refusal
                ? (DnsBlame.CachePartly, refusal.Denied)
                : (DnsBlame.None, null);
        }

        if (query.Query.Hops.FirstOrDefault(h => !h.Allowed && h.Kind == HopKind.NetworkPolicy) is not { } denied)
        {
            return (DnsBlame.None, null);
        }

        if (denied.From is { IsNode: true })
        {
            return (DnsBlame.Cache, denied);
        }

        return denied.From?.Pod is { } from && from.Namespace == pod.Namespace && from.Name == pod.Name && denied.To?.Pod is { Namespace: "kube-system" }
            ? (DnsBlame.PodToCoreDns, denied)
            : (DnsBlame.None, null);
    }

    /// <summary>
    /// The CIDRs an ipBlock needs to admit <paramref name="nodeNames"/>' host network: each node's subnet (the one
    /// whose IPv4 block or IPv6 /64 holds its InternalIP), else the VPC's block, else the address alone; in order, once each.
    /// </summary>
    private static List<(string Cidr, string What)> NodeCidrs(LintContext context, IEnumerable<string> nodeNames)
    {
        var subnets = context.World.Cloud?.Ec2View.DescribeSubnets() ?? [];
        var vpcs = context.World.Cloud?.Ec2View.DescribeVpcs() ?? [];
        var blocks = new List<(string Cidr, string What)>();
        foreach (var name in nodeNames.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            if (context.Nodes.FirstOrDefault(n => n.Name == name) is not { } node || IpAddressText.ParseOrNull(node.InternalIP) is not { } address)
            {
                continue;
            }

            var block = subnets.SelectMany(s => s.Ipv6CidrBlockAssociationSet.Select(a => a.Ipv6CidrBlock).Prepend(s.CidrBlock).Select(c => (Cidr: c, What: $"{s.SubnetId}'s block")))
                            .Concat(vpcs.SelectMany(v => v.CidrBlockAssociationSet.Select(a => a.CidrBlock).Concat(v.Ipv6CidrBlockAssociationSet.Select(a => a.Ipv6CidrBlock)).Select(c => (Cidr: c, What: $"{v.VpcId}'s block"))))
                            .FirstOrDefault(c => CidrBlock.TryParse(c.Cidr, out var cidr) && cidr.Contains(address));
            if (block.Cidr is null)
            {
                block = ($"{address}/{(address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? 128 : 32)}", $"{name}'s address");
            }

            if (!blocks.Exists(b => b.Cidr == block.Cidr))
            {
                blocks.Add(block);
            }
        }

        return blocks;
    }

    /// <summary>The VPC's Amazon-provided DNS server (its primary CIDR's base + 2), or a resolver outside the cluster.</summary>
    private static string Upstream(LintContext context)
        => context.World.Cloud?.Ec2View.DescribeVpcs() is [var vpc, ..]
            ? vpc.AmazonProvidedDnsServer().ToString()
            : SomeUpstreamResolver;

    /// <summary>The NetworkPolicy step that denied the connection; null when it was allowed or something else denied it.</summary>
    private static Hop? Denial(ReachResult result)
        => result.Allowed ? null : result.Hops.FirstOrDefault(h => !h.Allowed && h.Kind == HopKind.NetworkPolicy);

    private static LintFinding Finding(IReadOnlyList<CompiledNetworkPolicy> policies, string message, string fix)
        => new(
            LintSeverity.Warning,
            Id,
            $"NetworkPolicy {policies[0].FullName}",
            $"{(policies.Count > 1 ? $"with {string.Join(", ", policies.Skip(1).Select(p => p.FullName))}, " : string.Empty)}it isolates CoreDNS in kube-system: {message}",
            $"seed 004 advises not to apply default-deny policies to kube-system; if you keep it, {fix}");
    }

/// <summary>What <see cref="KubeSystemDnsIsolated.Blame"/> makes of one pod's DNS query.</summary>
internal enum DnsBlame
{
    /// <summary>Nothing for this check: resolved with every CoreDNS pod answering, or refused by something other than NetworkPolicy at CoreDNS.</summary>
    None,

    /// <summary>Resolved through NodeLocal DNSCache, though a NetworkPolicy makes some CoreDNS pod refuse the cache.</summary>
    CachePartly,

    /// <summary>Not resolved: a NetworkPolicy refused NodeLocal DNSCache's query from its node.</summary>
    Cache,

    /// <summary>Not resolved: a NetworkPolicy refused the pod's own query to a pod of kube-system.</summary>
    PodToCoreDns,
}
