using Podnet.Kube.Views;
using Podnet.Policy;

namespace Podnet.Lint;

/// <summary>
/// Seed 000's trap: a pod with its own security groups resolves names through CoreDNS, which runs with the cluster
/// security group; unless the groups on both sides allow UDP/53 (and TCP/53), <c>curl my-app</c> fails while the
/// Service's pod IPs work. Each set of pods is judged by the DNS step <c>reach</c> takes
/// (<see cref="Reachability.Resolve"/>: the pod's nameservers for its dnsPolicy, kube-proxy's choice of CoreDNS pods,
/// NodeLocal DNSCache and its upstream), so lint and reach give one verdict; the set is reported when the name does
/// not resolve for one of its pods and a security group of that pod's own query (a <c>dns: egress</c> or
/// <c>dns: ingress</c> step) denied it. Pods of one set can differ in what decides that — their node (a CoreDNS or
/// node-local-dns pod on it, <c>internalTrafficPolicy: Local</c>), the enforcing mode they were created in, the groups
/// of the interface that holds their address, their dnsPolicy — so one pod is judged per group that
/// <see cref="Reachability.DnsSituations"/> makes (not one per pod: a Deployment of thousands on a few nodes is a few
/// queries), and the finding names the pods whose query failed. A pod whose name resolves only because kube-proxy may
/// send its query to a CoreDNS pod its groups do not cross (on its own node, in standard mode) while another CoreDNS
/// pod's group refuses it (reach's <see cref="DnsResolution.Partial"/>: about k/n of its queries get no answer) is
/// named too, as resolving slowly — alone, or after the failing pods. A query that never crosses the pod's groups (to
/// NodeLocal DNSCache on its node in standard mode) is not this trap; strict mode with the cache is
/// <c>strict-mode-nodelocal-dnscache</c>'s.
/// </summary>
public sealed class SecurityGroupPodDns : ILintCheck
{
    public const string Id = "security-group-pod-without-dns";

    /// <summary>The name asked: the API server's Service, which every cluster has.</summary>
    private const string ClusterName = "kubernetes.default.svc.cluster.local";

    /// <summary>How many failing pods a finding names before "and N more".</summary>
    private const int NamedPods = 3;

    public IEnumerable<LintFinding> Check(LintContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.World.Cloud is null)
        {
            yield break;
        }

        var coreDns = context.Pods.Where(p => p.Namespace == "kube-system" && p.Object.Labels.GetValueOrDefault("k8s-app") == "kube-dns" && p.PodIP is not null).ToList();
        if (coreDns.Count == 0 || context.SecurityGroupPods.Count == 0)
        {
            yield break;
        }

        // One query per situation, for every set at once: the denied step of the situation's first pod, or null.
        var answer = context.Store.TryGet(context.Store.Resources.For("v1", "Service"), "default", "kubernetes")?.GetString("spec.clusterIP");
        var failures = new Dictionary<PodView, DnsTrouble>(ReferenceEqualityComparer.Instance);
        var asked = new HashSet<PodView>(ReferenceEqualityComparer.Instance);
        var running = context.SecurityGroupPods.SelectMany(s => s.Pods).Where(p => p.PodIP is not null).ToList();
        foreach (var situation in context.Reachability.DnsSituations(running))
        {
            var failed = Failure(context, situation[0], answer) ?? new DnsTrouble(null, null);
            asked.Add(situation[0]);
            foreach (var pod in situation)
            {
                failures[pod] = failed;
            }
        }

        foreach (var set in context.SecurityGroupPods)
        {
            var failing = set.Pods.Where(p => failures.GetValueOrDefault(p)?.Denied is not null).ToList();
            var slow = set.Pods.Where(p => failures.GetValueOrDefault(p)?.Slow is not null).ToList();
            if (failing.Count == 0 && slow.Count == 0)
            {
                continue;
            }

            var groups = string.Join(", ", set.Groups.Select(context.Describe));
            var fix = $"allow UDP and TCP 53 between the pod's groups and CoreDNS's: `aws ec2 authorize-security-group-ingress --group-id {context.ClusterSecurityGroup} --protocol udp --port 53 --source-group {set.Groups[0]}` (and --protocol tcp), and egress to it if the pod's groups restrict egress";

            // The reason as reach gives it for the first pod named (a situation may have been asked for a pod of another
            // set, with another address); the same verdict, so it fails for the same step.
            if (failing.Count == 0)
            {
                var first = (asked.Contains(slow[0]) ? null : Failure(context, slow[0], answer))?.Slow ?? failures[slow[0]].Slow!;
                yield return new LintFinding(
                    LintSeverity.Warning,
                    Id,
                    set.Display,
                    $"its security groups ({groups}) let {Names(slow)} ask only the CoreDNS pods their groups do not cross (on their own node){SlowNote(first)}: Service names resolve slowly and now and then fail (pod IPs still work); {first.Refused[0].Denied.Detail}",
                    fix);
                continue;
            }

            var reason = (asked.Contains(failing[0]) ? null : Failure(context, failing[0], answer))?.Denied ?? failures[failing[0]].Denied!;
            var share = failing.Count < set.Pods.Count ? $" ({failing.Count} of the {set.Pods.Count} pods with these groups; the others resolve)" : string.Empty;
            var slowly = slow.Count > 0 ? $"; {Names(slow)} resolve only through the CoreDNS pods their groups do not cross (on their own node){SlowNote(failures[slow[0]].Slow!)}" : string.Empty;
            yield return new LintFinding(
                LintSeverity.Warning,
                Id,
                set.Display,
                $"its security groups ({groups}) allow no DNS path to CoreDNS for {Names(failing)}{share}: Service names do not resolve (pod IPs still work); {reason.Detail}{slowly}",
                fix);
        }
    }

    /// <summary>Up to <see cref="NamedPods"/> pods as <c>namespace/name</c>, then "and N more".</summary>
    private static string Names(List<PodView> pods)
        => string.Join(", ", pods.Take(NamedPods).Select(p => $"{p.Namespace}/{p.Name}"))
           + (pods.Count > NamedPods ? $" and {pods.Count - NamedPods} more" : string.Empty);

    /// <summary>", and about N% of their queries go to another CoreDNS pod, whose groups refuse them, and get no answer", from reach's partial answer for the first such pod (the pods named may be refused by different CoreDNS pods).</summary>
    private static string SlowNote(DnsPartialAnswer slow)
        => $", and about {(int)Math.Round(100 * slow.Unanswered, MidpointRounding.AwayFromZero)}% of their queries go to another CoreDNS pod, whose groups refuse them, and get no answer";

    /// <summary>
    /// What reach's DNS step says of <paramref name="pod"/>'s query, for this check: the security-group step that denied
    /// it when the name did not resolve because of it; or, when it resolved, reach's partial answer if a security group
    /// of the pod's own query made some CoreDNS pod refuse it. Null when the pod is not found.
    /// </summary>
    private static DnsTrouble? Failure(LintContext context, PodView pod, string? answer)
    {
        if (context.Reachability.ResolveEndpoint($"{pod.Namespace}/{pod.Name}") is not { } source)
        {
            return null;
        }

        var query = context.Reachability.Resolve(source, ClusterName, answer);
        return query.Reply == DnsReply.Answered
            ? new DnsTrouble(null, query.Partial is { ByCache: false } partial && partial.Refused.All(r => r.Denied.Kind == HopKind.SecurityGroups) ? partial : null)
            : new DnsTrouble(query.Query.Hops.FirstOrDefault(h => !h.Allowed && h.Kind == HopKind.SecurityGroups && h.From?.Pod is not null), null);
    }

    /// <summary>A pod's DNS trouble: the step that denied its query, or the partial answer it resolved with (at most one is set).</summary>
    private sealed record DnsTrouble(Hop? Denied, DnsPartialAnswer? Slow);
}
