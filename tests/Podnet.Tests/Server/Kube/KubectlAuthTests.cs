using Podnet.Tests.TestSupport;

namespace Podnet.Tests.Server.Kube;

/// <summary>
/// <c>kubectl auth can-i</c> and <c>kubectl auth whoami</c> with the real kubectl against <c>podnet up</c> (the default
/// world): the self reviews are answered as the API server answers a member of <c>system:masters</c> — Podnet
/// authorizes nothing — listed in discovery with the one verb they have, and never stored (a GET is 405).
/// </summary>
public sealed class KubectlAuthTests : IClassFixture<ServedWorld>
{
    private readonly ServedWorld _world;

    public KubectlAuthTests(ServedWorld world)
    {
        _world = world;
    }

    [Fact]
    public void AuthCanI_Yes_List_TheClusterAdminRules_Whoami_TheAdminInSystemMasters()
    {
        Assert.Equal("yes", _world.KubectlOk("1.31", "auth", "can-i", "create", "pods").Trim());
        Assert.Equal("yes", _world.KubectlOk("1.31", "auth", "can-i", "delete", "securitygrouppolicies", "-n", "kube-system").Trim());

        var rules = _world.KubectlOk("1.31", "auth", "can-i", "--list").Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["Resources", "Non-Resource", "URLs", "Resource", "Names", "Verbs"], rules[0].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(["*.*", "[]", "[]", "[*]"], rules[1].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains(rules, r => r.Split(' ', StringSplitOptions.RemoveEmptyEntries) is ["selfsubjectaccessreviews.authorization.k8s.io", "[]", "[]", "[create]"]);

        var whoami = _world.KubectlOk("1.31", "auth", "whoami").Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["ATTRIBUTE   VALUE", "Username    kubernetes-admin", "Groups      [system:masters system:authenticated]"], whoami);
    }

    [Fact]
    public void SelfReviews_InDiscoveryWithCreateOnly_NotReadable()
    {
        var resources = _world.KubectlOk("1.31", "api-resources", "--api-group=authorization.k8s.io", "-o", "wide").Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["selfsubjectaccessreviews", "authorization.k8s.io/v1", "false", "SelfSubjectAccessReview", "create"], resources[1].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(["selfsubjectrulesreviews", "authorization.k8s.io/v1", "false", "SelfSubjectRulesReview", "create"], resources[2].Split(' ', StringSplitOptions.RemoveEmptyEntries));

        var (exit, _, error) = _world.Kubectl("1.31", null, "get", "--raw", "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews");
        Assert.Equal((1, "Error from server (MethodNotAllowed): the server does not allow this method on the requested resource (GET selfsubjectaccessreviews)"), (exit, error.Trim()));
    }
}
