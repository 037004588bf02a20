namespace Podnet.Aws.Eks;

/// <summary>
/// The container images an EKS-optimized AMI has in its runtime's image store when its node boots, so the kubelet
/// finds them "already present on machine" and pulls nothing. What each AMI family caches by default:
/// <list type="bullet">
/// <item>Amazon Linux 2023 (<c>AL2023_…</c>): the pause image only — awslabs/amazon-eks-ami
/// <c>templates/al2023/template.json</c> always runs <c>provisioners/cache-pause-container.sh</c>
/// (<c>cache-pause-container -i ${PAUSE_CONTAINER_IMAGE}</c>).</item>
/// <item>Amazon Linux 2 (<c>AL2_…</c>): the pause image too, which the AMI's <c>sandbox-image.service</c> pulls at boot
/// before the kubelet starts. The kube-proxy and VPC CNI images are cached only by a build with
/// <c>cache_container_images=true</c> (<c>templates/al2/provisioners/install-worker.sh</c>, "Cache Images"; awslabs/amazon-eks-ami#938
/// "Optionally, some container images can be cached"), and <c>templates/al2/variables-default.json</c> sets it
/// <c>"false"</c>: an EKS-optimized node pulls aws-node's and kube-proxy's images.</item>
/// <item>Windows (<c>WINDOWS_…</c>): the EKS user guide, "Amazon EKS optimized Windows AMIs", Cached container images:
/// <c>amazonaws.com/eks/pause-windows</c>, <c>mcr.microsoft.com/windows/nanoserver</c> and
/// <c>mcr.microsoft.com/windows/servercore</c> for containerd; the Microsoft images at the tag of the node's Windows
/// Server release (<c>ltsc2019</c>, <c>ltsc2022</c>, <c>ltsc2025</c>).</item>
/// <item>Bottlerocket: its pause image ships inside the OS under a local name, not one a pod names: nothing a pod's
/// container uses is cached. <c>CUSTOM</c> (a launch template's own AMI): nothing Podnet can know.</item>
/// </list>
/// The pause image is the sandbox's, which Podnet's kubelet does not pull as a container: a pod naming it (or a
/// Windows base image) starts without a pull on these nodes.
/// </summary>
public static class AmiCachedImages
{
    /// <summary>The EKS pause image's tag the AMIs cache (amazon-eks-ami <c>pause_container_version</c>, variables-default.json).</summary>
    public const string PauseVersion = "3.10";

    /// <summary>The ECR account of EKS's images in most regions (the add-ons' images come from it too).</summary>
    private const string EcrAccount = "602401143452";

    /// <summary>
    /// Whether a node of <paramref name="amiType"/> in <paramref name="region"/> has <paramref name="image"/> (as a
    /// pod spells it, <c>registry/repository:tag</c>) from its boot. False for a null AMI type (a node of no node group).
    /// </summary>
    public static bool IsCached(string? amiType, string region, string image)
    {
        ArgumentNullException.ThrowIfNull(region);
        ArgumentNullException.ThrowIfNull(image);
        var ecr = $"{EcrAccount}.dkr.ecr.{region}.amazonaws.com/";
        if (AmiTypes.WindowsServerVersion(amiType) is { } windows)
        {
            return image.StartsWith(ecr + "eks/pause-windows:", StringComparison.Ordinal)
                   || image == $"mcr.microsoft.com/windows/nanoserver:ltsc{windows}"
                   || image == $"mcr.microsoft.com/windows/servercore:ltsc{windows}";
        }

        return (amiType?.StartsWith("AL2023_", StringComparison.Ordinal) == true || amiType?.StartsWith("AL2_", StringComparison.Ordinal) == true)
               && image == $"{ecr}eks/pause:{PauseVersion}";
    }
}
