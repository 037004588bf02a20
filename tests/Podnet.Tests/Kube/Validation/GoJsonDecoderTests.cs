using System.Text.Json.Nodes;
using Podnet.Kube.Validation;

namespace Podnet.Tests.Kube.Validation;

/// <summary>encoding/json's errors, word for word: the innermost struct, the field path from the top, the Go type.</summary>
public class GoJsonDecoderTests
{
    private static readonly GoType Pod = GoTypes.Kind("v1.Pod", ("spec", GoTypes.PodSpec), ("status", GoTypes.PodStatus));

    private static string? Error(string json) => GoJsonDecoder.FirstError(JsonNode.Parse(json), Pod);

    [Theory]
    [InlineData("""{"metadata":{"namespace":5}}""", "json: cannot unmarshal number into Go struct field ObjectMeta.metadata.namespace of type string")]
    [InlineData("""{"metadata":["a"]}""", "json: cannot unmarshal array into Go struct field Pod.metadata of type v1.ObjectMeta")]
    [InlineData("""{"spec":{"containers":{"name":"c"}}}""", "json: cannot unmarshal object into Go struct field PodSpec.spec.containers of type []v1.Container")]
    [InlineData("""{"spec":{"containers":[{"name":5}]}}""", "json: cannot unmarshal number into Go struct field Container.spec.containers.name of type string")]
    [InlineData("""{"spec":{"containers":[{"image":true}]}}""", "json: cannot unmarshal bool into Go struct field Container.spec.containers.image of type string")]
    [InlineData("""{"spec":{"containers":[{"env":[{"name":"A","value":true}]}]}}""", "json: cannot unmarshal bool into Go struct field EnvVar.spec.containers.env.value of type string")]
    [InlineData("""{"spec":{"containers":[{"ports":[{"containerPort":80.5}]}]}}""", "json: cannot unmarshal number 80.5 into Go struct field ContainerPort.spec.containers.ports.containerPort of type int32")]
    [InlineData("""{"spec":{"containers":[{"ports":[{"protocol":6}]}]}}""", "json: cannot unmarshal number into Go struct field ContainerPort.spec.containers.ports.protocol of type v1.Protocol")]
    [InlineData("""{"spec":{"nodeName":5}}""", "json: cannot unmarshal number into Go struct field PodSpec.spec.nodeName of type string")]
    [InlineData("""{"status":{"podIP":5}}""", "json: cannot unmarshal number into Go struct field PodStatus.status.podIP of type string")]
    [InlineData("""{"metadata":{"labels":{"a":true}}}""", "json: cannot unmarshal bool into Go struct field ObjectMeta.metadata.labels of type string")]
    [InlineData("""{"metadata":{"ownerReferences":[{"name":5}]}}""", "json: cannot unmarshal number into Go struct field OwnerReference.metadata.ownerReferences.name of type string")]
    [InlineData("""{"spec":{"containers":[{"resources":{"limits":{"cpu":"lots"}}}]}}""", GoJsonDecoder.QuantityFormatError)]
    public void Pod_WrongType_IsTheDecodersMessage(string json, string expected) => Assert.Equal(expected, Error(json));

    [Theory]
    [InlineData("""{"metadata":{"name":"a","namespace":null},"spec":{"containers":[{"name":"c","ports":[{"containerPort":80}]}]}}""")]
    [InlineData("""{"spec":{"containers":[{"resources":{"limits":{"cpu":"100m","memory":1024}}}]},"status":{"podIP":"10.0.0.1"}}""")]
    public void Pod_WellTyped_Decodes(string json) => Assert.Null(Error(json));

    [Fact]
    public void NetworkPolicy_PortAsFraction_AndAsObject_NameInt32()
    {
        var policy = GoTypes.Kind("v1.NetworkPolicy", ("spec", GoTypes.NetworkPolicySpec));
        Assert.Equal(
            "json: cannot unmarshal number 80.5 into Go struct field NetworkPolicyPort.spec.ingress.ports.port of type int32",
            GoJsonDecoder.FirstError(JsonNode.Parse("""{"spec":{"ingress":[{"ports":[{"port":80.5}]}]}}"""), policy));
        Assert.Equal(
            "json: cannot unmarshal object into Go struct field NetworkPolicyPort.spec.egress.ports.port of type int32",
            GoJsonDecoder.FirstError(JsonNode.Parse("""{"spec":{"egress":[{"ports":[{"port":{}}]}]}}"""), policy));
        Assert.Equal(
            "json: cannot unmarshal string into Go struct field NetworkPolicySpec.spec.ingress of type []v1.NetworkPolicyIngressRule",
            GoJsonDecoder.FirstError(JsonNode.Parse("""{"spec":{"ingress":"hello"}}"""), policy));
    }

    [Fact]
    public void Endpoints_AddressIpANumber_IsTheDecodersMessage()
        => Assert.Equal(
            "json: cannot unmarshal number into Go struct field EndpointAddress.subsets.addresses.ip of type string",
            GoJsonDecoder.FirstError(JsonNode.Parse("""{"subsets":[{"addresses":[{"ip":5}]}]}"""), GoTypes.Kind("v1.Endpoints", ("subsets", GoType.SliceOf(GoTypes.EndpointSubset)))));
}
