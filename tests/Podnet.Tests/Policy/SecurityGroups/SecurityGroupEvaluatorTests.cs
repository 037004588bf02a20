using System.Net;
using Podnet.Aws.Ec2;
using Podnet.Policy.SecurityGroups;
using Podnet.Tests.TestSupport;

namespace Podnet.Tests.Policy.SecurityGroups;

public class SecurityGroupEvaluatorTests
{
    private readonly TestCloud _cloud = new();

    private SecurityGroupEvaluator Evaluator => SecurityGroupEvaluator.For(_cloud.Ec2);

    private static SecurityGroupEvaluator.Side Side(string ip, params string[] groups) => new(IPAddress.Parse(ip), groups);

    [Theory]
    [InlineData("tcp", 443, true)]
    [InlineData("tcp", 444, false)]
    [InlineData("udp", 443, false)]
    public void CidrRule_MatchesProtocolAndPortRange(string protocol, int port, bool allowed)
    {
        var web = _cloud.NewGroup("web");
        _cloud.Ec2.AuthorizeSecurityGroupIngress(web, [IpPermission.Tcp(440, 443, "10.0.0.0/8")]);
        Assert.Equal(allowed, Evaluator.Check(Side("192.168.0.10", web), Side("10.1.2.3"), egress: false, protocol, port).Allowed);
    }

    [Fact]
    public void CidrRule_DoesNotMatchAnAddressOutsideIt()
    {
        var web = _cloud.NewGroup("web");
        _cloud.Ec2.AuthorizeSecurityGroupIngress(web, [IpPermission.Tcp(80, "10.0.0.0/8")]);
        var decision = Evaluator.Check(Side("192.168.0.10", web), Side("172.16.0.1"), egress: false, "tcp", 80);
        Assert.False(decision.Allowed);
        Assert.Equal($"no ingress rule of {web} (web) allows TCP/80 from 172.16.0.1", decision.Explanation);
    }

    [Fact]
    public void ReferencedGroup_MatchesAnyInterfaceThatHasIt()
    {
        var db = _cloud.NewGroup("db");
        var app = _cloud.NewGroup("app");
        _cloud.Ec2.AuthorizeSecurityGroupIngress(db, [IpPermission.FromGroup("tcp", 5432, 5432, app)]);
        Assert.True(Evaluator.Check(Side("192.168.0.10", db), Side("192.168.0.20", app, _cloud.DefaultGroupId), egress: false, "tcp", 5432).Allowed);
        Assert.False(Evaluator.Check(Side("192.168.0.10", db), Side("192.168.0.20", _cloud.DefaultGroupId), egress: false, "tcp", 5432).Allowed);
    }

    [Fact]
    public void Ipv6Rule_MatchesIpv6Peers()
    {
        var web = _cloud.NewGroup("web");
        _cloud.Ec2.AuthorizeSecurityGroupIngress(web, [new IpPermission("tcp", 80, 80, Ipv6Ranges: [new Ipv6Range("2600:1f14::/32")])]);
        Assert.True(Evaluator.Check(Side("192.168.0.10", web), Side("2600:1f14::1"), egress: false, "tcp", 80).Allowed);
        Assert.False(Evaluator.Check(Side("192.168.0.10", web), Side("10.0.0.1"), egress: false, "tcp", 80).Allowed);
    }

    [Fact]
    public void AllTraffic_AndProtocolNumbers()
    {
        var any = _cloud.NewGroup("any");
        var sctp = _cloud.NewGroup("sctp");
        _cloud.Ec2.AuthorizeSecurityGroupIngress(any, [IpPermission.AllTraffic("0.0.0.0/0")]);
        _cloud.Ec2.AuthorizeSecurityGroupIngress(sctp, [new IpPermission("132", IpRanges: [new IpRange("0.0.0.0/0")])]);
        Assert.True(Evaluator.Check(Side("192.168.0.10", any), Side("8.8.8.8"), egress: false, "udp", 53).Allowed);
        Assert.True(Evaluator.Check(Side("192.168.0.10", sctp), Side("8.8.8.8"), egress: false, "sctp", 9).Allowed);
        Assert.False(Evaluator.Check(Side("192.168.0.10", sctp), Side("8.8.8.8"), egress: false, "tcp", 9).Allowed);
    }

    [Fact]
    public void DefaultEgress_AllowsEverything_RevokedEgressNothing()
    {
        var group = _cloud.NewGroup("g");
        Assert.True(Evaluator.Check(Side("192.168.0.10", group), Side("1.1.1.1"), egress: true, "tcp", 443).Allowed);
        _cloud.Ec2.RevokeSecurityGroupEgress(new RevokeSecurityGroupRequest(group, [IpPermission.AllTraffic("0.0.0.0/0")]));
        Assert.False(Evaluator.Check(Side("192.168.0.10", group), Side("1.1.1.1"), egress: true, "tcp", 443).Allowed);
    }

    [Fact]
    public void UnionOfGroups_AnyGroupMayAllow()
    {
        var a = _cloud.NewGroup("a");
        var b = _cloud.NewGroup("b");
        _cloud.Ec2.AuthorizeSecurityGroupIngress(b, [IpPermission.Udp(53, "10.0.0.0/8")]);
        var decision = Evaluator.Check(Side("192.168.0.10", a, b), Side("10.0.0.1"), egress: false, "udp", 53);
        Assert.True(decision.Allowed);
        Assert.Equal(b, decision.Group!.GroupId);
    }

    [Fact]
    public void PrefixListRule_MatchesTheListsEntries_AndNothingElse()
    {
        var g = _cloud.NewGroup("g");
        var corp = _cloud.Ec2.CreateManagedPrefixList(new CreateManagedPrefixListRequest("corp", "IPv4", 5, [new PrefixListEntry("10.1.0.0/16"), new PrefixListEntry("198.51.100.0/24")])).PrefixListId;
        _cloud.Ec2.AuthorizeSecurityGroupIngress(g, [new IpPermission("tcp", 443, 443, PrefixListIds: [new PrefixListId(corp)])]);

        var inside = Evaluator.Check(Side("192.168.0.10", g), Side("198.51.100.7"), egress: false, "tcp", 443);

        Assert.True(inside.Allowed);
        Assert.Equal($"{g} (g) ingress TCP/443 from {corp} (corp) 198.51.100.0/24", inside.Explanation);
        Assert.False(Evaluator.Check(Side("192.168.0.10", g), Side("10.2.0.1"), egress: false, "tcp", 443).Allowed);
        Assert.False(Evaluator.Check(Side("192.168.0.10", g), Side("10.1.0.1"), egress: false, "tcp", 80).Allowed);
    }

    [Fact]
    public void PrefixListRule_OfAListWhoseDeleteFailed_StillMatchesItsEntries()
    {
        // EC2 does not delete a list a rule still names: it stays, delete-failed, and the rule keeps its addresses.
        var g = _cloud.NewGroup("g");
        var corp = _cloud.Ec2.CreateManagedPrefixList(new CreateManagedPrefixListRequest("corp", "IPv4", 1, [new PrefixListEntry("10.1.0.0/16")])).PrefixListId;
        _cloud.Ec2.AuthorizeSecurityGroupIngress(g, [new IpPermission("-1", PrefixListIds: [new PrefixListId(corp)])]);
        var before = _cloud.Ec2.SecurityRevision;

        _cloud.Ec2.DeleteManagedPrefixList(corp);

        Assert.Equal("delete-failed", _cloud.Ec2.DescribeManagedPrefixLists(DescribeRequest.ForIds(corp))[0].State);
        Assert.True(Evaluator.Check(Side("192.168.0.10", g), Side("10.1.0.1"), egress: false, "tcp", 443).Allowed);
        Assert.Equal(before, _cloud.Ec2.SecurityRevision);
    }
}
