using System.Net;
using Podnet.Aws.Ec2;
using Podnet.Net;

namespace Podnet.Policy.SecurityGroups;

/// <summary>
/// Stateful security-group evaluation as EC2 does it: a connection is allowed when the union of the source
/// interface's groups allows it out (egress) and the union of the destination interface's groups allows it in
/// (ingress); replies of an allowed connection are allowed. A rule's peer is a CIDR (IPv4 or IPv6), a referenced
/// group (any interface in the VPC that has that group) or a prefix list (its entries at the time of the decision).
/// </summary>
public sealed class SecurityGroupEvaluator
{
    private readonly IReadOnlyDictionary<string, SecurityGroup> _groups;

    // Each prefix list's name and entries, as they are when the evaluator is made: EC2 applies a list's current
    // entries to every rule that names it (Amazon VPC User Guide, "Managed prefix lists": update the list and "all
    // security groups that use the prefix list are updated").
    /// <summary>An evaluator over <paramref name="groups"/>; rules naming prefix lists match by <paramref name="prefixLists"/>' entries (a list not given matches nothing).</summary>
    public SecurityGroupEvaluator(IEnumerable<SecurityGroup> groups, IEnumerable<(ManagedPrefixList List, IReadOnlyList<PrefixListEntry> Entries)>? prefixLists = null)
        : this(groups, new PrefixListTable(prefixLists ?? []))
    {
    }

    private SecurityGroupEvaluator(IEnumerable<SecurityGroup> groups, PrefixListTable prefixLists)
    {
        _groups = groups.ToDictionary(g => g.GroupId, StringComparer.Ordinal);
        PrefixLists = prefixLists;
    }

    /// <summary>The prefix lists its rules are matched by, for a router that must see the same ones.</summary>
    internal PrefixListTable PrefixLists { get; }

    /// <summary>
    /// An evaluator over the account's security groups and prefix lists as they are now, read through
    /// <paramref name="ec2"/> (no API call: analysis changes nothing and is neither throttled nor authorized).
    /// </summary>
    public static SecurityGroupEvaluator For(IEc2View ec2)
    {
        ArgumentNullException.ThrowIfNull(ec2);
        return new SecurityGroupEvaluator(ec2.DescribeSecurityGroups(), PrefixListTable.For(ec2));
    }

    /// <summary>The interface on one side of a connection: its address and groups (none outside the VPC).</summary>
    public sealed record Side(IPAddress Address, IReadOnlyList<string> GroupIds, string? InterfaceId = null);

    /// <summary>Whether the side's groups let the connection out (egress) or in (ingress), and which rule did.</summary>
    public SecurityGroupDecision Check(Side self, Side peer, bool egress, string protocol, int port)
    {
        if (self.GroupIds.Count == 0)
        {
            return new SecurityGroupDecision(true, null, null, "no security groups apply (not a VPC interface)");
        }

        foreach (var groupId in self.GroupIds)
        {
            if (!_groups.TryGetValue(groupId, out var group))
            {
                continue;
            }

            foreach (var permission in egress ? group.IpPermissionsEgress : group.IpPermissions)
            {
                if (!ProtocolMatches(permission, protocol, port))
                {
                    continue;
                }

                var source = PeerMatch(permission, peer);
                if (source is not null)
                {
                    return new SecurityGroupDecision(true, group, permission, $"{group.GroupId} ({group.GroupName}) {(egress ? "egress" : "ingress")} {Describe(permission)} {(egress ? "to" : "from")} {source}");
                }
            }
        }

        var names = string.Join(", ", self.GroupIds.Select(id => _groups.TryGetValue(id, out var g) ? $"{id} ({g.GroupName})" : $"{id} (does not exist)"));
        return new SecurityGroupDecision(false, null, null, $"no {(egress ? "egress" : "ingress")} rule of {names} allows {protocol.ToUpperInvariant()}/{port} {(egress ? "to" : "from")} {peer.Address}");
    }

    /// <summary>The group of <paramref name="groupId"/>; null when the account has no such group (it then allows nothing).</summary>
    internal SecurityGroup? Group(string groupId) => _groups.GetValueOrDefault(groupId);

    /// <summary>Whether a permission covers <paramref name="protocol"/>/<paramref name="port"/>, whatever its peers.</summary>
    internal static bool ProtocolMatches(IpPermission permission, string protocol, int port)
    {
        var p = permission.IpProtocol.ToLowerInvariant();
        var wanted = protocol.ToLowerInvariant();
        if (p == "-1")
        {
            return true;
        }

        var number = wanted switch { "tcp" => "6", "udp" => "17", "icmp" => "1", "sctp" => "132", _ => wanted };
        if (p != wanted && p != number)
        {
            return false;
        }

        if (p is "tcp" or "udp" or "6" or "17")
        {
            return permission.FromPort is not { } from || permission.ToPort is not { } to || (port >= from && port <= to);
        }

        return true;
    }

    private string? PeerMatch(IpPermission permission, Side peer)
    {
        foreach (var range in permission.IpRanges ?? [])
        {
            if (CidrBlock.TryParse(range.CidrIp, out var cidr) && cidr.Contains(peer.Address))
            {
                return range.CidrIp;
            }
        }

        foreach (var range in permission.Ipv6Ranges ?? [])
        {
            if (CidrBlock.TryParse(range.CidrIpv6, out var cidr) && cidr.Contains(peer.Address))
            {
                return range.CidrIpv6;
            }
        }

        foreach (var pair in permission.UserIdGroupPairs ?? [])
        {
            if (peer.GroupIds.Contains(pair.GroupId))
            {
                return $"{pair.GroupId} ({(_groups.TryGetValue(pair.GroupId, out var g) ? g.GroupName : "?")})";
            }
        }

        foreach (var (label, cidr) in PrefixListCidrs(permission))
        {
            if (cidr.Contains(peer.Address))
            {
                return label;
            }
        }

        return null;
    }

    /// <summary>
    /// The CIDR blocks the prefix lists a permission names stand for — every entry of every list, each labelled as
    /// <c>pl-… (name) 10.0.0.0/8</c> — so a rule naming a list matches what a rule per entry would. The one place
    /// prefix lists are resolved: the pairwise check, the matrix's set algebra
    /// (<see cref="SecurityGroupClassSets"/>) and the matrix's address classes all read them here. A list that does
    /// not exist (EC2 refuses such a rule when it is authorized) stands for nothing.
    /// </summary>
    internal IEnumerable<(string Label, CidrBlock Cidr)> PrefixListCidrs(IpPermission permission)
    {
        foreach (var reference in permission.PrefixListIds ?? [])
        {
            if (PrefixLists.TryGet(reference.Id, out var list))
            {
                foreach (var entry in list.Entries)
                {
                    yield return ($"{reference.Id} ({list.Name}) {entry}", entry);
                }
            }
        }
    }

    private static string Describe(IpPermission permission) => permission.IpProtocol switch
    {
        "-1" => "all traffic",
        _ when permission.FromPort == permission.ToPort => $"{permission.IpProtocol.ToUpperInvariant()}/{permission.FromPort}",
        _ => $"{permission.IpProtocol.ToUpperInvariant()}/{permission.FromPort}-{permission.ToPort}",
    };
}

/// <summary>A security-group decision and the rule that made it.</summary>
public sealed record SecurityGroupDecision(bool Allowed, SecurityGroup? Group, IpPermission? Permission, string Explanation);
