using Podnet.Kube.Admission;
using Podnet.Kube.Api;
using static Podnet.Tests.Kube.Admission.ClusterHarness;

namespace Podnet.Tests.Kube.Admission;

public class ServiceAccountAdmissionTests
{
    private readonly ClusterHarness _c = new();

    [Fact]
    public void Bootstrap_GivesSystemNamespacesTheirDefaultServiceAccount()
    {
        var accounts = _c.Store.List(_c.Store.Resources.For("v1", "ServiceAccount")).Items;

        foreach (var ns in new[] { "default", "kube-system", "kube-public", "kube-node-lease" })
        {
            Assert.Contains(accounts, a => a.Namespace == ns && a.Name == "default");
        }
    }

    [Fact]
    public void Pod_NamingMissingServiceAccount_IsForbidden()
    {
        var error = _c.CreateFails(PodJson("x", extraSpec: "\"serviceAccountName\":\"missing\","));

        Assert.Equal("Forbidden", error.Reason);
        Assert.Equal(403, error.Code);
        Assert.Equal("pods \"x\" is forbidden: error looking up service account default/missing: serviceaccount \"missing\" not found", error.Message);
        Assert.Null(_c.Store.TryGet(_c.Store.Resources.For("v1", "Pod"), "default", "x"));
    }

    [Fact]
    public void Pod_WithDefaultServiceAccount_IsAdmitted()
    {
        Assert.Equal("default", _c.Create(PodJson("x")).GetString("spec.serviceAccountName"));
    }

    [Fact]
    public void Pod_NamingExistingServiceAccount_IsAdmitted()
    {
        _c.Create("""{"apiVersion":"v1","kind":"ServiceAccount","metadata":{"name":"aws-node","namespace":"kube-system"}}""");

        var pod = _c.Create(PodJson("x", extraSpec: "\"serviceAccountName\":\"aws-node\",", ns: "kube-system"));

        Assert.Equal("aws-node", pod.GetString("spec.serviceAccountName"));
    }

    [Fact]
    public void Pod_ServiceAccountOfAnotherNamespace_IsForbidden()
    {
        _c.Create("""{"apiVersion":"v1","kind":"ServiceAccount","metadata":{"name":"aws-node","namespace":"kube-system"}}""");

        var error = _c.CreateFails(PodJson("x", extraSpec: "\"serviceAccountName\":\"aws-node\","));

        Assert.Equal("pods \"x\" is forbidden: error looking up service account default/aws-node: serviceaccount \"aws-node\" not found", error.Message);
    }

    [Fact]
    public void Pod_InNewNamespace_WaitsForTheServiceAccountController()
    {
        _c.Create("""{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"team"}}""");

        var error = _c.CreateFails(PodJson("x", ns: "team"));
        Assert.Equal("pods \"x\" is forbidden: error looking up service account team/default: serviceaccount \"default\" not found", error.Message);

        _c.Plane.RunReady();

        Assert.Equal("team", _c.Create(PodJson("x", ns: "team")).Namespace);
    }

    [Fact]
    public void Pod_GeneratedName_IsNamedInTheError()
    {
        var error = _c.CreateFails("""
            {"apiVersion":"v1","kind":"Pod","metadata":{"generateName":"web-","namespace":"default"},
             "spec":{"serviceAccountName":"missing","containers":[{"name":"app","image":"nginx"}]}}
            """);

        Assert.Matches("^pods \"web-[bcdfghjklmnpqrstvwxz2456789]{5}\" is forbidden: error looking up service account default/missing: serviceaccount \"missing\" not found$", error.Message);
    }

    [Fact]
    public void Plugin_OnlyChecksPodCreation()
    {
        var asked = new List<string>();
        var plugin = new ServiceAccountAdmission((ns, name) =>
        {
            asked.Add($"{ns}/{name}");
            return false;
        });
        var pods = _c.Store.Resources.For("v1", "Pod");
        var pod = KubeObject.Parse(PodJson("x"));

        Assert.Same(pod, plugin.Mutate(new AdmissionRequest(AdmissionOperation.Update, pods, "default", "x", pod, pod, "admin")));
        var configMap = KubeObject.Parse("""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"x","namespace":"default"}}""");
        Assert.Same(configMap, plugin.Mutate(new AdmissionRequest(AdmissionOperation.Create, _c.Store.Resources.For("v1", "ConfigMap"), "default", "x", configMap, null, "admin")));
        Assert.Empty(asked);

        var error = Assert.Throws<KubeException>(() => plugin.Mutate(new AdmissionRequest(AdmissionOperation.Create, pods, "team", "x", pod, null, "admin")));
        Assert.Equal(["team/default"], asked);
        Assert.Equal("pods \"x\" is forbidden: error looking up service account team/default: serviceaccount \"default\" not found", error.Message);
    }
}
