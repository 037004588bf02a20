using Podnet.Policy;

namespace Podnet.Tests.Policy;

/// <summary>kube-proxy's chain names (pkg/proxy/iptables/proxier.go <c>portProtoHash</c>), checked against chains every EKS cluster has.</summary>
public class KubeProxyChainsTests
{
    [Theory]
    [InlineData("kube-system/kube-dns:dns", "UDP", "KUBE-SVC-TCOU7JCQXEZGVUNU")]
    [InlineData("kube-system/kube-dns:dns-tcp", "TCP", "KUBE-SVC-ERIFXISQEP7F7OF4")]
    [InlineData("default/kubernetes:https", "tcp", "KUBE-SVC-NPX46M4PTMTKRN6Y")]
    public void ClusterChain_IsTheHashOfThePortNameAndLowerCaseProtocol(string servicePortName, string protocol, string chain)
        => Assert.Equal(chain, KubeProxyChains.Cluster(servicePortName, protocol));

    [Fact]
    public void LocalAndExternalChains_ShareTheHash_WithTheirPrefixes()
        => Assert.Equal(("KUBE-SVL-TCOU7JCQXEZGVUNU", "KUBE-EXT-TCOU7JCQXEZGVUNU"), (KubeProxyChains.Local("kube-system/kube-dns:dns", "udp"), KubeProxyChains.External("kube-system/kube-dns:dns", "udp")));
}
