using Podnet.Policy;

namespace Podnet.Lint;

/// <summary>
/// Seed 000's trap: a pod with its own security groups resolves names through CoreDNS, which runs with the cluster
/// security group; unless the groups on both sides allow UDP/53 (and TCP/53), <c>curl my-app</c> fails while the
/// Service's pod IPs work. Each set of pods is judged by the DNS step <c>reach</c> takes for its first running pod
/// (<see cref="Reachability.Resolve"/>: the pod's nameservers for its dnsPolicy, kube-proxy's choice of CoreDNS pods,
/// NodeLocal DNSCache and its upstream), so lint and reach give one verdict; the set is reported when the name does
/// not resolve and a security group of the pod's own query (a <c>dns: egress</c> or <c>dns: ingress</c> step) denied
/// it. A query that never crosses the pod's groups (to NodeLocal DNSCache on its node in standard mode) is not this
/// trap; strict mode with the cache is <c>strict-mode-nodelocal-dnscache</c>'s.
/// </summary>
public sealed class SecurityGroupPodDns : ILintCheck
{
    public const string Id = "security-group-pod-without-dns";

    /// <summary>The name asked: the API server's Service, which every cluster has.</summary>
    private const string ClusterName = "kubernetes.default.svc.cluster.local";

    public IEnumerable<LintFinding> Check(LintContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.World.Cloud is null)
        {
            yield break;
        }

        var coreDns = context.Pods.Where(p => p.Namespace == "kube-system" && p.Object.Labels.GetValueOrDefault("k8s-app") == "kube-dns" && p.PodIP is not null).ToList();
        if (coreDns.Count == 0)
        {
            yield break;
        }

        var answer = context.Store.TryGet(context.Store.Resources.For("v1", "Service"), "default", "kubernetes")?.GetString("spec.clusterIP");
        foreach (var set in context.SecurityGroupPods)
        {
            if (set.Pods.FirstOrDefault(p => p.PodIP is not null) is not { } pod
                || context.Reachability.ResolveEndpoint($"{pod.Namespace}/{pod.Name}") is not { } source)
            {
                continue;
            }

            var query = context.Reachability.Resolve(source, ClusterName, answer);
            if (query.Reply == DnsReply.Answered
                || query.Query.Hops.FirstOrDefault(h => !h.Allowed && h.Step is "dns: egress" or "dns: ingress") is not { } failed)
            {
                continue;
            }

            yield return new LintFinding(
                LintSeverity.Warning,
                Id,
                set.Display,
                $"its security groups ({string.Join(", ", set.Groups.Select(context.Describe))}) allow no DNS path to CoreDNS, so Service names do not resolve (pod IPs still work); {failed.Detail}",
                $"allow UDP and TCP 53 between the pod's groups and CoreDNS's: `aws ec2 authorize-security-group-ingress --group-id {context.ClusterSecurityGroup} --protocol udp --port 53 --source-group {set.Groups[0]}` (and --protocol tcp), and egress to it if the pod's groups restrict egress");
        }
    }
}
