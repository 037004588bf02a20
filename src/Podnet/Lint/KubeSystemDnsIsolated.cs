using Podnet.Kube.Views;
using Podnet.Policy;
using Podnet.Policy.NetworkPolicies;

namespace Podnet.Lint;

/// <summary>
/// Seed 004's advice about its default-deny policies: "best not to apply it to the kube-system namespace, because it
/// can affect the cluster's functions". A NetworkPolicy that isolates CoreDNS is judged like any other; when it
/// leaves CoreDNS unable to ask its upstream (the VPC's Amazon-provided resolver, the VPC's base address + 2, which
/// CoreDNS forwards to through the node's /etc/resolv.conf) or pods unable to ask CoreDNS (UDP/53), the policies
/// that isolate it are reported, with the connection reach decides and the rules that would keep DNS working.
/// </summary>
public sealed class KubeSystemDnsIsolated : ILintCheck
{
    public const string Id = "kube-system-dns-isolated";

    // Without a VPC (a policy-only world) the upstream is "some resolver outside the cluster": a documentation address.
    private const string SomeUpstreamResolver = "203.0.113.53";

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

        var namespaceLabels = context.Store.TryGet(context.Store.Resources.For("v1", "Namespace"), null, "kube-system")?.Labels ?? new Dictionary<string, string>();
        var dnsPeer = PolicyPeer.FromPod(coreDns.Object, namespaceLabels);
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

        var client = context.Pods.FirstOrDefault(p => p.Namespace != "kube-system" && p.PodIP is not null && !p.HostNetwork);
        if (client is not null
            && isolating.Where(p => p.IsolatesIngress).ToList() is { Count: > 0 } ingress
            && Denial(context.Reachability.Evaluate($"{client.Namespace}/{client.Name}", dns, "53/udp")) is { } ingressDenied)
        {
            yield return Finding(
                ingress,
                $"pods cannot ask CoreDNS: {ingressDenied.Detail}; Service names do not resolve (pod IPs still work)",
                "allow ingress to `k8s-app: kube-dns` on UDP and TCP 53 from every namespace (`from: [{namespaceSelector: {}}]`) in a policy of kube-system");
        }
    }

    /// <summary>The VPC's Amazon-provided DNS server (its primary CIDR's base + 2), or a resolver outside the cluster.</summary>
    private static string Upstream(LintContext context)
        => context.World.Cloud?.Ec2View.DescribeVpcs() is [var vpc, ..]
            ? vpc.AmazonProvidedDnsServer().ToString()
            : SomeUpstreamResolver;

    /// <summary>The NetworkPolicy step that denied the connection; null when it was allowed or something else denied it.</summary>
    private static Hop? Denial(ReachResult result)
        => result.Allowed ? null : result.Hops.FirstOrDefault(h => !h.Allowed && h.Step == "networkpolicy");

    private static LintFinding Finding(IReadOnlyList<CompiledNetworkPolicy> policies, string message, string fix)
        => new(
            LintSeverity.Warning,
            Id,
            $"NetworkPolicy {policies[0].FullName}",
            $"{(policies.Count > 1 ? $"with {string.Join(", ", policies.Skip(1).Select(p => p.FullName))}, " : string.Empty)}it isolates CoreDNS in kube-system: {message}",
            $"seed 004 advises not to apply default-deny policies to kube-system; if you keep it, {fix}");
}
