using Podnet.Aws;
using Podnet.Aws.Ec2;
using Podnet.Tests.TestSupport;
using static Podnet.Tests.TestSupport.TestCloud;

namespace Podnet.Tests.Aws.Ec2;

public class SecurityGroupTests
{
    private readonly TestCloud _cloud = new();

    private Ec2Backend Ec2 => _cloud.Ec2;

    private SecurityGroup Group(string id) => Ec2.DescribeSecurityGroups(DescribeRequest.ForIds(id))[0];

    [Fact]
    public void CreateSecurityGroup_HasDefaultEgressAllowAll_AndNoIngress()
    {
        var id = _cloud.NewGroup("pods");
        var group = Group(id);

        Assert.Matches("^sg-[0-9a-f]{17}$", id);
        Assert.Empty(group.IpPermissions);
        var egress = Assert.Single(group.IpPermissionsEgress);
        Assert.Equal("-1", egress.IpProtocol);
        Assert.Null(egress.FromPort);
        Assert.Equal("0.0.0.0/0", Assert.Single(egress.IpRanges!).CidrIp);
    }

    [Fact]
    public void CreateSecurityGroup_DuplicateName_IsInvalidGroupDuplicate()
    {
        _cloud.NewGroup("web");
        var error = Throws(() => _cloud.NewGroup("WEB"));
        Assert.Equal("InvalidGroup.Duplicate", error.Code);
        Assert.Equal($"The security group 'WEB' already exists for VPC '{_cloud.Vpc.VpcId}'", error.Message);

        // The same name in another VPC is fine.
        var other = Ec2.CreateVpc(new CreateVpcRequest("10.0.0.0/16"));
        Ec2.CreateSecurityGroup(new CreateSecurityGroupRequest("web", "web", other.VpcId));
    }

    [Theory]
    [InlineData("default", "InvalidGroup.Reserved")]
    [InlineData("sg-mine", "InvalidParameterValue")]
    public void CreateSecurityGroup_ReservedOrMalformedName_IsRejected(string name, string code)
        => Assert.Equal(code, Throws(() => _cloud.NewGroup(name)).Code);

    [Fact]
    public void Authorize_GivesOneRulePerSource_WithRuleIds()
    {
        var id = _cloud.NewGroup("db");
        var web = _cloud.NewGroup("web");
        var rules = Ec2.AuthorizeSecurityGroupIngress(id,
        [
            new IpPermission("tcp", 5432, 5432,
                IpRanges: [new IpRange("10.0.0.0/16"), new IpRange("10.1.0.0/16", "office")],
                UserIdGroupPairs: [new UserIdGroupPair(web)]),
        ]);

        Assert.Equal(3, rules.Count);
        Assert.All(rules, r => Assert.Matches("^sgr-[0-9a-f]{17}$", r.SecurityGroupRuleId));
        Assert.Equal(["10.0.0.0/16", "10.1.0.0/16", null], rules.Select(r => r.CidrIpv4));
        Assert.Equal("office", rules[1].Description);
        Assert.Equal(web, rules[2].ReferencedGroupInfo!.GroupId);
        Assert.All(rules, r => Assert.False(r.IsEgress));

        // Describe folds them back into one permission.
        var permission = Assert.Single(Group(id).IpPermissions);
        Assert.Equal(2, permission.IpRanges!.Count);
        Assert.Equal(web, Assert.Single(permission.UserIdGroupPairs!).GroupId);
        Assert.Equal(3, Ec2.DescribeSecurityGroupRules(DescribeRequest.Where(new Filter("group-id", id))).Count(r => !r.IsEgress));
    }

    [Fact]
    public void Authorize_Duplicate_IsInvalidPermissionDuplicate_AndAddsNothing()
    {
        var id = _cloud.NewGroup("web");
        Ec2.AuthorizeSecurityGroupIngress(id, [IpPermission.Tcp(80, "0.0.0.0/0")]);

        var error = Throws(() => Ec2.AuthorizeSecurityGroupIngress(id, [IpPermission.Tcp(443, "0.0.0.0/0"), IpPermission.Tcp(80, "0.0.0.0/0")]));
        Assert.Equal("InvalidPermission.Duplicate", error.Code);
        Assert.Equal("the specified rule \"peer: 0.0.0.0/0, TCP, from port: 80, to port: 80, ALLOW\" already exists", error.Message);
        Assert.Single(Group(id).IpPermissions);
    }

    [Fact]
    public void Authorize_DuplicateEgressAllowAll_SaysAll()
    {
        var id = _cloud.NewGroup("web");
        var error = Throws(() => Ec2.AuthorizeSecurityGroupEgress(id, [IpPermission.AllTraffic("0.0.0.0/0")]));
        Assert.Equal("the specified rule \"peer: 0.0.0.0/0, ALL, ALLOW\" already exists", error.Message);
    }

    [Theory]
    [InlineData("6", "tcp")]
    [InlineData("TCP", "tcp")]
    [InlineData("17", "udp")]
    [InlineData("all", "-1")]
    [InlineData("50", "50")]
    public void Authorize_NormalizesProtocols(string given, string stored)
    {
        var id = _cloud.NewGroup("p");
        var rule = Ec2.AuthorizeSecurityGroupIngress(id, [new IpPermission(given, 53, 53, IpRanges: [new IpRange("10.0.0.0/8")])])[0];
        Assert.Equal(stored, rule.IpProtocol);
    }

    [Fact]
    public void Authorize_Icmp_TakesTypeAndCode()
    {
        var id = _cloud.NewGroup("p");
        var rule = Ec2.AuthorizeSecurityGroupIngress(id, [new IpPermission("icmp", 8, -1, IpRanges: [new IpRange("10.0.0.0/8")])])[0];
        Assert.Equal((8, -1), (rule.FromPort, rule.ToPort));
        Assert.Equal("InvalidParameterValue", Throws(() => Ec2.AuthorizeSecurityGroupIngress(id, [new IpPermission("icmp", -1, 0, IpRanges: [new IpRange("10.0.0.0/8")])])).Code);
    }

    [Theory]
    [InlineData("tcp", null, null)]
    [InlineData("tcp", 90, 80)]
    [InlineData("udp", 0, 70000)]
    [InlineData("gre", 1, 1)]
    public void Authorize_BadProtocolOrPorts_IsInvalidParameterValue(string protocol, int? from, int? to)
    {
        var id = _cloud.NewGroup("p");
        Assert.Equal("InvalidParameterValue", Throws(() => Ec2.AuthorizeSecurityGroupIngress(id, [new IpPermission(protocol, from, to, IpRanges: [new IpRange("10.0.0.0/8")])])).Code);
    }

    [Fact]
    public void Authorize_Ipv6AndPrefixList_AreSources()
    {
        var id = _cloud.NewGroup("p");
        var list = Ec2.CreateManagedPrefixList(new CreateManagedPrefixListRequest("corp", "IPv4", 2, [new PrefixListEntry("10.1.0.0/16")])).PrefixListId;
        var rules = Ec2.AuthorizeSecurityGroupIngress(id,
            [new IpPermission("tcp", 443, 443, Ipv6Ranges: [new Ipv6Range("::/0")], PrefixListIds: [new PrefixListId(list)])]);
        Assert.Equal("::/0", rules[0].CidrIpv6);
        Assert.Equal(list, rules[1].PrefixListId);
        Assert.Equal("InvalidPrefixListId.Malformed", Throws(() => Ec2.AuthorizeSecurityGroupIngress(id, [new IpPermission("tcp", 1, 1, PrefixListIds: [new PrefixListId("s3")])])).Code);
        Assert.Equal("InvalidParameterValue", Throws(() => Ec2.AuthorizeSecurityGroupIngress(id, [new IpPermission("tcp", 1, 1, IpRanges: [new IpRange("10.0.0.1/8")])])).Code);
    }

    [Fact]
    public void Authorize_UnknownPrefixList_IsInvalidPrefixListIdNotFound_AndAddsNoRule()
    {
        var id = _cloud.NewGroup("p");

        var error = Throws(() => Ec2.AuthorizeSecurityGroupIngress(id,
            [new IpPermission("tcp", 5432, 5432, IpRanges: [new IpRange("10.0.0.0/8")], PrefixListIds: [new PrefixListId("pl-0123456789abcdef0")])]));

        Assert.Equal(("InvalidPrefixListID.NotFound", "The prefix list ID 'pl-0123456789abcdef0' does not exist."), (error.Code, error.Message));
        Assert.Empty(Ec2.DescribeSecurityGroups(DescribeRequest.ForIds(id))[0].IpPermissions);
    }

    [Fact]
    public void Authorize_PrefixList_CountsAsItsMaxEntries_AgainstTheRulesQuota()
    {
        // A list with MaxEntries 50 takes 50 of the 60 rules, however few entries it has; 10 more rules fit, not 11.
        var id = _cloud.NewGroup("p");
        var list = Ec2.CreateManagedPrefixList(new CreateManagedPrefixListRequest("big", "IPv4", 50, [new PrefixListEntry("10.1.0.0/16")])).PrefixListId;
        Ec2.AuthorizeSecurityGroupIngress(id, [new IpPermission("tcp", 443, 443, PrefixListIds: [new PrefixListId(list)])]);
        Ec2.AuthorizeSecurityGroupIngress(id, [IpPermission.Tcp(1, 10, [.. Enumerable.Range(1, 10).Select(i => $"10.9.{i}.0/24")])]);

        var error = Throws(() => Ec2.AuthorizeSecurityGroupIngress(id, [IpPermission.Tcp(80, "10.8.0.0/16")]));

        Assert.Equal(("RulesPerSecurityGroupLimitExceeded", "The maximum number of rules per security group has been reached."), (error.Code, error.Message));
    }

    [Fact]
    public void Authorize_UnknownGroup_OrReferencedGroupMissing_IsInvalidGroupNotFound()
    {
        var id = _cloud.NewGroup("p");
        var error = Throws(() => Ec2.AuthorizeSecurityGroupIngress("sg-0000000000000000a", [IpPermission.Tcp(80, "0.0.0.0/0")]));
        Assert.Equal("InvalidGroup.NotFound", error.Code);
        Assert.Equal("The security group 'sg-0000000000000000a' does not exist", error.Message);
        Assert.Equal("InvalidGroup.NotFound", Throws(() => Ec2.AuthorizeSecurityGroupIngress(id, [IpPermission.FromGroup("tcp", 80, 80, "sg-0000000000000000b")])).Code);
    }

    [Fact]
    public void Authorize_BeyondRuleQuota_IsRulesPerSecurityGroupLimitExceeded()
    {
        var id = _cloud.NewGroup("p");
        var sixty = Enumerable.Range(1, 60).Select(i => IpPermission.Tcp(i, "10.0.0.0/8")).ToList();
        Ec2.AuthorizeSecurityGroupIngress(id, sixty);

        var error = Throws(() => Ec2.AuthorizeSecurityGroupIngress(id, [IpPermission.Tcp(61, "10.0.0.0/8")]));
        Assert.Equal("RulesPerSecurityGroupLimitExceeded", error.Code);
        Assert.Equal("The maximum number of rules per security group has been reached.", error.Message);

        // The quota counts IPv4 and IPv6 separately, and each direction separately.
        Ec2.AuthorizeSecurityGroupIngress(id, [new IpPermission("tcp", 61, 61, Ipv6Ranges: [new Ipv6Range("::/0")])]);
        Ec2.AuthorizeSecurityGroupEgress(id, [IpPermission.Tcp(61, "10.0.0.0/8")]);
    }

    [Fact]
    public void RevokeByPermission_RemovesOnlyThatSource()
    {
        var id = _cloud.NewGroup("p");
        Ec2.AuthorizeSecurityGroupIngress(id, [IpPermission.Tcp(80, "10.0.0.0/8", "172.16.0.0/12")]);

        var result = Ec2.RevokeSecurityGroupIngress(new RevokeSecurityGroupRequest(id, [IpPermission.Tcp(80, "10.0.0.0/8")]));
        Assert.Equal("10.0.0.0/8", Assert.Single(result.RevokedSecurityGroupRules).CidrIpv4);
        Assert.Equal("172.16.0.0/12", Assert.Single(Assert.Single(Group(id).IpPermissions).IpRanges!).CidrIp);
    }

    [Fact]
    public void RevokeByPermission_NothingMatches_IsInvalidPermissionNotFound()
    {
        var id = _cloud.NewGroup("p");
        var error = Throws(() => Ec2.RevokeSecurityGroupIngress(new RevokeSecurityGroupRequest(id, [IpPermission.Tcp(22, "0.0.0.0/0")])));
        Assert.Equal("InvalidPermission.NotFound", error.Code);
        Assert.Equal("The specified rule does not exist in this security group.", error.Message);
    }

    [Fact]
    public void RevokeByPermission_PartlyUnknown_ReportsUnknownPermissions()
    {
        var id = _cloud.NewGroup("p");
        Ec2.AuthorizeSecurityGroupIngress(id, [IpPermission.Tcp(80, "10.0.0.0/8")]);
        var result = Ec2.RevokeSecurityGroupIngress(new RevokeSecurityGroupRequest(id, [IpPermission.Tcp(80, "10.0.0.0/8"), IpPermission.Tcp(81, "10.0.0.0/8")]));
        Assert.Single(result.RevokedSecurityGroupRules);
        Assert.Equal(81, Assert.Single(result.UnknownIpPermissions).FromPort);
    }

    [Fact]
    public void RevokeByRuleId_RemovesRule_UnknownIdIsNotFound_AndNothingRemoved()
    {
        var id = _cloud.NewGroup("p");
        var rules = Ec2.AuthorizeSecurityGroupIngress(id, [IpPermission.Tcp(80, "10.0.0.0/8"), IpPermission.Udp(53, "10.0.0.0/8")]);

        var error = Throws(() => Ec2.RevokeSecurityGroupIngress(new RevokeSecurityGroupRequest(id, SecurityGroupRuleIds: [rules[0].SecurityGroupRuleId, "sgr-00000000000000000"])));
        Assert.Equal("InvalidSecurityGroupRuleId.NotFound", error.Code);
        Assert.Equal(2, Group(id).IpPermissions.Count);

        Ec2.RevokeSecurityGroupIngress(new RevokeSecurityGroupRequest(id, SecurityGroupRuleIds: [rules[0].SecurityGroupRuleId]));
        Assert.Equal("udp", Assert.Single(Group(id).IpPermissions).IpProtocol);

        // An ingress rule cannot be revoked as egress.
        Assert.Equal("InvalidSecurityGroupRuleId.NotFound", Throws(() => Ec2.RevokeSecurityGroupEgress(new RevokeSecurityGroupRequest(id, SecurityGroupRuleIds: [rules[1].SecurityGroupRuleId]))).Code);
    }

    [Fact]
    public void RevokeEgressAllowAll_LeavesNoEgress()
    {
        var id = _cloud.NewGroup("p");
        Ec2.RevokeSecurityGroupEgress(new RevokeSecurityGroupRequest(id, [IpPermission.AllTraffic("0.0.0.0/0")]));
        Assert.Empty(Group(id).IpPermissionsEgress);
    }

    [Fact]
    public void Delete_InUseByInterface_IsDependencyViolation()
    {
        var id = _cloud.NewGroup("p");
        var eni = Ec2.CreateNetworkInterface(new CreateNetworkInterfaceRequest(_cloud.SubnetA.SubnetId, [id]));

        var error = Throws(() => Ec2.DeleteSecurityGroup(id));
        Assert.Equal("DependencyViolation", error.Code);
        Assert.Equal($"resource {id} has a dependent object", error.Message);

        Ec2.DeleteNetworkInterface(eni.NetworkInterfaceId);
        Ec2.DeleteSecurityGroup(id);
        Assert.Equal("InvalidGroup.NotFound", Throws(() => Group(id)).Code);
    }

    [Fact]
    public void Delete_ReferencedByAnotherGroup_IsDependencyViolation_SelfReferenceIsNot()
    {
        var db = _cloud.NewGroup("db");
        var web = _cloud.NewGroup("web");
        Ec2.AuthorizeSecurityGroupIngress(db, [IpPermission.FromGroup("tcp", 5432, 5432, web)]);
        Ec2.AuthorizeSecurityGroupIngress(web, [IpPermission.FromGroup("-1", null, null, web)]);

        Assert.Equal("DependencyViolation", Throws(() => Ec2.DeleteSecurityGroup(web)).Code);
        Ec2.DeleteSecurityGroup(db);
        Ec2.DeleteSecurityGroup(web);
    }

    [Fact]
    public void Delete_DefaultGroup_CannotDelete()
        => Assert.Equal("CannotDelete", Throws(() => Ec2.DeleteSecurityGroup(_cloud.DefaultGroupId)).Code);

    [Fact]
    public void DescribeSecurityGroups_FiltersByNameAndVpc()
    {
        var id = _cloud.NewGroup("pods");
        Assert.Equal(id, Assert.Single(Ec2.DescribeSecurityGroups(DescribeRequest.Where(new Filter("group-name", "po*")))).GroupId);
        Assert.Equal(2, Ec2.DescribeSecurityGroups(DescribeRequest.Where(new Filter("vpc-id", _cloud.Vpc.VpcId))).Count);
    }

    [Fact]
    public void CreateSecurityGroup_BeyondVpcQuota_IsSecurityGroupLimitExceeded()
    {
        var cloud = new TestCloud(new AwsOptions { SecurityGroupsPerVpc = 2 });
        cloud.NewGroup("one");
        Assert.Equal("SecurityGroupLimitExceeded", Throws(() => cloud.NewGroup("two")).Code);
    }
}
