using System.Net;
using Podnet.Policy.NetworkPolicies;

namespace Podnet.Lint;

/// <summary>
/// Seed 004's warning: a default-deny egress policy that lets port 53 out "to any IP" keeps DNS working but does not
/// stop data leaving, since anything can be sent to port 53 of any host. Rules that name ports and still reach an
/// arbitrary internet address on 53 are reported; rules without ports (deliberate internet egress) are not.
/// </summary>
public sealed class DnsEgressToAnyAddress : ILintCheck
{
    public const string Id = "dns-egress-to-any-address";

    // A documentation address (RFC 5737): stands for "some host on the internet" without being anyone's resolver.
    private static readonly PolicyPeer SomeInternetHost = PolicyPeer.External(IPAddress.Parse("203.0.113.53"));
    private static readonly string[] DnsProtocols = ["UDP", "TCP"];

    public IEnumerable<LintFinding> Check(LintContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        foreach (var policy in context.NetworkPolicies)
        {
            var compiled = NetworkPolicyCompiler.Compile(policy, []);
            if (!compiled.IsolatesEgress)
            {
                continue;
            }

            foreach (var rule in compiled.EgressRules.Where(r => r.Ports.Count > 0))
            {
                var open = DnsProtocols.Where(p => rule.Matches(SomeInternetHost, SomeInternetHost, p, 53, out _, out _)).Select(p => $"{p}/53").ToList();
                if (open.Count == 0)
                {
                    continue;
                }

                yield return new LintFinding(
                    LintSeverity.Warning,
                    Id,
                    $"NetworkPolicy {compiled.FullName}",
                    $"spec.egress[{rule.Index}] allows {string.Join(" and ", open)} to any address, not only to the cluster DNS: the selected pods can send data out of the cluster on port 53",
                    "limit the rule's `to` to kube-dns, e.g. `- namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: kube-system}}` with `podSelector: {matchLabels: {k8s-app: kube-dns}}` in the same peer");
            }
        }
    }
}
