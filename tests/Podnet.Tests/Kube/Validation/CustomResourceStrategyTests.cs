using Podnet.Tests.TestSupport;

namespace Podnet.Tests.Kube.Validation;

/// <summary>SecurityGroupPolicy and ENIConfig are custom resources: their type errors are the CRD schema's field errors.</summary>
public class CustomResourceStrategyTests
{
    [Fact]
    public void SecurityGroupPolicy_GroupIdANumber_IsRejectedWithTheSchemasMessage()
        => Assert.Equal(
            "w.yaml: document 1 (line 1, SecurityGroupPolicy sgp): Error from server (Invalid): SecurityGroupPolicy.vpcresources.k8s.aws \"sgp\" is invalid: spec.securityGroups.groupIds[0]: Invalid value: \"integer\": spec.securityGroups.groupIds[0] in body must be of type string: \"integer\"",
            BadWorlds.LoadError("apiVersion: vpcresources.k8s.aws/v1beta1\nkind: SecurityGroupPolicy\nmetadata: {name: sgp}\nspec: {podSelector: {}, securityGroups: {groupIds: [5]}}\n"));

    [Fact]
    public void EniConfig_SubnetAList_IsRejectedWithTheSchemasMessage()
        => Assert.Equal(
            "w.yaml: document 1 (line 1, ENIConfig us-west-2a): Error from server (Invalid): ENIConfig.crd.k8s.amazonaws.com \"us-west-2a\" is invalid: spec.subnet: Invalid value: \"array\": spec.subnet in body must be of type string: \"array\"",
            BadWorlds.LoadError("apiVersion: crd.k8s.amazonaws.com/v1alpha1\nkind: ENIConfig\nmetadata: {name: us-west-2a}\nspec: {subnet: [subnet-1]}\n"));

    [Fact]
    public void SecurityGroupPolicy_UnknownSpecField_IsTheStrictDecodersError_NotASelectorlessPolicy()
        => Assert.Equal(
            "w.yaml: document 1 (line 1, SecurityGroupPolicy sgp): Error from server (BadRequest): SecurityGroupPolicy in version \"v1beta1\" cannot be handled as a SecurityGroupPolicy: strict decoding error: unknown field \"spec.podSelecter\"",
            BadWorlds.LoadError("apiVersion: vpcresources.k8s.aws/v1beta1\nkind: SecurityGroupPolicy\nmetadata: {name: sgp}\nspec: {podSelecter: {matchLabels: {app: x}}, securityGroups: {groupIds: [sg-1]}}\n"));

    [Fact]
    public void SecurityGroupPolicy_SeventeenGroupIds_IsTooMany()
        => Assert.Equal(
            "w.yaml: document 1 (line 1, SecurityGroupPolicy sgp): Error from server (Invalid): SecurityGroupPolicy.vpcresources.k8s.aws \"sgp\" is invalid: spec.securityGroups.groupIds: Too many: 17: must have at most 16 items",
            BadWorlds.LoadError($"apiVersion: vpcresources.k8s.aws/v1beta1\nkind: SecurityGroupPolicy\nmetadata: {{name: sgp}}\nspec: {{podSelector: {{}}, securityGroups: {{groupIds: [{string.Join(", ", Enumerable.Range(1, 17).Select(i => $"sg-{i}"))}]}}}}\n"));

    [Fact]
    public void EniConfig_UnknownSpecField_IsRefused_AnUnknownTopLevelFieldIsKept_AsItsCrdPreservesThem()
    {
        Assert.Equal(
            "w.yaml: document 1 (line 1, ENIConfig us-west-2a): Error from server (BadRequest): ENIConfig in version \"v1alpha1\" cannot be handled as a ENIConfig: strict decoding error: unknown field \"spec.securityGroup\"",
            BadWorlds.LoadError("apiVersion: crd.k8s.amazonaws.com/v1alpha1\nkind: ENIConfig\nmetadata: {name: us-west-2a}\nspec: {subnet: subnet-1, securityGroup: [sg-1]}\n"));

        var resource = new Podnet.Kube.Api.KubeResource("crd.k8s.amazonaws.com", "v1alpha1", "ENIConfig", "eniconfigs", false, []);
        var kept = System.Text.Json.Nodes.JsonNode.Parse("""{"apiVersion":"crd.k8s.amazonaws.com/v1alpha1","kind":"ENIConfig","metadata":{"name":"a"},"spec":{"subnet":"subnet-1","securityGroup":["sg-1"]},"note":"kept"}""")!.AsObject();
        Assert.Equal(["spec.securityGroup"], Podnet.Kube.Validation.KindStrategies.PruneUnknownFields(resource, kept));
        Assert.Equal("""{"apiVersion":"crd.k8s.amazonaws.com/v1alpha1","kind":"ENIConfig","metadata":{"name":"a"},"spec":{"subnet":"subnet-1"},"note":"kept"}""", kept.ToJsonString());
    }
}
