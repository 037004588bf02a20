using System.Text;
using Podnet.Kube.Views;

namespace Podnet.Policy;

public sealed partial class Reachability
{
    /// <summary>
    /// <paramref name="pods"/> in groups that <see cref="Resolve"/> cannot tell apart, so that one pod of a group (its
    /// first) speaks for all of it and a check over thousands of pods asks the DNS step once per group, not per pod.
    /// Two pods share a group when everything the DNS step looks at is the same for both:
    /// <list type="bullet">
    /// <item>their connections' verdicts (<see cref="DecisionKeys"/>): the node (NodeLocal DNSCache on it, CoreDNS pods
    /// on it under <c>internalTrafficPolicy: Local</c>, the cache's own query from it), the interface's security groups
    /// and the CIDRs of group rules that contain the address, branch or not and the enforcing mode the pod was created
    /// in (strict: every packet leaves by the branch, the cache is never reached), and — only when a NetworkPolicy is
    /// enforced — the NetworkPolicy peer (namespace, labels, namespace labels, ipBlocks containing the address);</item>
    /// <item>the subnet of the interface holding the address (the route table a query to an outside resolver takes);</item>
    /// <item>the resolv.conf the kubelet writes (<see cref="PodDns"/>: <c>dnsPolicy</c>, host network, the
    /// nameservers of <c>dnsConfig</c>);</item>
    /// <item>whether the pod has an address at all (one that has none is not running: <see cref="NotRunning"/>).</item>
    /// </list>
    /// Groups come in the order of their first pod; each keeps the order of <paramref name="pods"/>.
    /// </summary>
    public IReadOnlyList<IReadOnlyList<PodView>> DnsSituations(IReadOnlyList<PodView> pods)
    {
        ArgumentNullException.ThrowIfNull(pods);
        var endpoints = pods.Select(PodEndpoint).ToList();
        var keys = DecisionKeys(endpoints, policyPeers: Enforcer is not null && _hasNetworkPolicies);
        var groups = new Dictionary<string, List<PodView>>(StringComparer.Ordinal);
        var ordered = new List<List<PodView>>();
        var clusterDns = ClusterDns;
        var key = new StringBuilder();
        for (var i = 0; i < pods.Count; i++)
        {
            var pod = pods[i];
            var dns = PodDns.Of(pod, clusterDns, HostResolver(endpoints[i].Node));
            key.Clear().Append(keys[i]).Append('|')
                .Append(pod.PodAddress is null ? "down" : "up").Append('|')
                .Append(pod.PodAddress is { } address ? InterfaceHolding(address)?.SubnetId : null).Append('|')
                .Append(pod.HostNetwork).Append('|')
                .Append(dns.Type).Append('|')
                .AppendJoin(',', dns.Nameservers);
            if (!groups.TryGetValue(key.ToString(), out var group))
            {
                group = [];
                groups.Add(key.ToString(), group);
                ordered.Add(group);
            }

            group.Add(pod);
        }

        return ordered;
    }
}
