using Podnet.Aws;
using Podnet.Aws.Iam;
using Podnet.Tests.TestSupport;

namespace Podnet.Tests.Aws.Iam;

public class IamBackendTests
{
    private readonly IamBackend _iam = new TestCloud().Cloud.Iam;

    [Fact]
    public void CreateRole_HasArnAndRoleId()
    {
        var role = _iam.CreateRole("eksClusterRole");
        Assert.Equal("arn:aws:iam::123456789012:role/eksClusterRole", role.Arn);
        Assert.Matches("^AROA[0-9A-F]{17}$", role.RoleId);
        Assert.Equal("EntityAlreadyExists", Assert.Throws<AwsException>(() => _iam.CreateRole("eksclusterrole")).Code);
        Assert.Equal("ValidationError", Assert.Throws<AwsException>(() => _iam.CreateRole("bad name")).Code);
    }

    [Fact]
    public void DeleteRole_RefusedWhilePoliciesAreAttached()
    {
        var trust = "{\"Version\":\"2012-10-17\",\"Statement\":[]}";
        Assert.Equal(trust, _iam.CreateRole("nodeRole", trust).AssumeRolePolicyDocument);
        _iam.AttachRolePolicy("nodeRole", "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy");

        var conflict = Assert.Throws<AwsException>(() => _iam.DeleteRole("nodeRole"));
        Assert.Equal(("DeleteConflict", 409), (conflict.Code, conflict.HttpStatusCode));

        _iam.DetachRolePolicy("nodeRole", "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy");
        _iam.DeleteRole("nodeRole");
        Assert.Equal("NoSuchEntity", Assert.Throws<AwsException>(() => _iam.GetRole("nodeRole")).Code);
        Assert.Equal("NoSuchEntity", Assert.Throws<AwsException>(() => _iam.DeleteRole("nodeRole")).Code);
    }

    [Fact]
    public void AttachedPolicies_DecideActions()
    {
        _iam.CreateRole("r");
        var principal = AwsPrincipal.AssumedRole("123456789012", "r", "s");
        Assert.False(_iam.IsAllowed(principal, "ec2:AttachNetworkInterface"));

        _iam.AttachRolePolicy("r", "arn:aws:iam::aws:policy/AmazonEKSVPCResourceController");
        Assert.True(_iam.IsAllowed(principal, "ec2:AttachNetworkInterface"));
        Assert.False(_iam.IsAllowed(principal, "ec2:DescribeInstances"));
        Assert.Equal("AmazonEKSVPCResourceController", Assert.Single(_iam.GetRole("r").AttachedPolicies).PolicyName);

        _iam.DetachRolePolicy("r", "arn:aws:iam::aws:policy/AmazonEKSVPCResourceController");
        Assert.False(_iam.IsAllowed(principal, "ec2:AttachNetworkInterface"));
        Assert.Equal("NoSuchEntity", Assert.Throws<AwsException>(() => _iam.DetachRolePolicy("r", "arn:aws:iam::aws:policy/AmazonEKSVPCResourceController")).Code);
    }

    [Fact]
    public void Administrator_IsAllowedEverything()
        => Assert.True(_iam.IsAllowed(AwsPrincipal.Administrator("123456789012"), "ec2:AssociateTrunkInterface"));

    [Fact]
    public void UnknownPolicyOrRole_IsNoSuchEntity()
    {
        _iam.CreateRole("r");
        Assert.Equal("NoSuchEntity", Assert.Throws<AwsException>(() => _iam.AttachRolePolicy("r", "arn:aws:iam::aws:policy/NotAPolicy")).Code);
        Assert.Equal("NoSuchEntity", Assert.Throws<AwsException>(() => _iam.GetRole("nobody")).Code);
    }
}
