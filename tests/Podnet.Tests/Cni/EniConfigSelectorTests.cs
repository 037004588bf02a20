using System.Text.Json.Nodes;
using Podnet.Cni;
using Podnet.Kube;
using Podnet.Kube.Api;
using Podnet.Tests.TestSupport;

namespace Podnet.Tests.Cni;

/// <summary>The ENIConfig selection cases of shared/reference/vpc-cni.md §8 (1–7).</summary>
public class EniConfigSelectorTests
{
    private readonly ControlPlane _plane = new(new ManualTimeProvider(), 1);

    private static readonly CniSettings Defaults = CniSettings.FromEnvironment(new Dictionary<string, string>());

    private static readonly CniSettings ByZone = CniSettings.FromEnvironment(new Dictionary<string, string> { ["ENI_CONFIG_LABEL_DEF"] = "topology.kubernetes.io/zone" });

    private void EniConfig(string name, string subnet = "subnet-0123456789abcdef0", params string[] groups)
    {
        var spec = new JsonObject { ["subnet"] = subnet };
        if (groups.Length > 0)
        {
            spec["securityGroups"] = new JsonArray([.. groups.Select(g => (JsonNode)g)]);
        }

        _plane.Store.Create(KubeObject.From(new JsonObject
        {
            ["apiVersion"] = "crd.k8s.amazonaws.com/v1alpha1",
            ["kind"] = "ENIConfig",
            ["metadata"] = new JsonObject { ["name"] = name },
            ["spec"] = spec,
        }));
    }

    private static KubeObject Node(Dictionary<string, string>? labels = null, Dictionary<string, string>? annotations = null)
    {
        var node = KubeObject.Create("v1", "Node", "ip-192-168-0-92.us-west-2.compute.internal");
        foreach (var (key, value) in labels ?? [])
        {
            node = node.WithLabel(key, value);
        }

        foreach (var (key, value) in annotations ?? [])
        {
            node = node.WithAnnotation(key, value);
        }

        return node;
    }

    [Fact]
    public void Case1_DefaultLabel_SelectsItsEniConfig()
    {
        EniConfig("az1", "subnet-0aaaaaaaaaaaaaaa1", "sg-0aaaaaaaaaaaaaaa1");
        var spec = EniConfigSelector.For(Node(new() { ["k8s.amazonaws.com/eniConfig"] = "az1" }), Defaults, _plane.Store);
        Assert.Equal(("az1", "subnet-0aaaaaaaaaaaaaaa1"), (spec!.Name, spec.Subnet));
        Assert.Equal(["sg-0aaaaaaaaaaaaaaa1"], spec.SecurityGroups);
    }

    [Fact]
    public void Case2_NamedEniConfigMissing_IsNotAvailable()
    {
        EniConfig("az2");
        Assert.Null(EniConfigSelector.For(Node(new() { ["k8s.amazonaws.com/eniConfig"] = "az1" }), Defaults, _plane.Store));
        Assert.Equal("eniconfig: eniconfig is not available", EniConfigSelector.NotAvailable);
    }

    [Fact]
    public void Case3_ZoneLabel_SelectsTheZonesEniConfig()
    {
        EniConfig("us-west-2a");
        Assert.Equal("us-west-2a", EniConfigSelector.For(Node(new() { ["topology.kubernetes.io/zone"] = "us-west-2a" }), ByZone, _plane.Store)!.Name);
        Assert.Null(EniConfigSelector.For(Node(new() { ["topology.kubernetes.io/zone"] = "us-west-2b" }), ByZone, _plane.Store));
    }

    [Fact]
    public void Case4_AnnotationBeatsLabel()
        => Assert.Equal("az1", EniConfigSelector.NameFor(
            Node(new() { ["topology.kubernetes.io/zone"] = "az2" }, new() { ["k8s.amazonaws.com/eniConfig"] = "az1" }), ByZone));

    [Fact]
    public void Case5_CustomAnnotationKey()
    {
        var settings = CniSettings.FromEnvironment(new Dictionary<string, string> { ["ENI_CONFIG_ANNOTATION_DEF"] = "k8s.amazonaws.com/myENIConfig" });
        Assert.Equal("az1", EniConfigSelector.NameFor(Node(annotations: new() { ["k8s.amazonaws.com/myENIConfig"] = "az1" }), settings));
    }

    [Fact]
    public void Case6_ExternalLabelWinsOverEverything()
        => Assert.Equal("custom", EniConfigSelector.NameFor(
            Node(new() { ["vpc.amazonaws.com/externalEniConfig"] = "custom", ["topology.kubernetes.io/zone"] = "az2" }, new() { ["k8s.amazonaws.com/eniConfig"] = "az1" }), ByZone));

    [Fact]
    public void Case7_NothingOnTheNode_UsesDefault_OrNone()
    {
        Assert.Equal("default", EniConfigSelector.NameFor(Node(), Defaults));
        Assert.Null(EniConfigSelector.For(Node(), Defaults, _plane.Store));
        EniConfig("default");
        Assert.Equal("default", EniConfigSelector.For(Node(), Defaults, _plane.Store)!.Name);
    }

    [Fact]
    public void NoSecurityGroups_GivesAnEmptyList()
    {
        EniConfig("az1");
        Assert.Empty(EniConfigSelector.For(Node(new() { ["k8s.amazonaws.com/eniConfig"] = "az1" }), Defaults, _plane.Store)!.SecurityGroups);
    }
}
