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
}
