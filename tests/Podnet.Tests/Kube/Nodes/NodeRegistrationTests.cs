using Podnet.Aws.Eks;
using Podnet.Aws.InstanceTypes;
using Podnet.Kube.Api;
using Podnet.Kube.Nodes;
using Podnet.Tests.TestSupport;

namespace Podnet.Tests.Kube.Nodes;

/// <summary>
/// What a node says of its machine (<c>status.nodeInfo</c>, the architecture labels) follows its node group's AMI type
/// and the cluster's Kubernetes version, as EKS's AMIs were built (awslabs/amazon-eks-ami CHANGELOG.md, "AMI details").
/// </summary>
public class NodeRegistrationTests
{
    private static KubeObject Register(string kubernetesVersion, string? amiType, string instanceType = "m5.large")
    {
        var cloud = new TestCloud();
        var instance = cloud.Run(instanceType);
        return NodeRegistration.NodeFor(instance, InstanceTypeCatalog.Default.Find(instanceType)!, kubernetesVersion, "ng-1", "usw2-az1", amiType: amiType);
    }

    private static (string? OsImage, string? Kernel, string? Runtime, string? Architecture) Info(KubeObject node)
        => (node.GetString("status.nodeInfo.osImage"), node.GetString("status.nodeInfo.kernelVersion"),
            node.GetString("status.nodeInfo.containerRuntimeVersion"), node.GetString("status.nodeInfo.architecture"));

    [Fact]
    public void NodeRegistration_Al2OnKubernetes122_IsAmazonLinux2_WithKernel54AndDocker()
    {
        // amazon-eks-node-1.22-v20221104: kernel 5.4.219-126.411.amzn2, dockerd 20.10.17.
        var node = Register("1.22", "AL2_x86_64");

        Assert.Equal(("Amazon Linux 2", "5.4.219-126.411.amzn2.x86_64", "docker://20.10.17", "amd64"), Info(node));
        Assert.Equal("amd64", node.Labels["kubernetes.io/arch"]);
    }

    [Theory]
    [InlineData("1.24")]
    [InlineData("1.32")]
    public void NodeRegistration_Al2From124_HasKernel510AndContainerd(string version)
    {
        Assert.Equal(("Amazon Linux 2", "5.10.238-234.956.amzn2.x86_64", "containerd://1.7.27", "amd64"), Info(Register(version, "AL2_x86_64")));
    }

    [Fact]
    public void NodeRegistration_Al2Before119_HasKernel414()
    {
        Assert.Equal("4.14.268-205.500.amzn2.x86_64", Info(Register("1.18", "AL2_x86_64")).Kernel);
        Assert.Equal("5.4.219-126.411.amzn2.x86_64", Info(Register("1.19", "AL2_x86_64")).Kernel);
    }

    [Fact]
    public void NodeRegistration_Al2023OnKubernetes123_RunsContainerd_AsAl2023NeverHadDocker()
    {
        Assert.Equal(("Amazon Linux 2023.8.20250715", "6.1.141-155.222.amzn2023.x86_64", "containerd://1.7.27", "amd64"), Info(Register("1.23", "AL2023_x86_64_STANDARD")));
    }

    [Theory]
    [InlineData("1.22", "Amazon Linux 2", "5.4.219-126.411.amzn2.x86_64", "docker://20.10.17")]
    [InlineData("1.29", "Amazon Linux 2", "5.10.238-234.956.amzn2.x86_64", "containerd://1.7.27")]
    [InlineData("1.30", "Amazon Linux 2023.8.20250715", "6.1.141-155.222.amzn2023.x86_64", "containerd://1.7.27")]
    public void NodeRegistration_WithoutAmiType_RunsTheVersionsDefaultAmi(string version, string osImage, string kernel, string runtime)
    {
        Assert.Equal((osImage, kernel, runtime, "amd64"), Info(Register(version, null)));
    }

    [Theory]
    [InlineData("1.22", "AL2_ARM_64", "Amazon Linux 2", "5.4.219-126.411.amzn2.aarch64")]
    [InlineData("1.31", "AL2023_ARM_64_STANDARD", "Amazon Linux 2023.8.20250715", "6.1.141-155.222.amzn2023.aarch64")]
    public void NodeRegistration_ArmAmiType_IsArm64(string version, string amiType, string osImage, string kernel)
    {
        var node = Register(version, amiType, "m6g.large");

        Assert.Equal((osImage, kernel), (Info(node).OsImage, Info(node).Kernel));
        Assert.Equal("arm64", Info(node).Architecture);
        Assert.Equal("arm64", node.Labels["kubernetes.io/arch"]);
        Assert.Equal("arm64", node.Labels["beta.kubernetes.io/arch"]);
    }

    [Fact]
    public void NodeRegistration_WindowsOnKubernetes122_KeepsItsBuildAndDocker()
    {
        Assert.Equal(("Windows Server 2022 Datacenter", "10.0.20348.0", "docker://20.10.17", "amd64"), Info(Register("1.22", "WINDOWS_CORE_2022_x86_64")));
        Assert.Equal("containerd://1.7.27", Info(Register("1.24", "WINDOWS_CORE_2022_x86_64")).Runtime);
    }

    [Fact]
    public void NodeRegistration_Kubernetes122Node_ReportsSeed001sKubelet()
    {
        // Seed 001: "ip-192-168-31-166.eu-west-1.compute.internal Ready <none> 111m v1.22.12-eks-ba74326".
        var node = Register("1.22", null);

        Assert.Equal("v1.22.12-eks-ba74326", node.GetString("status.nodeInfo.kubeletVersion"));
        Assert.Equal("v1.22.12-eks-ba74326", node.GetString("status.nodeInfo.kubeProxyVersion"));
    }

    [Fact]
    public void NodeRegistration_Kubernetes131Node_ReportsTheEksBuildOf131()
    {
        var node = Register("1.31", "AL2023_x86_64_STANDARD");

        Assert.Equal("v1.31.7-eks-473151a", node.GetString("status.nodeInfo.kubeletVersion"));
        Assert.Equal("v1.31.7-eks-473151a", node.GetString("status.nodeInfo.kubeProxyVersion"));
    }

    [Theory]
    [InlineData("1.31", "BOTTLEROCKET_x86_64", "m5.large", "Bottlerocket OS 1.31.0 (aws-k8s-1.31)", "6.1.119", "containerd://1.7.24+bottlerocket", "amd64")]
    [InlineData("1.31", "BOTTLEROCKET_x86_64_NVIDIA", "g5.xlarge", "Bottlerocket OS 1.31.0 (aws-k8s-1.31-nvidia)", "6.1.119", "containerd://1.7.24+bottlerocket", "amd64")]
    [InlineData("1.30", "BOTTLEROCKET_ARM_64_FIPS", "m6g.large", "Bottlerocket OS 1.31.0 (aws-k8s-1.30-fips)", "6.1.119", "containerd://1.7.24+bottlerocket", "arm64")]
    [InlineData("1.24", "BOTTLEROCKET_x86_64", "m5.large", "Bottlerocket OS 1.12.0 (aws-k8s-1.24)", "5.15.79", "containerd://1.6.15+bottlerocket", "amd64")]
    [InlineData("1.23", "BOTTLEROCKET_x86_64", "m5.large", "Bottlerocket OS 1.12.0 (aws-k8s-1.23)", "5.10.157", "containerd://1.6.15+bottlerocket", "amd64")]
    [InlineData("1.35", "BOTTLEROCKET_x86_64", "m5.large", "Bottlerocket OS 1.56.0 (aws-k8s-1.35)", "6.12.68", "containerd://2.1.6+bottlerocket", "amd64")]
    public void NodeRegistration_BottlerocketNode_ReportsBottlerocketsOsKernelAndContainerd(string version, string amiType, string instanceType, string osImage, string kernel, string runtime, string architecture)
    {
        var node = Register(version, amiType, instanceType);

        Assert.Equal((osImage, kernel, runtime, architecture), Info(node));
        Assert.Equal(EksKubernetesBuilds.KubeletVersion(version), node.GetString("status.nodeInfo.kubeletVersion"));
    }
}
