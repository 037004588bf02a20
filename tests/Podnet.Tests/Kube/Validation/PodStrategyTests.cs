using Podnet.Tests.TestSupport;

namespace Podnet.Tests.Kube.Validation;

/// <summary>Pods in a world are refused as the API server refuses them, naming file, document, pod and field.</summary>
public class PodStrategyTests
{
    [Fact]
    public void Pod_ContainerPortAbove65535_IsRejectedWithApiServerMessage()
        => Assert.Equal(
            "w.yaml: document 1 (line 1, Pod a): Error from server (Invalid): Pod \"a\" is invalid: spec.containers[0].ports[0].containerPort: Invalid value: 65536: must be between 1 and 65535, inclusive",
            BadWorlds.LoadError(BadWorlds.Pod("a", "{containers: [{name: c, ports: [{containerPort: 65536}]}]}")));

    [Fact]
    public void Pod_NamespaceANumber_IsRejectedAsTheDecoderDoes()
        => Assert.Equal(
            "w.yaml: document 1 (line 1, Pod a): Error from server (BadRequest): Pod in version \"v1\" cannot be handled as a Pod: json: cannot unmarshal number into Go struct field ObjectMeta.metadata.namespace of type string",
            BadWorlds.LoadError("apiVersion: v1\nkind: Pod\nmetadata: {name: a, namespace: 5}\nspec: {containers: [{name: c}]}\n"));

    [Fact]
    public void Pod_MetadataAList_IsRejectedNotCrashed()
        => Assert.Equal(
            "w.yaml: document 1 (line 1, Pod <unnamed>): Error from server (BadRequest): Pod in version \"v1\" cannot be handled as a Pod: json: cannot unmarshal array into Go struct field Pod.metadata of type v1.ObjectMeta",
            BadWorlds.LoadError("apiVersion: v1\nkind: Pod\nmetadata: [a]\nspec: {containers: [{name: c}]}\n"));

    [Theory]
    [InlineData("not-an-ip")]
    [InlineData("300.1.1.1")]
    [InlineData("10.1")]
    [InlineData("167772161")]
    public void Pod_PodIpNotAnAddress_IsRejectedWithApiServerMessage(string ip)
        => Assert.Equal(
            $"w.yaml: document 1 (line 1, Pod a): Error from server (Invalid): Pod \"a\" is invalid: status.podIPs[0]: Invalid value: \"{ip}\": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)",
            BadWorlds.LoadError(BadWorlds.Pod("a", "{containers: [{name: c}]}", $"{{podIP: \"{ip}\"}}")));

    [Fact]
    public void Pod_PortNameTooLongWithDoubleHyphen_GetsEachMessage()
        => Assert.Equal(
            "w.yaml: document 1 (line 1, Pod a): Error from server (Invalid): Pod \"a\" is invalid: [spec.containers[0].ports[0].name: Invalid value: \"metrics--endpoint\": must be no more than 15 bytes, spec.containers[0].ports[0].name: Invalid value: \"metrics--endpoint\": must not contain consecutive hyphens]",
            BadWorlds.LoadError(BadWorlds.Pod("a", "{containers: [{name: c, ports: [{containerPort: 80, name: metrics--endpoint}]}]}")));

    [Fact]
    public void Pod_PortProtocolUnknown_IsUnsupported()
        => Assert.Equal(
            "w.yaml: document 1 (line 1, Pod a): Error from server (Invalid): Pod \"a\" is invalid: spec.containers[0].ports[0].protocol: Unsupported value: \"ICMP\": supported values: \"SCTP\", \"TCP\", \"UDP\"",
            BadWorlds.LoadError(BadWorlds.Pod("a", "{containers: [{name: c, ports: [{containerPort: 80, protocol: ICMP}]}]}")));

    [Fact]
    public void DaemonSet_EnvValueUnquotedTrue_IsRejectedAsTheDecoderDoes()
        => Assert.Equal(
            "w.yaml: document 1 (line 1, DaemonSet ds): Error from server (BadRequest): DaemonSet in version \"v1\" cannot be handled as a DaemonSet: json: cannot unmarshal bool into Go struct field EnvVar.spec.template.spec.containers.env.value of type string",
            BadWorlds.LoadError("""
                apiVersion: apps/v1
                kind: DaemonSet
                metadata: {name: ds, namespace: kube-system}
                spec:
                  selector: {matchLabels: {a: b}}
                  template:
                    metadata: {labels: {a: b}}
                    spec: {containers: [{name: c, image: i, env: [{name: ENABLE_POD_ENI, value: true}]}]}
                """));

    [Fact]
    public void Deployment_ReplicasAString_IsRejectedAsTheDecoderDoes()
        => Assert.Equal(
            "w.yaml: document 1 (line 1, Deployment d): Error from server (BadRequest): Deployment in version \"v1\" cannot be handled as a Deployment: json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32",
            BadWorlds.LoadError("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: d}
                spec:
                  replicas: "3"
                  selector: {matchLabels: {a: b}}
                  template: {metadata: {labels: {a: b}}, spec: {containers: [{name: c, image: i}]}}
                """));

    [Fact]
    public void Deployment_NegativeReplicas_IsInvalid()
        => Assert.Equal(
            "w.yaml: document 1 (line 1, Deployment d): Error from server (Invalid): Deployment.apps \"d\" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0",
            BadWorlds.LoadError("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: d}
                spec:
                  replicas: -1
                  selector: {matchLabels: {a: b}}
                  template: {metadata: {labels: {a: b}}, spec: {containers: [{name: c, image: i}]}}
                """));
}
