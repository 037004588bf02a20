using System.Globalization;
using Podnet.Net;

namespace Podnet.Aws.Ec2;

public sealed partial class Ec2Backend
{
    private readonly Dictionary<string, SecurityGroupEntity> _groups = new(StringComparer.Ordinal);

    private long _securityRevision;

    /// <summary>
    /// Counts the changes that can change what a security group lets through: rules authorized or revoked, an
    /// interface's groups replaced. The kubelet's probes rest while it stays the same (a probe that passed passes again).
    /// </summary>
    public long SecurityRevision
    {
        get
        {
            lock (_lock)
            {
                return _securityRevision;
            }
        }
    }

    public string CreateSecurityGroup(CreateSecurityGroupRequest request)
    {
        lock (_lock)
        {
            if (string.IsNullOrEmpty(request.GroupName))
            {
                throw Ec2Errors.MissingParameter("groupName");
            }

            if (string.IsNullOrEmpty(request.Description))
            {
                throw Ec2Errors.MissingParameter("groupDescription");
            }

            if (request.GroupName.Length > 255 || request.Description.Length > 255)
            {
                throw Ec2Errors.InvalidParameterValue("The group name and description can be up to 255 characters long.");
            }

            if (request.GroupName.StartsWith("sg-", StringComparison.OrdinalIgnoreCase))
            {
                throw Ec2Errors.GroupNameMalformed();
            }

            if (string.Equals(request.GroupName, "default", StringComparison.OrdinalIgnoreCase))
            {
                throw Ec2Errors.GroupNameReserved(request.GroupName);
            }

            var vpc = FindVpc(request.VpcId);
            if (_groups.Values.Any(g => g.VpcId == vpc.Id && string.Equals(g.Name, request.GroupName, StringComparison.OrdinalIgnoreCase)))
            {
                throw Ec2Errors.GroupDuplicate(request.GroupName, vpc.Id);
            }

            if (_groups.Values.Count(g => g.VpcId == vpc.Id) >= Options.SecurityGroupsPerVpc)
            {
                throw Ec2Errors.SecurityGroupLimitExceeded(vpc.Id);
            }

            return AddSecurityGroup(vpc, request.GroupName, request.Description, request.GroupId, TagsOf(request.Tags)).Id;
        }
    }

    public IReadOnlyList<SecurityGroup> DescribeSecurityGroups(DescribeRequest? request = null)
    {
        request ??= DescribeRequest.All;
        lock (_lock)
        {
            var selected = Select(request.Ids, id => _groups.GetValueOrDefault(id), Ec2Errors.GroupNotFound, _groups.Values);
            return [.. SecurityGroupFilters.Apply(selected.Select(ToSecurityGroup), request.Filters)];
        }
    }

    public IReadOnlyList<SecurityGroupRule> DescribeSecurityGroupRules(DescribeRequest? request = null)
    {
        request ??= DescribeRequest.All;
        lock (_lock)
        {
            var all = _groups.Values.SelectMany(g => g.Rules);
            var selected = Select(request.Ids, id => all.FirstOrDefault(r => r.SecurityGroupRuleId == id), Ec2Errors.SecurityGroupRuleNotFound, all);
            return [.. RuleFilters.Apply(selected, request.Filters)];
        }
    }

    public IReadOnlyList<SecurityGroupRule> AuthorizeSecurityGroupIngress(string groupId, IReadOnlyList<IpPermission> permissions)
        => Authorize(groupId, permissions, egress: false);

    public IReadOnlyList<SecurityGroupRule> AuthorizeSecurityGroupEgress(string groupId, IReadOnlyList<IpPermission> permissions)
        => Authorize(groupId, permissions, egress: true);

    public RevokeSecurityGroupResult RevokeSecurityGroupIngress(RevokeSecurityGroupRequest request) => Revoke(request, egress: false);

    public RevokeSecurityGroupResult RevokeSecurityGroupEgress(RevokeSecurityGroupRequest request) => Revoke(request, egress: true);

    public void DeleteSecurityGroup(string groupId)
    {
        lock (_lock)
        {
            // A terminated instance's deleted interfaces no longer use the group.
            SettleInstances();
            var group = FindGroup(groupId);
            if (group.Name == "default")
            {
                throw Ec2Errors.DefaultGroupNotDeletable(groupId);
            }

            var inUse = _interfaces.Values.Any(e => e.GroupIds.Contains(groupId));
            var referenced = _groups.Values.Any(g => g.Id != groupId && g.Rules.Exists(r => r.ReferencedGroupInfo?.GroupId == groupId));
            if (inUse || referenced)
            {
                throw Ec2Errors.GroupHasDependents(groupId);
            }

            _groups.Remove(groupId);
        }
    }

    private SecurityGroupEntity FindGroup(string groupId) => _groups.GetValueOrDefault(groupId) ?? throw Ec2Errors.GroupNotFound(groupId);

    private SecurityGroupEntity AddSecurityGroup(VpcEntity vpc, string name, string description, string? givenId, IReadOnlyList<Tag> tags)
    {
        // A group's name is unique in its VPC (InvalidGroup.Duplicate): the name is the group's identity.
        var group = new SecurityGroupEntity(NewId("sg", givenId, "InvalidGroupId.Malformed", $"{vpc.Id}|{name}"), name, description, vpc.Id) { Tags = [.. tags] };
        _groups.Add(group.Id, group);

        // A new group allows all outbound traffic until its owner says otherwise.
        AddRule(group, egress: true, "-1", null, null, new RulePeer(CidrIpv4: "0.0.0.0/0"), description: null);
        return group;
    }

    private SecurityGroupRule AddRule(SecurityGroupEntity group, bool egress, string protocol, int? fromPort, int? toPort, RulePeer peer, string? description)
    {
        // A rule is its group, direction, protocol, ports and peer (EC2 refuses a duplicate).
        var ruleId = _ids.Next("sgr", $"{group.Id}|{(egress ? "egress" : "ingress")}|{protocol}|{fromPort}|{toPort}|{peer.Display}");
        var rule = new SecurityGroupRule(
            ruleId,
            group.Id,
            AccountId,
            egress,
            protocol,
            fromPort ?? -1,
            toPort ?? -1,
            peer.CidrIpv4,
            peer.CidrIpv6,
            peer.PrefixListId,
            peer.GroupId is null ? null : new ReferencedSecurityGroup(peer.GroupId, AccountId, _groups.GetValueOrDefault(peer.GroupId)?.VpcId),
            description,
            Arn("security-group-rule", ruleId),
            []);
        group.Rules.Add(rule);
        return rule;
    }

    private List<SecurityGroupRule> Authorize(string groupId, IReadOnlyList<IpPermission> permissions, bool egress)
    {
        lock (_lock)
        {
            var group = FindGroup(groupId);
            if (permissions.Count == 0)
            {
                throw Ec2Errors.MissingParameter("ipPermissions");
            }

            // Validate and expand everything first: a rejected request adds no rule at all.
            var wanted = new List<(RuleKey Key, string? Description)>();
            foreach (var permission in permissions)
            {
                var (protocol, from, to) = NormalizeProtocolAndPorts(permission);
                foreach (var (peer, description) in PeersOf(permission, group))
                {
                    var key = new RuleKey(egress, protocol, from, to, peer);
                    if (group.Rules.Exists(r => KeyOf(r) == key) || wanted.Exists(w => w.Key == key))
                    {
                        throw Ec2Errors.PermissionDuplicate(peer.Display, protocol, from, to);
                    }

                    wanted.Add((key, description));
                }
            }

            if (wanted.Count == 0)
            {
                throw Ec2Errors.PermissionMalformed("Each IpPermission needs at least one source or destination (IpRanges, Ipv6Ranges, PrefixListIds or UserIdGroupPairs).");
            }

            var direction = group.Rules.Where(r => r.IsEgress == egress).Select(KeyOf).Concat(wanted.Select(w => w.Key)).ToList();
            if (direction.Where(k => k.Peer.CountsAsIpv4).Sum(k => QuotaWeight(k.Peer)) > Options.RulesPerSecurityGroup
                || direction.Where(k => k.Peer.CountsAsIpv6).Sum(k => QuotaWeight(k.Peer)) > Options.RulesPerSecurityGroup)
            {
                throw Ec2Errors.RulesPerSecurityGroupLimitExceeded();
            }

            _securityRevision++;
            return [.. wanted.Select(w => AddRule(group, egress, w.Key.Protocol, w.Key.FromPort, w.Key.ToPort, w.Key.Peer, w.Description))];
        }
    }

    private RevokeSecurityGroupResult Revoke(RevokeSecurityGroupRequest request, bool egress)
    {
        lock (_lock)
        {
            var group = FindGroup(request.GroupId);
            var revoked = new List<SecurityGroupRule>();
            var unknown = new List<IpPermission>();

            if (request.SecurityGroupRuleIds is { Count: > 0 } ruleIds)
            {
                foreach (var id in ruleIds)
                {
                    var rule = group.Rules.Find(r => r.SecurityGroupRuleId == id && r.IsEgress == egress)
                               ?? throw Ec2Errors.SecurityGroupRuleNotFound(id);
                    revoked.Add(rule);
                }
            }
            else if (request.IpPermissions is { Count: > 0 } permissions)
            {
                foreach (var permission in permissions)
                {
                    var (protocol, from, to) = NormalizeProtocolAndPorts(permission);
                    foreach (var (peer, _) in PeersOf(permission, group))
                    {
                        var key = new RuleKey(egress, protocol, from, to, peer);
                        var rule = group.Rules.Find(r => KeyOf(r) == key);
                        if (rule is null)
                        {
                            unknown.Add(permission);
                        }
                        else if (!revoked.Contains(rule))
                        {
                            revoked.Add(rule);
                        }
                    }
                }

                if (revoked.Count == 0)
                {
                    throw Ec2Errors.PermissionNotFound();
                }
            }
            else
            {
                throw Ec2Errors.MissingParameter("ipPermissions");
            }

            group.Rules.RemoveAll(revoked.Contains);
            _securityRevision++;
            return new RevokeSecurityGroupResult(revoked, [.. unknown.Distinct()]);
        }
    }

    /// <summary>EC2's protocol names and port rules: tcp/udp need a port range, ICMP takes type and code, others none.</summary>
    private static (string Protocol, int? From, int? To) NormalizeProtocolAndPorts(IpPermission permission)
    {
        var protocol = NormalizeProtocol(permission.IpProtocol);
        switch (protocol)
        {
            case "tcp" or "udp":
                if (permission.FromPort is not { } from || permission.ToPort is not { } to)
                {
                    throw Ec2Errors.InvalidParameterValue("Invalid value for portRange. Must specify both from and to ports with TCP/UDP.");
                }

                if (from is < 0 or > 65535 || to is < 0 or > 65535 || from > to)
                {
                    throw Ec2Errors.InvalidParameterValue($"Invalid value for portRange. The port range {from}-{to} is not valid: ports are 0 to 65535 and from may not exceed to.");
                }

                return (protocol, from, to);
            case "icmp" or "icmpv6":
                var type = permission.FromPort ?? -1;
                var code = permission.ToPort ?? -1;
                if (type is < -1 or > 255 || code is < -1 or > 255 || (type == -1 && code != -1))
                {
                    throw Ec2Errors.InvalidParameterValue($"Invalid value for ICMP type {type} and code {code}: each is -1 (all) or 0 to 255, and a code needs a type.");
                }

                return (protocol, type, code);
            default:
                return (protocol, null, null);
        }
    }

    private static string NormalizeProtocol(string protocol)
    {
        var lower = protocol.Trim().ToLowerInvariant();
        return lower switch
        {
            "-1" or "all" => "-1",
            "tcp" or "6" => "tcp",
            "udp" or "17" => "udp",
            "icmp" or "1" => "icmp",
            "icmpv6" or "58" => "icmpv6",
            _ when int.TryParse(lower, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is >= 0 and <= 255 => n.ToString(CultureInfo.InvariantCulture),
            _ => throw Ec2Errors.InvalidParameterValue($"Invalid value '{protocol}' for IP protocol. Unknown protocol."),
        };
    }

    private IEnumerable<(RulePeer Peer, string? Description)> PeersOf(IpPermission permission, SecurityGroupEntity group)
    {
        foreach (var range in permission.IpRanges ?? [])
        {
            if (!CidrBlock.TryParse(range.CidrIp, out var cidr) || !cidr.IsIPv4)
            {
                throw Ec2Errors.InvalidParameterValue($"CIDR block {range.CidrIp} is malformed");
            }

            yield return (new RulePeer(CidrIpv4: cidr.ToString()), range.Description);
        }

        foreach (var range in permission.Ipv6Ranges ?? [])
        {
            if (!CidrBlock.TryParse(range.CidrIpv6, out var cidr) || cidr.IsIPv4)
            {
                throw Ec2Errors.InvalidParameterValue($"CIDR block {range.CidrIpv6} is malformed");
            }

            yield return (new RulePeer(CidrIpv6: cidr.ToString()), range.Description);
        }

        foreach (var prefixList in permission.PrefixListIds ?? [])
        {
            if (!IsWellFormedId(prefixList.Id, "pl"))
            {
                throw Ec2Errors.MalformedId("InvalidPrefixListId.Malformed", "pl", prefixList.Id);
            }

            if (!_prefixLists.ContainsKey(prefixList.Id))
            {
                throw Ec2Errors.ReferencedPrefixListNotFound(prefixList.Id);
            }

            yield return (new RulePeer(PrefixListId: prefixList.Id), prefixList.Description);
        }

        foreach (var pair in permission.UserIdGroupPairs ?? [])
        {
            var referenced = FindGroup(pair.GroupId);
            if (referenced.VpcId != group.VpcId)
            {
                throw Ec2Errors.InvalidParameterValue($"You have specified two resources that belong to different networks: {group.Id} is in {group.VpcId} and {referenced.Id} is in {referenced.VpcId}.");
            }

            yield return (new RulePeer(GroupId: referenced.Id), pair.Description);
        }
    }

    /// <summary>
    /// How many rules a rule counts as against the rules-per-group quota: a prefix list counts as its MaxEntries, not
    /// as the entries it has (Amazon VPC User Guide, "Reference prefix lists in your AWS resources": "the maximum
    /// number of entries for the prefix lists counts against the quota for the number of entries for the resource");
    /// any other peer as one.
    /// </summary>
    private int QuotaWeight(RulePeer peer)
        => peer.PrefixListId is { } id && _prefixLists.TryGetValue(id, out var list) ? list.MaxEntries : 1;

    private static RuleKey KeyOf(SecurityGroupRule rule) => new(
        rule.IsEgress,
        rule.IpProtocol,
        rule.IpProtocol is "tcp" or "udp" or "icmp" or "icmpv6" ? rule.FromPort : null,
        rule.IpProtocol is "tcp" or "udp" or "icmp" or "icmpv6" ? rule.ToPort : null,
        new RulePeer(rule.CidrIpv4, rule.CidrIpv6, rule.PrefixListId, rule.ReferencedGroupInfo?.GroupId));

    private SecurityGroup ToSecurityGroup(SecurityGroupEntity group) => new(
        group.Id,
        group.Name,
        group.Description,
        group.VpcId,
        AccountId,
        Arn("security-group", group.Id),
        ToPermissions(group.Rules.Where(r => !r.IsEgress)),
        ToPermissions(group.Rules.Where(r => r.IsEgress)),
        [.. group.Tags]);

    /// <summary>Folds rules back into EC2's IpPermissions: one permission per protocol and port range.</summary>
    private static List<IpPermission> ToPermissions(IEnumerable<SecurityGroupRule> rules)
    {
        var result = new List<IpPermission>();
        foreach (var same in rules.GroupBy(r => (r.IpProtocol, r.FromPort, r.ToPort)))
        {
            var hasPorts = same.Key.IpProtocol is "tcp" or "udp" or "icmp" or "icmpv6";
            result.Add(new IpPermission(
                same.Key.IpProtocol,
                hasPorts ? same.Key.FromPort : null,
                hasPorts ? same.Key.ToPort : null,
                [.. same.Where(r => r.CidrIpv4 is not null).Select(r => new IpRange(r.CidrIpv4!, r.Description))],
                [.. same.Where(r => r.CidrIpv6 is not null).Select(r => new Ipv6Range(r.CidrIpv6!, r.Description))],
                [.. same.Where(r => r.PrefixListId is not null).Select(r => new PrefixListId(r.PrefixListId!, r.Description))],
                // A pair names a VPC only for a group across a peering; a group of the same VPC (the only kind
                // authorize accepts here) is GroupId and UserId, as describe-security-groups prints it.
                [.. same.Where(r => r.ReferencedGroupInfo is not null).Select(r => new UserIdGroupPair(r.ReferencedGroupInfo!.GroupId, r.ReferencedGroupInfo.UserId, null, r.Description))]));
        }

        return result;
    }

    private static readonly FilterMatcher<SecurityGroup> SecurityGroupFilters = new(
        new Dictionary<string, Func<SecurityGroup, IEnumerable<string?>>>(StringComparer.Ordinal)
        {
            ["group-id"] = g => Field.One(g.GroupId),
            ["group-name"] = g => Field.One(g.GroupName),
            ["description"] = g => Field.One(g.Description),
            ["vpc-id"] = g => Field.One(g.VpcId),
            ["owner-id"] = g => Field.One(g.OwnerId),
            ["ip-permission.protocol"] = g => g.IpPermissions.Select(p => p.IpProtocol),
            ["ip-permission.cidr"] = g => g.IpPermissions.SelectMany(p => p.IpRanges ?? []).Select(r => r.CidrIp),
            ["ip-permission.group-id"] = g => g.IpPermissions.SelectMany(p => p.UserIdGroupPairs ?? []).Select(r => r.GroupId),
            ["egress.ip-permission.cidr"] = g => g.IpPermissionsEgress.SelectMany(p => p.IpRanges ?? []).Select(r => r.CidrIp),
            ["egress.ip-permission.group-id"] = g => g.IpPermissionsEgress.SelectMany(p => p.UserIdGroupPairs ?? []).Select(r => r.GroupId),
        },
        g => g.Tags);

    private static readonly FilterMatcher<SecurityGroupRule> RuleFilters = new(
        new Dictionary<string, Func<SecurityGroupRule, IEnumerable<string?>>>(StringComparer.Ordinal)
        {
            ["group-id"] = r => Field.One(r.GroupId),
            ["security-group-rule-id"] = r => Field.One(r.SecurityGroupRuleId),
        },
        r => r.Tags);

    private sealed class SecurityGroupEntity(string id, string name, string description, string vpcId)
    {
        public string Id { get; } = id;

        public string Name { get; } = name;

        public string Description { get; } = description;

        public string VpcId { get; } = vpcId;

        /// <summary>What EC2 stores: one rule per source or destination, in the order they were added.</summary>
        public List<SecurityGroupRule> Rules { get; } = [];

        public List<Tag> Tags { get; set; } = [];
    }

    /// <summary>Exactly one of the four is set.</summary>
    private sealed record RulePeer(string? CidrIpv4 = null, string? CidrIpv6 = null, string? PrefixListId = null, string? GroupId = null)
    {
        public string Display => CidrIpv4 ?? CidrIpv6 ?? PrefixListId ?? GroupId ?? string.Empty;

        // AWS counts a group or prefix-list reference against both the IPv4 and the IPv6 rule quota.
        public bool CountsAsIpv4 => CidrIpv6 is null;

        public bool CountsAsIpv6 => CidrIpv4 is null;
    }

    private sealed record RuleKey(bool Egress, string Protocol, int? FromPort, int? ToPort, RulePeer Peer);
}
