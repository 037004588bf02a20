using Podnet.Aws.Ec2;
using Podnet.Net;

namespace Podnet.Policy.SecurityGroups;

/// <summary>
/// What security groups allow between a matrix's classes, decided as sets: for each source class the destination
/// classes its interface's groups let out (egress; null when the interface has no groups — not a VPC interface,
/// nothing to check), and for the destination classes the source classes their groups let in (as
/// <see cref="IngressTerms"/>). Each permission's admitted peers (the classes whose address one of its CIDRs
/// contains, or whose interface has a group it references) are worked out once, each group's set is the union of its
/// permissions that cover the protocol and port, and an interface's set is the union of its groups' — EC2's rule
/// that an interface's groups are additive — the same answer as <see cref="SecurityGroupEvaluator.Check"/> on every
/// pair of representatives.
/// </summary>
internal sealed class SecurityGroupClassSets
{
    private readonly SecurityGroupEvaluator _evaluator;
    private readonly IReadOnlyList<SecurityGroupEvaluator.Side> _classes;
    private readonly string _protocol;
    private readonly int _port;

    // Which classes' interfaces carry each group: what a rule referencing the group admits.
    private readonly Dictionary<string, ClassSet> _withGroup = new(StringComparer.Ordinal);
    private readonly Dictionary<IpPermission, ClassSet> _permissionSets = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<(string GroupId, bool Egress), ClassSet> _groupSets = [];
    private readonly Dictionary<string, ClassSet> _egressByGroups = new(StringComparer.Ordinal);

    // The classes a CIDR contains, by its text: groups repeat CIDRs (0.0.0.0/0 in every default egress rule).
    private readonly Dictionary<string, ClassSet> _cidrSets = new(StringComparer.Ordinal);

    private SecurityGroupClassSets(SecurityGroupEvaluator evaluator, IReadOnlyList<SecurityGroupEvaluator.Side> classes, string protocol, int port)
    {
        _evaluator = evaluator;
        _classes = classes;
        _protocol = protocol;
        _port = port;
        for (var c = 0; c < classes.Count; c++)
        {
            foreach (var groupId in classes[c].GroupIds)
            {
                if (!_withGroup.TryGetValue(groupId, out var set))
                {
                    _withGroup.Add(groupId, set = new ClassSet(classes.Count));
                }

                set.Add(c);
            }
        }

        Egress = [.. classes.Select(EgressOf)];

        // Ingress: a destination lets in what any of its groups admits, so each group is one term for its holders.
        Ingress = new IngressTerms(classes.Count);
        for (var c = 0; c < classes.Count; c++)
        {
            if (classes[c].GroupIds.Count == 0)
            {
                Ingress.Open.Add(c);
            }
        }

        foreach (var (groupId, holders) in _withGroup)
        {
            Ingress.Add(GroupSet(groupId, egress: false), holders);
        }
    }

    /// <summary>For each source class: the destination classes its groups let out; null when it has no groups.</summary>
    public ClassSet?[] Egress { get; }

    /// <summary>Which destination classes let which source classes in: open without groups, else by group.</summary>
    public IngressTerms Ingress { get; }

    /// <summary>
    /// The sets for <paramref name="classes"/> (the interface side of one representative each, indexed by class) on
    /// a <paramref name="protocol"/> connection to port <paramref name="port"/>.
    /// </summary>
    public static SecurityGroupClassSets Compute(SecurityGroupEvaluator evaluator, IReadOnlyList<SecurityGroupEvaluator.Side> classes, string protocol, int port)
    {
        ArgumentNullException.ThrowIfNull(evaluator);
        ArgumentNullException.ThrowIfNull(classes);
        ArgumentException.ThrowIfNullOrEmpty(protocol);
        return new SecurityGroupClassSets(evaluator, classes, protocol, port);
    }

    /// <summary>What an interface's groups let out: the union of its groups' egress sets, shared by interfaces with the same groups.</summary>
    private ClassSet? EgressOf(SecurityGroupEvaluator.Side side)
    {
        if (side.GroupIds.Count == 0)
        {
            return null;
        }

        var key = string.Join(",", side.GroupIds);
        if (_egressByGroups.TryGetValue(key, out var set))
        {
            return set;
        }

        set = new ClassSet(_classes.Count);
        foreach (var groupId in side.GroupIds)
        {
            set.UnionWith(GroupSet(groupId, egress: true));
        }

        _egressByGroups.Add(key, set);
        return set;
    }

    /// <summary>The peers one group admits in a direction on the protocol and port; nothing for a group that does not exist.</summary>
    private ClassSet GroupSet(string groupId, bool egress)
    {
        if (_groupSets.TryGetValue((groupId, egress), out var set))
        {
            return set;
        }

        set = new ClassSet(_classes.Count);
        if (_evaluator.Group(groupId) is { } group)
        {
            foreach (var permission in egress ? group.IpPermissionsEgress : group.IpPermissions)
            {
                if (SecurityGroupEvaluator.ProtocolMatches(permission, _protocol, _port))
                {
                    set.UnionWith(PermissionSet(permission));
                }
            }
        }

        _groupSets.Add((groupId, egress), set);
        return set;
    }

    /// <summary>
    /// The peers a permission names: an IPv4 or IPv6 range that contains the peer's address, or a referenced group the
    /// peer's interface has, or an entry of a prefix list it names that contains the peer's address
    /// (<see cref="SecurityGroupEvaluator.PrefixListCidrs"/>).
    /// </summary>
    private ClassSet PermissionSet(IpPermission permission)
    {
        if (_permissionSets.TryGetValue(permission, out var set))
        {
            return set;
        }

        set = new ClassSet(_classes.Count);
        foreach (var text in (permission.IpRanges ?? []).Select(r => r.CidrIp).Concat((permission.Ipv6Ranges ?? []).Select(r => r.CidrIpv6)))
        {
            set.UnionWith(CidrSet(text));
        }

        foreach (var (_, cidr) in _evaluator.PrefixListCidrs(permission))
        {
            set.UnionWith(CidrSet(cidr.ToString()));
        }

        foreach (var pair in permission.UserIdGroupPairs ?? [])
        {
            if (_withGroup.TryGetValue(pair.GroupId, out var members))
            {
                set.UnionWith(members);
            }
        }

        _permissionSets.Add(permission, set);
        return set;
    }

    /// <summary>The classes whose address the range contains; none for text that is not a CIDR.</summary>
    private ClassSet CidrSet(string text)
    {
        if (_cidrSets.TryGetValue(text, out var set))
        {
            return set;
        }

        set = new ClassSet(_classes.Count);
        if (CidrBlock.TryParse(text, out var cidr))
        {
            for (var c = 0; c < _classes.Count; c++)
            {
                if (cidr.Contains(_classes[c].Address))
                {
                    set.Add(c);
                }
            }
        }

        _cidrSets.Add(text, set);
        return set;
    }
}
