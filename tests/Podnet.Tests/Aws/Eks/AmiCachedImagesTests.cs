using Podnet.Aws.Eks;

namespace Podnet.Tests.Aws.Eks;

public class AmiCachedImagesTests
{
    [Theory]
    [InlineData("AL2023_x86_64_STANDARD", "602401143452.dkr.ecr.us-west-2.amazonaws.com/eks/pause:3.10", true)]
    [InlineData("AL2_x86_64", "602401143452.dkr.ecr.us-west-2.amazonaws.com/eks/pause:3.10", true)]
    [InlineData("AL2023_x86_64_STANDARD", "602401143452.dkr.ecr.us-east-1.amazonaws.com/eks/pause:3.10", false)]
    [InlineData("AL2023_x86_64_STANDARD", "602401143452.dkr.ecr.us-west-2.amazonaws.com/amazon-k8s-cni:v1.19.2-eksbuild.1", false)]
    [InlineData("AL2023_x86_64_STANDARD", "602401143452.dkr.ecr.us-west-2.amazonaws.com/eks/kube-proxy:v1.31.3-minimal-eksbuild.2", false)]
    [InlineData("AL2023_x86_64_STANDARD", "nginx:1.27", false)]
    [InlineData("BOTTLEROCKET_x86_64", "602401143452.dkr.ecr.us-west-2.amazonaws.com/eks/pause:3.10", false)]
    [InlineData("CUSTOM", "602401143452.dkr.ecr.us-west-2.amazonaws.com/eks/pause:3.10", false)]
    [InlineData(null, "602401143452.dkr.ecr.us-west-2.amazonaws.com/eks/pause:3.10", false)]
    [InlineData("WINDOWS_CORE_2022_x86_64", "mcr.microsoft.com/windows/servercore:ltsc2022", true)]
    [InlineData("WINDOWS_FULL_2022_x86_64", "mcr.microsoft.com/windows/nanoserver:ltsc2022", true)]
    [InlineData("WINDOWS_CORE_2019_x86_64", "mcr.microsoft.com/windows/servercore:ltsc2019", true)]
    [InlineData("WINDOWS_CORE_2019_x86_64", "mcr.microsoft.com/windows/servercore:ltsc2022", false)]
    [InlineData("WINDOWS_CORE_2025_x86_64", "602401143452.dkr.ecr.us-west-2.amazonaws.com/eks/pause-windows:latest", true)]
    [InlineData("WINDOWS_CORE_2022_x86_64", "mcr.microsoft.com/windows/servercore/iis:windowsservercore-ltsc2022", false)]
    [InlineData("WINDOWS_CORE_2022_x86_64", "602401143452.dkr.ecr.us-west-2.amazonaws.com/eks/pause:3.10", false)]
    public void AmiCachedImages_IsCached_PerAmiFamily(string? amiType, string image, bool cached)
    {
        Assert.Equal(cached, AmiCachedImages.IsCached(amiType, "us-west-2", image));
    }
}
