using Podnet.Fargate;

namespace Podnet.Tests.Fargate;

/// <summary>A Fargate node's kubelet reports the EKS build of the cluster's Kubernetes version.</summary>
public class FargateNodeTests
{
    [Theory]
    [InlineData("1.22", "v1.22.12-eks-ba74326")]
    [InlineData("1.31", "v1.31.7-eks-473151a")]
    public void FargateNode_ReportsTheEksBuildOfTheClustersVersion(string kubernetesVersion, string kubelet)
    {
        var node = FargateNode.For("192.168.100.7", "us-west-2.compute.internal", "us-west-2a", "0f6c1e2a-5b7d-4e8f-9a0b-1c2d3e4f5a6b", "fp-default", kubernetesVersion, DateTimeOffset.UnixEpoch);

        Assert.Equal(kubelet, node.GetString("status.nodeInfo.kubeletVersion"));
        Assert.Equal(kubelet, node.GetString("status.nodeInfo.kubeProxyVersion"));
    }
}
