using System.Text.Json.Nodes;
using Podnet.Kube.Api;
using Podnet.Kube.Printing;
using Podnet.Kube.Serialization;

namespace Podnet.Tests.Kube.Api;

/// <summary>The resources a CustomResourceDefinition serves, from the AWS CRDs as they ship (schemas cut short).</summary>
public class CustomResourceDefinitionsTests
{
    // aws/amazon-vpc-resource-controller-k8s config/crd/bases/vpcresources.k8s.aws_securitygrouppolicies.yaml
    private const string SecurityGroupPolicyCrd = """
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata:
          annotations:
            controller-gen.kubebuilder.io/version: v0.14.0
          name: securitygrouppolicies.vpcresources.k8s.aws
        spec:
          group: vpcresources.k8s.aws
          names:
            kind: SecurityGroupPolicy
            listKind: SecurityGroupPolicyList
            plural: securitygrouppolicies
            shortNames:
            - sgp
            singular: securitygrouppolicy
          scope: Namespaced
          versions:
          - additionalPrinterColumns:
            - description: The security group IDs to apply to the elastic network interface
                of pods that match this policy
              jsonPath: .spec.securityGroups.groupIds
              name: Security-Group-Ids
              type: string
            name: v1beta1
            schema:
              openAPIV3Schema:
                type: object
            served: true
            storage: true
            subresources: {}
        """;

    // aws/amazon-vpc-cni-k8s charts/aws-vpc-cni/crds/customresourcedefinition.yaml
    private const string EniConfigCrd = """
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata:
          name: eniconfigs.crd.k8s.amazonaws.com
        spec:
          scope: Cluster
          group: crd.k8s.amazonaws.com
          preserveUnknownFields: false
          versions:
            - name: v1alpha1
              served: true
              storage: true
              schema:
                openAPIV3Schema:
                  type: object
                  x-kubernetes-preserve-unknown-fields: true
          names:
            plural: eniconfigs
            singular: eniconfig
            kind: ENIConfig
        """;

    private static JsonObject Crd(string yaml) => (JsonObject)YamlManifests.ParseSingle(yaml, "crd")!;

    [Fact]
    public void FromCustomResourceDefinition_SecurityGroupPolicy_ServesItsPrinterColumn()
    {
        var resource = Assert.Single(CustomResourceDefinitions.FromCustomResourceDefinition(Crd(SecurityGroupPolicyCrd)));

        Assert.Equal(("vpcresources.k8s.aws", "v1beta1", "SecurityGroupPolicy", "securitygrouppolicies", true), (resource.Group, resource.Version, resource.Kind, resource.Plural, resource.Namespaced));
        Assert.Equal(["sgp"], resource.ShortNames);
        Assert.False(resource.HasStatusSubresource);
        Assert.True(resource.TracksGeneration);
        Assert.True(resource.IsCustomResource);
        Assert.Equal(
            [new PrinterColumn("Security-Group-Ids", "string", ".spec.securityGroups.groupIds", "The security group IDs to apply to the elastic network interface of pods that match this policy")],
            resource.AdditionalPrinterColumns);
        Assert.Equal(KubeResources.BuiltIn.Single(r => r.Kind == "SecurityGroupPolicy").AdditionalPrinterColumns, resource.AdditionalPrinterColumns);
    }

    [Fact]
    public void FromCustomResourceDefinition_EniConfig_IsClusterScopedWithoutColumns()
    {
        var resource = Assert.Single(CustomResourceDefinitions.FromCustomResourceDefinition(Crd(EniConfigCrd)));

        Assert.Equal(("crd.k8s.amazonaws.com/v1alpha1", "ENIConfig", "eniconfigs", false), (resource.ApiVersion, resource.Kind, resource.Plural, resource.Namespaced));
        Assert.Empty(resource.ShortNames);
        Assert.Empty(resource.AdditionalPrinterColumns);
        Assert.Equal(["Name", "Age"], TablePrinters.For(resource).Columns.Select(c => c.Name));
    }

    [Fact]
    public void FromCustomResourceDefinition_OneResourcePerServedVersion_WithItsStatusSubresource()
    {
        var crd = Crd("""
            apiVersion: apiextensions.k8s.io/v1
            kind: CustomResourceDefinition
            metadata: {name: widgets.example.com}
            spec:
              group: example.com
              scope: Namespaced
              names: {kind: Widget, plural: widgets}
              versions:
              - {name: v1alpha1, served: false, storage: false}
              - name: v1beta1
                served: true
                storage: false
              - name: v1
                served: true
                storage: true
                subresources: {status: {}}
                additionalPrinterColumns:
                - {name: Replicas, type: integer, jsonPath: .spec.replicas, priority: 1}
            """);

        var resources = CustomResourceDefinitions.FromCustomResourceDefinition(crd);

        Assert.Equal(["v1beta1", "v1"], resources.Select(r => r.Version));
        Assert.False(resources[0].HasStatusSubresource);
        Assert.True(resources[1].HasStatusSubresource);
        Assert.Equal([new PrinterColumn("Replicas", "integer", ".spec.replicas", Priority: 1)], resources[1].AdditionalPrinterColumns);
    }

    [Fact]
    public void FromCustomResourceDefinition_WithoutAGroup_Throws()
    {
        Assert.Throws<ArgumentException>(() => CustomResourceDefinitions.FromCustomResourceDefinition(Crd("spec: {names: {kind: A, plural: as}}")));
    }

    [Fact]
    public void Definition_OfEachKindEksInstalls_ServesTheKindAsPodnetRegistersIt_Established()
    {
        var kinds = Podnet.World.EksCustomResourceDefinitions.Kinds;
        Assert.Equal(["CNINode", "ENIConfig", "PolicyEndpoint", "SecurityGroupPolicy"], kinds.Select(k => k.Kind).Order(StringComparer.Ordinal));
        var at = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        foreach (var resource in kinds)
        {
            var crd = CustomResourceDefinitions.Definition(resource, new JsonObject { ["type"] = "object", ["properties"] = new JsonObject { ["metadata"] = new JsonObject { ["properties"] = new JsonObject() } } }, at);

            Assert.Equal($"{resource.Plural}.{resource.Group}", crd["metadata"]!["name"]!.GetValue<string>());
            var served = Assert.Single(CustomResourceDefinitions.FromCustomResourceDefinition(crd));
            Assert.Equal(
                (resource.ApiVersion, resource.Kind, resource.Plural, resource.Namespaced, resource.HasStatusSubresource),
                (served.ApiVersion, served.Kind, served.Plural, served.Namespaced, served.HasStatusSubresource));
            Assert.Equal(resource.ShortNames, served.ShortNames);
            Assert.Equal(resource.AdditionalPrinterColumns, served.AdditionalPrinterColumns);
            Assert.Equal("{\"type\":\"object\"}", crd["spec"]!["versions"]![0]!["schema"]!["openAPIV3Schema"]!["properties"]!["metadata"]!.ToJsonString());
            var conditions = crd["status"]!["conditions"]!.AsArray().Select(c => (c!["type"]!.GetValue<string>(), c["status"]!.GetValue<string>(), c["reason"]!.GetValue<string>(), c["message"]!.GetValue<string>(), c["lastTransitionTime"]!.GetValue<string>()));
            Assert.Equal(
                [("NamesAccepted", "True", "NoConflicts", "no conflicts found", "2026-01-01T00:00:00Z"), ("Established", "True", "InitialNamesAccepted", "the initial names have been accepted", "2026-01-01T00:00:00Z")],
                conditions);
            Assert.Equal($"[\"{resource.Version}\"]", crd["status"]!["storedVersions"]!.ToJsonString());
            Assert.Equal(resource.Kind + "List", crd["status"]!["acceptedNames"]!["listKind"]!.GetValue<string>());
        }
    }
}
