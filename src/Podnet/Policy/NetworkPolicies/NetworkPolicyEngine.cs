using System.Runtime.CompilerServices;
using Podnet.Kube.Api;

namespace Podnet.Policy.NetworkPolicies;

/// <summary>
/// Evaluates Kubernetes NetworkPolicies (networking.k8s.io/v1) for connections between pods and external endpoints.
/// Built once from the policies, which are compiled up front (selectors parsed once; what cannot be used is listed in
/// <see cref="Problems"/>). A connection is allowed iff the source pod's egress and the destination pod's ingress both
/// allow it; a pod is isolated in a direction when a policy of its namespace selects it with that policy type, and
/// is then allowed only what some rule of those policies allows. Verdicts are for new connections (replies of an
/// allowed connection are part of it). Thread-safe; which policies select a pod is remembered per
/// <see cref="PolicyPeer"/> instance, so reuse peers when evaluating matrices.
/// </summary>
public sealed class NetworkPolicyEngine
{
    private static readonly Selection NoSelection = new([], []);

    private readonly Dictionary<string, CompiledNetworkPolicy[]> _byNamespace;
    private readonly ConditionalWeakTable<PolicyPeer, Selection> _selections = [];

    public NetworkPolicyEngine(IEnumerable<KubeObject> policies)
    {
        ArgumentNullException.ThrowIfNull(policies);
        var problems = new List<PolicyProblem>();
        var compiled = new List<CompiledNetworkPolicy>();
        foreach (var policy in policies)
        {
            if (policy.Kind is { Length: > 0 } kind && kind != "NetworkPolicy")
            {
                throw new ArgumentException($"{policy} is not a NetworkPolicy", nameof(policies));
            }

            compiled.Add(NetworkPolicyCompiler.Compile(policy, problems));
        }

        Policies = [.. compiled.OrderBy(p => p.Namespace, StringComparer.Ordinal).ThenBy(p => p.Name, StringComparer.Ordinal)];
        Problems = problems;
        _byNamespace = Policies.GroupBy(p => p.Namespace, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToArray(), StringComparer.Ordinal);
    }

    /// <summary>The compiled policies, by namespace and name.</summary>
    public IReadOnlyList<CompiledNetworkPolicy> Policies { get; }

    /// <summary>What could not be used: invalid selectors, CIDRs, ports, policy types.</summary>
    public IReadOnlyList<PolicyProblem> Problems { get; }

    /// <summary>The policies that isolate <paramref name="pod"/> in <paramref name="direction"/> (empty for an external endpoint).</summary>
    public IReadOnlyList<CompiledNetworkPolicy> IsolatingPolicies(PolicyPeer pod, PolicyDirection direction)
    {
        ArgumentNullException.ThrowIfNull(pod);
        var selection = SelectionOf(pod);
        return direction == PolicyDirection.Ingress ? selection.Ingress : selection.Egress;
    }

    /// <summary>
    /// Whether a new <paramref name="protocol"/> (TCP, UDP or SCTP) connection from <paramref name="from"/> to
    /// destination port <paramref name="port"/> of <paramref name="to"/> is allowed, with the reasons.
    /// </summary>
    /// <param name="from">The source.</param>
    /// <param name="to">The destination.</param>
    /// <param name="protocol">TCP, UDP or SCTP (any case).</param>
    /// <param name="port">The destination port.</param>
    /// <param name="only">
    /// One direction alone, for a packet whose other direction is judged elsewhere on its way (a NodePort connection's
    /// forwarded leg: the client's egress was judged on its way to the node port); null for both.
    /// </param>
    public NetworkPolicyVerdict Evaluate(PolicyPeer from, PolicyPeer to, string protocol, int port, PolicyDirection? only = null)
    {
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(to);
        ArgumentException.ThrowIfNullOrEmpty(protocol);
        protocol = protocol.ToUpperInvariant();
        var egress = from.IsPod && only != PolicyDirection.Ingress ? Decide(PolicyDirection.Egress, from, to, protocol, port) : null;
        var ingress = to.IsPod && only != PolicyDirection.Egress ? Decide(PolicyDirection.Ingress, from, to, protocol, port) : null;
        return new NetworkPolicyVerdict(from, to, protocol, port, egress, ingress) { Only = only };
    }

    /// <summary>The same answer as <see cref="Evaluate"/>'s <see cref="NetworkPolicyVerdict.Allowed"/>, without the explanation.</summary>
    public bool IsAllowed(PolicyPeer from, PolicyPeer to, string protocol, int port, PolicyDirection? only = null)
    {
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(to);
        ArgumentException.ThrowIfNullOrEmpty(protocol);
        protocol = protocol.ToUpperInvariant();
        return (!from.IsPod || from.NotEnforced is not null || only == PolicyDirection.Ingress || Allows(SelectionOf(from).Egress, PolicyDirection.Egress, from, to, protocol, port, out _))
               && (!to.IsPod || to.NotEnforced is not null || only == PolicyDirection.Egress || Allows(SelectionOf(to).Ingress, PolicyDirection.Ingress, from, to, protocol, port, out _));
    }

    private DirectionVerdict Decide(PolicyDirection direction, PolicyPeer from, PolicyPeer to, string protocol, int port)
    {
        var pod = direction == PolicyDirection.Ingress ? to : from;
        var selection = SelectionOf(pod);
        var policies = direction == PolicyDirection.Ingress ? selection.Ingress : selection.Egress;
        var names = direction == PolicyDirection.Ingress ? selection.IngressNames : selection.EgressNames;
        Allows(policies, direction, from, to, protocol, port, out var match);
        return new DirectionVerdict(direction, pod, names, match);
    }

    /// <summary>True when not isolated or some rule of the isolating policies allows the connection.</summary>
    private static bool Allows(CompiledNetworkPolicy[] policies, PolicyDirection direction, PolicyPeer from, PolicyPeer to, string protocol, int port, out RuleMatch? match)
    {
        match = null;
        if (policies.Length == 0)
        {
            return true;
        }

        // Ingress rules look at the source; egress rules at the destination. Ports are always the destination's.
        var peer = direction == PolicyDirection.Ingress ? from : to;
        foreach (var policy in policies)
        {
            foreach (var rule in policy.Rules(direction))
            {
                if (rule.Matches(peer, to, protocol, port, out var matchedPeer, out var matchedPort))
                {
                    match = new RuleMatch(policy.FullName, direction, rule.Index, matchedPeer, matchedPort);
                    return true;
                }
            }
        }

        return false;
    }

    private Selection SelectionOf(PolicyPeer pod)
    {
        if (!pod.IsPod || !_byNamespace.TryGetValue(pod.Namespace!, out var candidates))
        {
            return NoSelection;
        }

        return _selections.GetValue(pod, p =>
        {
            var selecting = candidates.Where(c => c.Selects(p)).ToArray();
            return new Selection([.. selecting.Where(c => c.IsolatesIngress)], [.. selecting.Where(c => c.IsolatesEgress)]);
        });
    }

    private sealed class Selection
    {
        public Selection(CompiledNetworkPolicy[] ingress, CompiledNetworkPolicy[] egress)
        {
            Ingress = ingress;
            Egress = egress;
            IngressNames = [.. ingress.Select(p => p.FullName)];
            EgressNames = [.. egress.Select(p => p.FullName)];
        }

        public CompiledNetworkPolicy[] Ingress { get; }

        public CompiledNetworkPolicy[] Egress { get; }

        public string[] IngressNames { get; }

        public string[] EgressNames { get; }
    }
}
