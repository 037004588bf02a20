using Podnet.Tests.TestSupport;

namespace Podnet.Tests.Server.Kube;

/// <summary>
/// The network policy controller against <c>podnet up</c> with the real kubectl, the way EKS's documentation turns it
/// on and inspects it: patch the amazon-vpc-cni ConfigMap's enable-network-policy-controller, apply a NetworkPolicy,
/// then <c>kubectl get policyendpoints</c> shows what the node agents are given.
/// </summary>
public sealed class KubectlPolicyEndpointsTests : IClassFixture<ServedWorld>
{
    private readonly ServedWorld _served;

    public KubectlPolicyEndpointsTests(ServedWorld served)
    {
        _served = served;
    }

    [Fact]
    public async Task EnabledController_WritesPolicyEndpoints_KubectlGetsThem()
    {
        _served.KubectlOk("1.31", "create", "namespace", "netpol");
        _served.KubectlOk("1.31", "create", "deployment", "api", "-n", "netpol", "--image=nginx", "--replicas=2");
        _served.KubectlOk("1.31", "patch", "configmap", "amazon-vpc-cni", "-n", "kube-system", "--type", "merge", "-p", """{"data":{"enable-network-policy-controller":"true"}}""");
        var (exit, output, error) = _served.Kubectl("1.31", """
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: api-ingress, namespace: netpol}
            spec:
              podSelector: {matchLabels: {app: api}}
              ingress: [{from: [{podSelector: {matchLabels: {app: api}}}], ports: [{port: 80}]}]
            """, "apply", "-f", "-");
        Assert.True(exit == 0, output + error);
        await _served.WaitUntil(
            s => s.List("networking.k8s.aws/v1alpha1", "PolicyEndpoint", "netpol").Items.Any(p => (p.Peek("spec.podSelectorEndpoints") as System.Text.Json.Nodes.JsonArray)?.Count == 2),
            "the policy's PolicyEndpoint with both api pods",
            60);

        Assert.Matches(@"^NAME\s+AGE\napi-ingress-[a-z0-9]{5}\s+\S+$", _served.KubectlOk("1.31", "get", "policyendpoints", "-n", "netpol").Trim());
        var ips = _served.KubectlOk("1.31", "get", "pods", "-n", "netpol", "-o", "jsonpath={.items[*].status.podIP}").Split(' ', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal);
        var ingress = _served.KubectlOk("1.31", "get", "policyendpoints", "-n", "netpol", "-o", "jsonpath={.items[0].spec.ingress[*].cidr}").Split(' ', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal);
        Assert.Equal(ips, ingress);
        Assert.Equal("networking.k8s.aws/resources", _served.KubectlOk("1.31", "get", "networkpolicy", "api-ingress", "-n", "netpol", "-o", "jsonpath={.metadata.finalizers[0]}").Trim());

        // Deleting the policy waits for the controller to clean up behind its finalizer.
        _served.KubectlOk("1.31", "delete", "networkpolicy", "api-ingress", "-n", "netpol");
        await _served.WaitUntil(s => s.List("networking.k8s.aws/v1alpha1", "PolicyEndpoint", "netpol").Items.Count == 0, "no PolicyEndpoint left", 30);
    }
}
