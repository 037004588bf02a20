using Podnet.Kube.Store;
using Podnet.Tests.TestSupport;

namespace Podnet.Tests.World;

/// <summary>
/// The CustomResourceDefinitions an EKS cluster has from its creation (SecurityGroupPolicy, CNINode, ENIConfig),
/// established; a policy-only world (no EKS cluster) has none; a SecurityGroupPolicy keeps Podnet's own checks beside
/// its definition.
/// </summary>
public sealed class EksCustomResourceDefinitionsTests
{
    private static IEnumerable<string> Definitions(Podnet.World.World world)
        => world.ControlPlane.Store.List("apiextensions.k8s.io/v1", "CustomResourceDefinition").Items.Select(c => c.Name).Order(StringComparer.Ordinal);

    [Fact]
    public void EksCluster_HasTheDefinitionsEksInstalls_Established_PolicyOnlyWorldNone()
    {
        var world = ExampleWorlds.Load("hello-eks");

        Assert.Equal(["cninodes.vpcresources.k8s.aws", "eniconfigs.crd.k8s.amazonaws.com", "policyendpoints.networking.k8s.aws", "securitygrouppolicies.vpcresources.k8s.aws"], Definitions(world));
        var sgp = world.ControlPlane.Store.List("apiextensions.k8s.io/v1", "CustomResourceDefinition").Items.Single(c => c.Name.StartsWith("securitygrouppolicies.", StringComparison.Ordinal));
        Assert.Equal("True", sgp.Peek("status.conditions")!.AsArray().Single(c => c!["type"]!.GetValue<string>() == "Established")!["status"]!.GetValue<string>());
        Assert.Equal("Namespaced", sgp.GetString("spec.scope"));

        // Podnet's registration stays, with the strict checks the definition's schema stands for.
        var resource = world.ControlPlane.Store.Resources.For("vpcresources.k8s.aws/v1beta1", "SecurityGroupPolicy");
        Assert.Contains(resource, Podnet.Kube.Api.KubeResources.BuiltIn);

        Assert.Empty(Definitions(ExampleWorlds.Load("egress-policies")));
    }

    [Fact]
    public void UserDefinition_IsEstablished_AndServesItsKind()
    {
        var world = ExampleWorlds.Load("hello-eks");
        var store = world.ControlPlane.Store;
        store.Create(Podnet.Kube.Api.KubeObject.Parse("""
            {"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
             "metadata": {"name": "crontabs.stable.example.com"},
             "spec": {"group": "stable.example.com", "scope": "Namespaced",
                      "names": {"plural": "crontabs", "kind": "CronTab", "shortNames": ["ct"]},
                      "versions": [{"name": "v1", "served": true, "storage": true, "schema": {"openAPIV3Schema": {"type": "object"}}}]}}
            """), RequestContext.Admin);
        world.Settle();

        var crd = store.TryGet(store.Resources.For("apiextensions.k8s.io/v1", "CustomResourceDefinition"), null, "crontabs.stable.example.com")!;
        Assert.Equal(["NamesAccepted", "Established"], crd.Peek("status.conditions")!.AsArray().Select(c => c!["type"]!.GetValue<string>()));
        Assert.Equal(("crontab", "CronTabList"), (crd.GetString("status.acceptedNames.singular"), crd.GetString("status.acceptedNames.listKind")));
        var crontabs = store.Resources.Find("stable.example.com/v1", "CronTab");
        Assert.NotNull(crontabs);
        Assert.Equal(("crontabs", true), (crontabs.Plural, crontabs.Namespaced));
        Assert.Equal(["ct"], crontabs.ShortNames);
    }
}
