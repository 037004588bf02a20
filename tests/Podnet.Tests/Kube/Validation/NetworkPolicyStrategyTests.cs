using Podnet.Tests.TestSupport;

namespace Podnet.Tests.Kube.Validation;

/// <summary>
/// NetworkPolicies the API server refuses are refused, not half-understood: a selector with operator Foo once
/// selected nothing, so a deny-all policy denied nothing.
/// </summary>
public class NetworkPolicyStrategyTests
{
    private const string Prefix = "w.yaml: document 1 (line 1, NetworkPolicy p): Error from server (Invalid): NetworkPolicy.networking.k8s.io \"p\" is invalid: ";

    [Theory]
    [InlineData("{podSelector: {matchExpressions: [{key: app, operator: Foo, values: [a]}]}}", "spec.podSelector.matchExpressions[0].operator: Invalid value: \"Foo\": not a valid selector operator")]
    [InlineData("{podSelector: {matchExpressions: [{key: app, operator: In}]}}", "spec.podSelector.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'")]
    [InlineData("{podSelector: {matchExpressions: [{key: app, operator: Exists, values: [a]}]}}", "spec.podSelector.matchExpressions[0].values: Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'")]
    [InlineData("{podSelector: {}, ingress: [{from: [{ipBlock: {cidr: 10.0.0.0/8}, podSelector: {}}]}]}", "spec.ingress[0].from[0]: Forbidden: may not specify both ipBlock and another peer")]
    [InlineData("{podSelector: {}, egress: [{to: [{}]}]}", "spec.egress[0].to[0]: Required value: must specify a peer")]
    [InlineData("{podSelector: {}, ingress: [{ports: [{port: 80, endPort: 79}]}]}", "spec.ingress[0].ports[0].endPort: Invalid value: 80: must be greater than or equal to `port`")]
    [InlineData("{podSelector: {}, ingress: [{ports: [{port: 70000}]}]}", "spec.ingress[0].ports[0].port: Invalid value: 70000: must be between 1 and 65535, inclusive")]
    [InlineData("{podSelector: {}, ingress: [{ports: [{port: Http}]}]}", "spec.ingress[0].ports[0].port: Invalid value: \"Http\": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)")]
    public void NetworkPolicy_InvalidField_IsRejectedWithApiServerMessage(string spec, string cause)
        => Assert.Equal(Prefix + cause, BadWorlds.LoadError(BadWorlds.Policy("p", spec)));

    [Theory]
    [InlineData("{podSelector: {}, ingress: [{ports: [{port: 80.5}]}]}", "json: cannot unmarshal number 80.5 into Go struct field NetworkPolicyPort.spec.ingress.ports.port of type int32")]
    [InlineData("{podSelector: {}, ingress: [{ports: [{port: 80, endPort: \"90\"}]}]}", "json: cannot unmarshal string into Go struct field NetworkPolicyPort.spec.ingress.ports.endPort of type int32")]
    [InlineData("{podSelector: {}, ingress: hello}", "json: cannot unmarshal string into Go struct field NetworkPolicySpec.spec.ingress of type []v1.NetworkPolicyIngressRule")]
    [InlineData("{podSelector: {}, ingress: [{from: [{ipBlock: {cidr: 10.0.0.0/8, except: [5]}}]}]}", "json: cannot unmarshal number into Go struct field IPBlock.spec.ingress.from.ipBlock.except of type string")]
    public void NetworkPolicy_WrongType_IsRejectedAsTheDecoderDoes(string spec, string error)
        => Assert.Equal(
            $"w.yaml: document 1 (line 1, NetworkPolicy p): Error from server (BadRequest): NetworkPolicy in version \"v1\" cannot be handled as a NetworkPolicy: {error}",
            BadWorlds.LoadError(BadWorlds.Policy("p", spec)));

    [Fact]
    public void NetworkPolicy_MistypedField_IsAStrictDecodingError_NotADenyAll()
        => Assert.Equal(
            "w.yaml: document 1 (line 1, NetworkPolicy p): Error from server (BadRequest): NetworkPolicy in version \"v1\" cannot be handled as a NetworkPolicy: strict decoding error: unknown field \"spec.podSelector.matchLabel\", unknown field \"spec.ingres\"",
            BadWorlds.LoadError(BadWorlds.Policy("p", "{podSelector: {matchLabel: {app: a}}, ingres: [{}]}")));

    [Fact]
    public void NetworkPolicy_MistypedFieldInARule_IsNamedWithItsIndex()
        => Assert.Equal(
            "w.yaml: document 1 (line 1, NetworkPolicy p): Error from server (BadRequest): NetworkPolicy in version \"v1\" cannot be handled as a NetworkPolicy: strict decoding error: unknown field \"spec.ingress[1].form\"",
            BadWorlds.LoadError(BadWorlds.Policy("p", "{podSelector: {}, ingress: [{}, {form: [{podSelector: {}}]}]}")));

    [Fact]
    public void NetworkPolicy_MistypedKind_IsNoMatchesForKind_NotSilentlyDropped()
        => Assert.Equal(
            "w.yaml: document 1 (line 1, NetworkPolicie p): no matches for kind \"NetworkPolicie\" in version \"networking.k8s.io/v1\" (ensure CRDs are installed first)",
            BadWorlds.LoadError(BadWorlds.Policy("p", "{podSelector: {}}").Replace("kind: NetworkPolicy", "kind: NetworkPolicie", StringComparison.Ordinal)));

    [Fact]
    public void Pod_ApiVersionV2_IsNoMatchesForKind()
        => Assert.Equal(
            "w.yaml: document 1 (line 1, Pod a): no matches for kind \"Pod\" in version \"v2\" (ensure CRDs are installed first)",
            BadWorlds.LoadError(BadWorlds.Pod("a", "{containers: [{name: c}]}").Replace("apiVersion: v1", "apiVersion: v2", StringComparison.Ordinal)));
}
