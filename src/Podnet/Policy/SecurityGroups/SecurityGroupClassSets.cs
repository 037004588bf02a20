using Podnet.Aws.Ec2;
using Podnet.Net;

namespace Podnet.Policy.SecurityGroups;

/// <summary>
/// What security groups allow between a matrix's classes, decided as sets: for each source class the destination
/// classes its interface's groups let out (egress), for each destination class the source classes its groups let in
/// (ingress); null when the class's interface has no groups (not a VPC interface: nothing to check). Each
/// permission's admitted peers (the classes whose address one of its CIDRs contains, or whose interface has a group
/// it references) are worked out once, each group's set is the union of its permissions that cover the protocol and
/// port, and an interface's set is the union of its groups' — EC2's rule that an interface's groups are additive,
/// the same answer as <see cref="SecurityGroupEvaluator.Check"/> on every pair of representatives.
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
    private readonly Dictionary<(string Groups, bool Egress), ClassSet> _interfaceSets = [];

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

        Egress = [.. classes.Select(side => InterfaceSet(side, egress: true))];
        Ingress = [.. classes.Select(side => InterfaceSet(side, egress: false))];
    }

    /// <summary>For each source class: the destination classes its groups let out; null when it has no groups.</summary>
    public ClassSet?[] Egress { get; }

    /// <summary>For each destination class: the source classes its groups let in; null when it has no groups.</summary>
    public ClassSet?[] Ingress { get; }

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

    private ClassSet? InterfaceSet(SecurityGroupEvaluator.Side side, bool egress)
    {
        if (side.GroupIds.Count == 0)
        {
            return null;
        }

        var key = (string.Join(",", side.GroupIds), egress);
        if (_interfaceSets.TryGetValue(key, out var set))
        {
            return set;
        }

        set = new ClassSet(_classes.Count);
        foreach (var groupId in side.GroupIds)
        {
            set.UnionWith(GroupSet(groupId, egress));
        }

        _interfaceSets.Add(key, set);
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
    /// peer's interface has. Prefix lists match nothing, as in <see cref="SecurityGroupEvaluator"/>.
    /// </summary>
    private ClassSet PermissionSet(IpPermission permission)
    {
        if (_permissionSets.TryGetValue(permission, out var set))
        {
            return set;
        }

        set = new ClassSet(_classes.Count);
        var cidrs = new List<CidrBlock>();
        foreach (var text in (permission.IpRanges ?? []).Select(r => r.CidrIp).Concat((permission.Ipv6Ranges ?? []).Select(r => r.CidrIpv6)))
        {
            if (CidrBlock.TryParse(text, out var cidr))
            {
                cidrs.Add(cidr);
            }
        }

        if (cidrs.Count > 0)
        {
            for (var c = 0; c < _classes.Count; c++)
            {
                var address = _classes[c].Address;
                if (cidrs.Exists(cidr => cidr.Contains(address)))
                {
                    set.Add(c);
                }
            }
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
}
