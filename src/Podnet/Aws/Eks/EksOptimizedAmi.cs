namespace Podnet.Aws.Eks;

/// <summary>
/// What a node booted from one of EKS's AMIs tells the kubelet about its machine: the kubelet reports it in
/// <c>status.nodeInfo</c> (<c>osImage</c> is /etc/os-release's PRETTY_NAME, <c>kernelVersion</c> is <c>uname -r</c>,
/// <c>architecture</c> is the Go runtime's GOARCH) and labels the node with the architecture
/// (<c>kubernetes.io/arch</c>), and <c>kubectl get nodes -o wide</c> shows the first two as OS-IMAGE and
/// KERNEL-VERSION. The releases are those of awslabs/amazon-eks-ami's CHANGELOG.md ("AMI details"):
/// <list type="bullet">
/// <item>Amazon Linux 2023 (<c>AL2023_…</c>): <c>Amazon Linux 2023.8.20250715</c>, kernel 6.1, whatever the version.</item>
/// <item>Amazon Linux 2 (<c>AL2_…</c>): <c>Amazon Linux 2</c>. Its kernel followed the Kubernetes version: 4.14 up to
/// 1.18, 5.4 from 1.19 (amazon-eks-ami#600, "Sets the 5.4 linux kernel as default for kubernetes version 1.19 and
/// higher"), 5.10 from 1.24 (#1118, "Upgrade 1.24 to kernel 5.10"; #1728 moved 1.23 and older to 5.10 too in March
/// 2024, long after 1.22 was retired). The release is the one whose runtime the node reports
/// (<see cref="Podnet.Kube.Nodes.ContainerRuntime"/>): up to 1.23 the Docker 20.10.17 of v20221104
/// (<c>5.4.219-126.411.amzn2</c>; 1.18's last AMI, v20220406, had <c>4.14.268-205.500.amzn2</c>), from 1.24 the
/// containerd 1.7.27 of v20250715 (<c>5.10.238-234.956.amzn2</c>).</item>
/// <item>Bottlerocket (<c>BOTTLEROCKET_…</c>): <c>Bottlerocket OS 1.N.M (aws-k8s-1.XX)</c>, the variant named after
/// the Kubernetes version (and <c>-nvidia</c>, <c>-fips</c>), its own kernel (<c>uname -r</c> without a distribution
/// suffix) and containerd (<c>containerd://1.7.24+bottlerocket</c>): see <see cref="Bottlerocket"/>.</item>
/// <item>Windows: see <see cref="AmiTypes.WindowsOsImage"/>. <c>CUSTOM</c> is not modelled: its nodes report Amazon
/// Linux 2023's facts.</item>
/// </list>
/// A null AMI type is a node outside a managed node group, taken to run the AMI a node group of the version gets by
/// default (<see cref="AmiTypes.DefaultFor"/>).
/// </summary>
public static class EksOptimizedAmi
{
    /// <summary>The date of the AMI release Podnet's nodes run (v20250715), which its Amazon Linux names carry.</summary>
    private const string ReleaseDate = "20250715";

    /// <summary>The <c>osImage</c> of an Amazon Linux 2023 node (the AMI release v20250715).</summary>
    public const string Al2023OsImage = "Amazon Linux 2023.8." + ReleaseDate;

    /// <summary>The <c>osImage</c> of an Amazon Linux 2 node (its os-release's PRETTY_NAME).</summary>
    public const string Al2OsImage = "Amazon Linux 2";

    /// <summary>
    /// The node's <c>status.nodeInfo.osImage</c>: <c>Amazon Linux 2</c>, <c>Amazon Linux 2023.8.20250715</c>,
    /// <c>Bottlerocket OS 1.31.0 (aws-k8s-1.31)</c> or <c>Windows Server 2022 Datacenter</c>.
    /// </summary>
    /// <param name="amiType">The node group's AMI type; null for a node outside one.</param>
    /// <param name="kubernetesVersion">The cluster's version, e.g. <c>1.22</c>.</param>
    public static string OsImage(string? amiType, string kubernetesVersion)
    {
        amiType ??= AmiTypes.DefaultFor(kubernetesVersion);
        if (AmiTypes.IsBottlerocket(amiType))
        {
            return $"Bottlerocket OS {Bottlerocket(kubernetesVersion).Release} ({BottlerocketVariant(amiType, kubernetesVersion)})";
        }

        return AmiTypes.WindowsOsImage(amiType) ?? (AmiTypes.IsAmazonLinux2(amiType) ? Al2OsImage : Al2023OsImage);
    }

    /// <summary>
    /// The node's <c>status.nodeInfo.kernelVersion</c> (<c>uname -r</c>): e.g. <c>5.4.219-126.411.amzn2.x86_64</c> on an
    /// Amazon Linux 2 node of 1.22, <c>6.1.141-155.222.amzn2023.aarch64</c> on an Arm Amazon Linux 2023 node,
    /// <c>6.1.119</c> on a Bottlerocket node of 1.31; on Windows the OS build and its update revision, which Podnet
    /// does not model (0): <c>10.0.20348.0</c>.
    /// </summary>
    /// <param name="amiType">The node group's AMI type; null for a node outside one.</param>
    /// <param name="kubernetesVersion">The cluster's version, e.g. <c>1.22</c>.</param>
    public static string KernelVersion(string? amiType, string kubernetesVersion)
    {
        amiType ??= AmiTypes.DefaultFor(kubernetesVersion);
        if (AmiTypes.WindowsBuild(amiType) is { } build)
        {
            return $"{build}.0";
        }

        if (AmiTypes.IsBottlerocket(amiType))
        {
            return Bottlerocket(kubernetesVersion).Kernel;
        }

        var machine = AmiTypes.IsArm(amiType) ? "aarch64" : "x86_64";
        if (!AmiTypes.IsAmazonLinux2(amiType))
        {
            return $"6.1.141-155.222.amzn2023.{machine}";
        }

        var version = Version.TryParse(kubernetesVersion, out var parsed) ? parsed : new Version(1, 24);
        var release = version < new Version(1, 19) ? "4.14.268-205.500"
            : version < new Version(1, 24) ? "5.4.219-126.411"
            : "5.10.238-234.956";
        return $"{release}.amzn2.{machine}";
    }

    /// <summary>
    /// The node's architecture as Go names it (<c>status.nodeInfo.architecture</c>, the <c>kubernetes.io/arch</c>
    /// label): <c>arm64</c> for an Arm AMI type, else <c>amd64</c>. Podnet knows no instance type's architecture, so
    /// it does not check that a node group's instance types match its AMI's.
    /// </summary>
    public static string Architecture(string? amiType) => AmiTypes.IsArm(amiType) ? "arm64" : "amd64";

    /// <summary>
    /// One Bottlerocket release as a node of it reports itself.
    /// </summary>
    /// <param name="Release">The Bottlerocket OS release, <c>1.31.0</c>.</param>
    /// <param name="Kernel">Its kernel's <c>uname -r</c>, <c>6.1.119</c> (no distribution or machine suffix).</param>
    /// <param name="ContainerRuntime">Its containerd, as <c>containerRuntimeVersion</c>: <c>containerd://1.7.24+bottlerocket</c>.</param>
    public sealed record BottlerocketRelease(string Release, string Kernel, string ContainerRuntime);

    /// <summary>
    /// The Bottlerocket release a node of <paramref name="kubernetesVersion"/> runs, by the kernel line of its
    /// <c>aws-k8s-1.XX</c> variant, each one a node seen in <c>kubectl get nodes -o wide</c>:
    /// <list type="bullet">
    /// <item>to 1.23: <c>Bottlerocket OS 1.12.0 (aws-k8s-1.23)</c>, <c>5.10.157</c>, <c>containerd://1.6.15+bottlerocket</c>
    /// (bottlerocket-os/bottlerocket#2791, "Updated Kubernetes version to 1.23.16"). The oldest variants (to
    /// aws-k8s-1.19) ran kernel 5.4: Podnet does not model them apart.</item>
    /// <item>1.24 to 1.27: <c>Bottlerocket OS 1.12.0 (aws-k8s-1.24)</c>, <c>5.15.79</c>, <c>containerd://1.6.15+bottlerocket</c>
    /// (bottlerocket-os/bottlerocket#2790, "Updated Kubernetes version to 1.24.10").</item>
    /// <item>1.28 to 1.32: <c>Bottlerocket OS 1.31.0 (aws-k8s-1.31)</c>, <c>6.1.119</c>, <c>containerd://1.7.24+bottlerocket</c>
    /// (an EKS cluster's <c>kubectl get nodes -o wide</c>, with the <c>aws-k8s-1.31-nvidia</c> variant beside it).</item>
    /// <item>from 1.33: <c>Bottlerocket OS 1.56.0 (aws-k8s-1.35)</c>, <c>6.12.68</c>, <c>containerd://2.1.6+bottlerocket</c>
    /// (an EKS Bottlerocket CIS example's <c>kubectl get nodes -o wide</c>).</item>
    /// </list>
    /// A version that does not parse is taken as a current one.
    /// </summary>
    public static BottlerocketRelease Bottlerocket(string kubernetesVersion)
    {
        var version = Version.TryParse(kubernetesVersion, out var parsed) ? parsed : new Version(1, 35);
        return version < new Version(1, 24) ? new("1.12.0", "5.10.157", "containerd://1.6.15+bottlerocket")
            : version < new Version(1, 28) ? new("1.12.0", "5.15.79", "containerd://1.6.15+bottlerocket")
            : version < new Version(1, 33) ? new("1.31.0", "6.1.119", "containerd://1.7.24+bottlerocket")
            : new("1.56.0", "6.12.68", "containerd://2.1.6+bottlerocket");
    }

    /// <summary>
    /// The AMI release a node group of <paramref name="kubernetesVersion"/> runs, as DescribeNodegroup's
    /// <c>releaseVersion</c> says it: the kubelet's version and the Amazon Linux release date for Amazon Linux
    /// (<c>1.31.7-20250715</c>: v20250715, the release <see cref="Al2023OsImage"/> names; EKS's form, e.g.
    /// "1.31.3-20250103" in eksctl#7976), the Bottlerocket release for Bottlerocket (<c>1.31.0</c>: EKS adds the
    /// release's commit, which Podnet does not know), and the release date for Windows (<c>2025.07.15</c>).
    /// </summary>
    /// <param name="amiType">The node group's AMI type.</param>
    /// <param name="kubernetesVersion">The group's version, e.g. <c>1.31</c>.</param>
    public static string ReleaseVersion(string? amiType, string kubernetesVersion)
    {
        amiType ??= AmiTypes.DefaultFor(kubernetesVersion);
        if (AmiTypes.IsBottlerocket(amiType))
        {
            return Bottlerocket(kubernetesVersion).Release;
        }

        if (AmiTypes.WindowsOsImage(amiType) is not null)
        {
            return $"{ReleaseDate[..4]}.{ReleaseDate[4..6]}.{ReleaseDate[6..]}";
        }

        var kubelet = EksKubernetesBuilds.KubeletVersion(kubernetesVersion).TrimStart('v');
        var suffix = kubelet.IndexOf('-', StringComparison.Ordinal);
        return $"{(suffix < 0 ? kubelet : kubelet[..suffix])}-{ReleaseDate}";
    }

    /// <summary>
    /// The Bottlerocket variant a node of <paramref name="amiType"/> boots, as its OS image names it:
    /// <c>aws-k8s-1.31</c>, <c>aws-k8s-1.31-nvidia</c> for the NVIDIA AMI types, <c>aws-k8s-1.31-fips</c> for the FIPS
    /// ones (both seen on EKS nodes); <c>aws-k8s-1.31-nvidia-fips</c> for the NVIDIA FIPS ones is Podnet's spelling.
    /// </summary>
    public static string BottlerocketVariant(string amiType, string kubernetesVersion)
    {
        ArgumentNullException.ThrowIfNull(amiType);
        var nvidia = amiType.Contains("_NVIDIA", StringComparison.Ordinal) ? "-nvidia" : string.Empty;
        var fips = amiType.EndsWith("_FIPS", StringComparison.Ordinal) ? "-fips" : string.Empty;
        return $"aws-k8s-{kubernetesVersion}{nvidia}{fips}";
    }
}
