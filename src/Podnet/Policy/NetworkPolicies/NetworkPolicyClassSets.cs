using Podnet.Kube.Selectors;

namespace Podnet.Policy.NetworkPolicies;

/// <summary>
/// What NetworkPolicy allows between a matrix's classes, decided as sets: for each source class the destination
/// classes its egress allows (null: not isolated, every class), and for the destination classes the source classes
/// their ingress allows (as <see cref="IngressTerms"/>). Each rule's admitted peers are worked out once, over all
/// classes, and a direction's set is the union of the sets of the rules of its isolating policies that cover the
/// port — the same answer as <see cref="NetworkPolicyEngine.IsAllowed"/> on every pair of representatives, since a
/// connection is allowed in a direction iff the pod is not isolated or some rule of an isolating policy matches both
/// the peer and the port (the NetworkPolicy API: rules are additive, within a rule peers and ports are ANDed).
/// </summary>
internal sealed class NetworkPolicyClassSets
{
    private readonly NetworkPolicyEngine _engine;
    private readonly IReadOnlyList<PolicyPeer> _classes;
    private readonly string _protocol;
    private readonly int _port;
    private readonly ClassSet _all;
    private readonly ClassSet _none;

    // Classes grouped by namespace and that namespace's labels, so a selector peer looks only at the namespaces it can match.
    private readonly Dictionary<string, List<NamespaceClasses>> _byNamespace = new(StringComparer.Ordinal);
    private readonly Dictionary<NetworkPolicyPeer, ClassSet> _peerSets = new(ReferenceEqualityComparer.Instance);

    // What a peer matches depends only on its selectors (and, for a podSelector alone, its policy's namespace) or its
    // ipBlock: peers alike in that share one set. Keyed by canonical text (LabelSelector's round-trips, as
    // labels.Selector.String() does; an ipBlock's is its CIDR and excepts).
    private readonly Dictionary<string, ClassSet> _peerSetsByText = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<NamespaceClasses>> _namespacesBySelector = new(StringComparer.Ordinal);
    private readonly Dictionary<NetworkPolicyRule, ClassSet> _ruleSets = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<NetworkPolicyRule, ClassSet> _egressRuleSets = new(ReferenceEqualityComparer.Instance);

    private NetworkPolicyClassSets(NetworkPolicyEngine engine, IReadOnlyList<PolicyPeer> classes, string protocol, int port)
    {
        _engine = engine;
        _classes = classes;
        _protocol = protocol.ToUpperInvariant();
        _port = port;
        _all = ClassSet.All(classes.Count);
        _none = new ClassSet(classes.Count);
        var groups = new Dictionary<(string, IReadOnlyDictionary<string, string>), NamespaceClasses>();
        for (var c = 0; c < classes.Count; c++)
        {
            var peer = classes[c];
            if (!peer.IsPod)
            {
                continue;
            }

            if (!groups.TryGetValue((peer.Namespace!, peer.NamespaceLabels), out var group))
            {
                group = new NamespaceClasses(peer.NamespaceLabels, []);
                groups.Add((peer.Namespace!, peer.NamespaceLabels), group);
                if (!_byNamespace.TryGetValue(peer.Namespace!, out var list))
                {
                    _byNamespace.Add(peer.Namespace!, list = []);
                }

                list.Add(group);
            }

            group.Classes.Add(c);
        }

        Egress = new ClassSet?[classes.Count];
        Ingress = new IngressTerms(classes.Count);
        var egressByPolicies = new Dictionary<string, ClassSet>(StringComparer.Ordinal);
        for (var c = 0; c < classes.Count; c++)
        {
            Egress[c] = EgressOf(c, egressByPolicies);
            AddIngress(c);
        }
    }

    /// <summary>For each source class: the destination classes its egress allows; null when no policy isolates it for egress.</summary>
    public ClassSet?[] Egress { get; }

    /// <summary>Which destination classes let which source classes in: open when not isolated for ingress, else by rule.</summary>
    public IngressTerms Ingress { get; }

    /// <summary>
    /// The sets for <paramref name="classes"/> (one representative each, indexed by class) on a new
    /// <paramref name="protocol"/> connection to destination port <paramref name="port"/>.
    /// </summary>
    public static NetworkPolicyClassSets Compute(NetworkPolicyEngine engine, IReadOnlyList<PolicyPeer> classes, string protocol, int port)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(classes);
        ArgumentException.ThrowIfNullOrEmpty(protocol);
        return new NetworkPolicyClassSets(engine, classes, protocol, port);
    }

    /// <summary>
    /// The destinations the egress of class <paramref name="self"/> allows: the union of the egress rules of the
    /// policies that isolate it. It depends on those policies alone (a named port resolves on the destination), so
    /// classes selected by the same policies share the set.
    /// </summary>
    private ClassSet? EgressOf(int self, Dictionary<string, ClassSet> byPolicies)
    {
        var pod = _classes[self];

        // An external endpoint has no policies, and a pod no enforcer filters is not isolated: NetworkPolicyEngine.IsAllowed skips its direction.
        var policies = pod is { IsPod: true, NotEnforced: null } ? _engine.IsolatingPolicies(pod, PolicyDirection.Egress) : [];
        if (policies.Count == 0)
        {
            return null;
        }

        var key = string.Join("\n", policies.Select(p => p.FullName));
        if (!byPolicies.TryGetValue(key, out var allowed))
        {
            allowed = new ClassSet(_classes.Count);
            foreach (var rule in policies.SelectMany(p => p.EgressRules))
            {
                allowed.UnionWith(EgressRuleSet(rule));
            }

            byPolicies.Add(key, allowed);
        }

        return allowed;
    }

    /// <summary>
    /// The ingress of class <paramref name="self"/>: open when no policy isolates it, else a term per rule of its
    /// isolating policies that covers the port on it (the ports are this destination's: a rule admits its peers or
    /// nothing).
    /// </summary>
    private void AddIngress(int self)
    {
        var pod = _classes[self];
        var policies = pod is { IsPod: true, NotEnforced: null } ? _engine.IsolatingPolicies(pod, PolicyDirection.Ingress) : [];
        if (policies.Count == 0)
        {
            Ingress.Open.Add(self);
            return;
        }

        foreach (var rule in policies.SelectMany(p => p.IngressRules))
        {
            if (PortsMatch(rule, pod))
            {
                Ingress.Add(RuleSet(rule), self);
            }
        }
    }

    /// <summary>An egress rule's admitted destinations: its peers that also have one of its ports (named ports resolve per destination).</summary>
    private ClassSet EgressRuleSet(NetworkPolicyRule rule)
    {
        if (_egressRuleSets.TryGetValue(rule, out var set))
        {
            return set;
        }

        var peers = RuleSet(rule);
        if (rule.Ports.Count == 0)
        {
            set = peers;
        }
        else if (rule.Ports.All(p => p.NamedPort is null))
        {
            // A numeric or all-ports entry does not look at the destination: the rule covers the port for all or none.
            set = rule.Ports.Any(p => p.Matches(_protocol, _port, _classes[0])) ? peers : _none;
        }
        else
        {
            set = new ClassSet(_classes.Count);
            foreach (var c in peers)
            {
                if (PortsMatch(rule, _classes[c]))
                {
                    set.Add(c);
                }
            }
        }

        _egressRuleSets.Add(rule, set);
        return set;
    }

    /// <summary>Whether some port entry of the rule covers the connection to <paramref name="destination"/> (no entries: every port).</summary>
    private bool PortsMatch(NetworkPolicyRule rule, PolicyPeer destination)
    {
        if (rule.Ports.Count == 0)
        {
            return true;
        }

        foreach (var port in rule.Ports)
        {
            if (port.Matches(_protocol, _port, destination))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The classes some peer of the rule matches (no peers: every class).</summary>
    private ClassSet RuleSet(NetworkPolicyRule rule)
    {
        if (_ruleSets.TryGetValue(rule, out var set))
        {
            return set;
        }

        if (rule.Peers.Count == 0)
        {
            set = _all;
        }
        else if (rule.Peers.Count == 1)
        {
            set = PeerSet(rule.Peers[0]);
        }
        else
        {
            set = new ClassSet(_classes.Count);
            foreach (var peer in rule.Peers)
            {
                set.UnionWith(PeerSet(peer));
            }
        }

        _ruleSets.Add(rule, set);
        return set;
    }

    /// <summary>
    /// The classes <paramref name="peer"/> matches, by <see cref="NetworkPolicyPeer.Matches"/> itself; the namespace
    /// index only spares it the classes it cannot match (a selector peer matches pods of the policy's namespace, or of
    /// the namespaces its namespaceSelector selects).
    /// </summary>
    private ClassSet PeerSet(NetworkPolicyPeer peer)
    {
        if (_peerSets.TryGetValue(peer, out var set))
        {
            return set;
        }

        var text = PeerText(peer);
        if (_peerSetsByText.TryGetValue(text, out set))
        {
            _peerSets.Add(peer, set);
            return set;
        }

        set = new ClassSet(_classes.Count);
        if (!peer.IsValid)
        {
            // Matches nothing.
        }
        else if (peer.IpBlock is not null)
        {
            for (var c = 0; c < _classes.Count; c++)
            {
                if (peer.Matches(_classes[c]))
                {
                    set.Add(c);
                }
            }
        }
        else if (peer.NamespaceSelector is null)
        {
            foreach (var group in _byNamespace.GetValueOrDefault(peer.PolicyNamespace) ?? [])
            {
                Add(set, peer, group.Classes);
            }
        }
        else
        {
            foreach (var group in SelectedNamespaces(peer.NamespaceSelector))
            {
                Add(set, peer, group.Classes);
            }
        }

        _peerSets.Add(peer, set);
        _peerSetsByText.Add(text, set);
        return set;
    }

    private static string PeerText(NetworkPolicyPeer peer) => peer switch
    {
        { IsValid: false } => "invalid",
        { IpBlock: { } block } => block.ToString(),
        _ => $"{(peer.NamespaceSelector is null ? "namespace " + peer.PolicyNamespace : "namespaces " + SelectorText(peer.NamespaceSelector))}\n{(peer.PodSelector is null ? "all" : SelectorText(peer.PodSelector))}",
    };

    /// <summary>A selector's canonical text; Nothing and Everything both print as "", so they are told apart.</summary>
    private static string SelectorText(LabelSelector selector) => selector.IsNothing ? "nothing" : "{" + selector + "}";

    /// <summary>The namespace groups a namespaceSelector selects, worked out once per distinct selector.</summary>
    private List<NamespaceClasses> SelectedNamespaces(LabelSelector selector)
    {
        var text = SelectorText(selector);
        if (!_namespacesBySelector.TryGetValue(text, out var groups))
        {
            groups = [.. _byNamespace.Values.SelectMany(g => g).Where(g => selector.Matches(g.Labels))];
            _namespacesBySelector.Add(text, groups);
        }

        return groups;
    }

    private void Add(ClassSet set, NetworkPolicyPeer peer, List<int> candidates)
    {
        foreach (var c in candidates)
        {
            if (peer.Matches(_classes[c]))
            {
                set.Add(c);
            }
        }
    }

    /// <summary>The classes of one namespace whose pods carry one set of namespace labels.</summary>
    private sealed record NamespaceClasses(IReadOnlyDictionary<string, string> Labels, List<int> Classes);
}
