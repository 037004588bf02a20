namespace Podnet.Aws.Eks;

/// <summary>
/// The AMI types a managed node group may run (<c>aws eks create-nodegroup --ami-type</c>; the <c>AMITypes</c> enum of
/// EKS's service model, in its order), and what the Windows ones make of a node: EKS's Windows AMIs run Windows Server
/// (Core or Full) 2019, 2022 or 2025 on x86_64, and the kubelet labels the node with the OS and its build
/// (<c>node.kubernetes.io/windows-build</c>, k8s.io/kubelet's <c>LabelWindowsBuild</c>, set on Windows only).
/// </summary>
public static class AmiTypes
{
    /// <summary>The default of CreateNodegroup for a cluster of Kubernetes 1.30 or later (an Amazon Linux 2023 x86_64 AMI).</summary>
    public const string Default = "AL2023_x86_64_STANDARD";

    /// <summary>The default of CreateNodegroup for a cluster before Kubernetes 1.30 (an Amazon Linux 2 x86_64 AMI).</summary>
    public const string DefaultBefore130 = "AL2_x86_64";

    /// <summary>The first Kubernetes version whose new managed node groups default to Amazon Linux 2023.</summary>
    private static readonly Version Al2023DefaultFrom = new(1, 30);

    /// <summary>
    /// The first Kubernetes version with EKS-optimized Amazon Linux 2023 AMIs: "It can be used on Amazon EKS versions
    /// 1.25 or greater in standard support and Amazon EKS versions 1.23 and 1.24 in extended support" (AWS Containers
    /// blog, "Amazon EKS-Optimized Amazon Linux 2023 AMIs Now Available", 2024-02-29).
    /// </summary>
    public static readonly Version Al2023From = new(1, 23);

    /// <summary>
    /// The last Kubernetes version with EKS-optimized Amazon Linux 2 AMIs: "Kubernetes version 1.32 is the last version
    /// for which Amazon EKS will release AL2 AMIs. From version 1.33 onwards, Amazon EKS will continue to release AL2023
    /// and Bottlerocket based AMIs" (EKS user guide, eks-ami-build-scripts and al2023 pages).
    /// </summary>
    public static readonly Version Al2Until = new(1, 32);

    /// <summary>
    /// The AMI type CreateNodegroup gives a node group without <c>--ami-type</c> on a cluster of
    /// <paramref name="kubernetesVersion"/> (<c>1.22</c>): "Starting with Amazon EKS version 1.30 or newer, any newly
    /// created managed node groups will automatically default to using Amazon Linux 2023 (AL2023) as the node operating
    /// system. Previously, new node groups would default to Amazon Linux 2 (AL2)" (EKS user guide,
    /// kubernetes-versions-standard, "Kubernetes 1.30"). A version that does not parse is taken as a current one.
    /// </summary>
    public static string DefaultFor(string kubernetesVersion)
        => Version.TryParse(kubernetesVersion, out var version) && version < Al2023DefaultFrom ? DefaultBefore130 : Default;

    /// <summary>Whether <paramref name="amiType"/> is one of EKS's Amazon Linux 2 AMIs (<c>AL2_…</c>).</summary>
    public static bool IsAmazonLinux2(string? amiType) => amiType?.StartsWith("AL2_", StringComparison.Ordinal) == true;

    /// <summary>Whether <paramref name="amiType"/> is one of EKS's Amazon Linux 2023 AMIs (<c>AL2023_…</c>).</summary>
    public static bool IsAmazonLinux2023(string? amiType) => amiType?.StartsWith("AL2023_", StringComparison.Ordinal) == true;

    /// <summary>Whether <paramref name="amiType"/> is one of EKS's Bottlerocket AMIs (<c>BOTTLEROCKET_…</c>).</summary>
    public static bool IsBottlerocket(string? amiType) => amiType?.StartsWith("BOTTLEROCKET_", StringComparison.Ordinal) == true;

    /// <summary>
    /// Whether <paramref name="amiType"/> is an Arm (Graviton) AMI (<c>AL2_ARM_64</c>, <c>AL2023_ARM_64_…</c>,
    /// <c>BOTTLEROCKET_ARM_64…</c>): its nodes are <c>arm64</c>.
    /// </summary>
    public static bool IsArm(string? amiType) => amiType?.Contains("_ARM_64", StringComparison.Ordinal) == true;

    /// <summary>
    /// CreateNodegroup's refusal of an AMI type EKS publishes no AMI of for the cluster's Kubernetes version, or null
    /// when it does: Amazon Linux 2 up to 1.32 only, with EKS's own words (<c>InvalidParameterException: AMI Type
    /// AL2_x86_64 is only supported for kubernetes versions 1.32 or earlier</c>, as quoted in
    /// scylladb/scylla-cluster-tests#12524 and aws/aws-cdk#37012); Amazon Linux 2023 from 1.23 only, in the same form
    /// (<c>… is only supported for kubernetes versions 1.23 or later</c>): that text is Podnet's, no answer of EKS to it
    /// is on record. Other AMI types are taken for every version.
    /// </summary>
    public static AwsException? NotOffered(string amiType, string kubernetesVersion)
    {
        if (!Version.TryParse(kubernetesVersion, out var version))
        {
            return null;
        }

        return IsAmazonLinux2(amiType) && version > Al2Until
                ? EksErrors.InvalidParameter($"AMI Type {amiType} is only supported for kubernetes versions {Al2Until} or earlier")
            : IsAmazonLinux2023(amiType) && version < Al2023From
                ? EksErrors.InvalidParameter($"AMI Type {amiType} is only supported for kubernetes versions {Al2023From} or later")
            : null;
    }

    /// <summary>Every value of the <c>AMITypes</c> enum, as EKS's service model (2017-11-01) lists them.</summary>
    public static IReadOnlyList<string> All { get; } =
    [
        "AL2_x86_64", "AL2_x86_64_GPU", "AL2_ARM_64", "CUSTOM",
        "BOTTLEROCKET_ARM_64", "BOTTLEROCKET_x86_64", "BOTTLEROCKET_ARM_64_FIPS", "BOTTLEROCKET_x86_64_FIPS",
        "BOTTLEROCKET_ARM_64_NVIDIA", "BOTTLEROCKET_x86_64_NVIDIA", "BOTTLEROCKET_ARM_64_NVIDIA_FIPS", "BOTTLEROCKET_x86_64_NVIDIA_FIPS",
        "WINDOWS_CORE_2019_x86_64", "WINDOWS_FULL_2019_x86_64", "WINDOWS_CORE_2022_x86_64", "WINDOWS_FULL_2022_x86_64",
        "WINDOWS_CORE_2025_x86_64", "WINDOWS_FULL_2025_x86_64",
        "AL2023_x86_64_STANDARD", "AL2023_ARM_64_STANDARD", "AL2023_x86_64_NEURON", "AL2023_x86_64_NVIDIA", "AL2023_ARM_64_NVIDIA",
    ];

    /// <summary>Whether <paramref name="amiType"/> is one of EKS's Windows AMIs (<c>WINDOWS_…</c>).</summary>
    public static bool IsWindows(string? amiType) => amiType?.StartsWith("WINDOWS_", StringComparison.Ordinal) == true;

    /// <summary>
    /// The Windows build a node of a Windows AMI type reports as <c>node.kubernetes.io/windows-build</c>
    /// (major.minor.build of the OS: Windows Server 2019 is 10.0.17763, 2022 is 10.0.20348, 2025 is 10.0.26100 —
    /// Microsoft's "Windows Server release information"); null for other AMI types.
    /// </summary>
    public static string? WindowsBuild(string? amiType) => !IsWindows(amiType) ? null
        : amiType!.Contains("_2019_", StringComparison.Ordinal) ? "10.0.17763"
        : amiType.Contains("_2022_", StringComparison.Ordinal) ? "10.0.20348"
        : "10.0.26100";

    /// <summary>
    /// The node's <c>status.nodeInfo.osImage</c> on a Windows AMI type (the kubelet reports the edition's product
    /// name, e.g. <c>Windows Server 2022 Datacenter</c>); null for other AMI types.
    /// </summary>
    public static string? WindowsOsImage(string? amiType) => WindowsServerVersion(amiType) is { } version ? $"Windows Server {version} Datacenter" : null;

    /// <summary>The Windows Server release of a Windows AMI type (<c>2019</c>, <c>2022</c>, <c>2025</c>); null for other AMI types.</summary>
    public static string? WindowsServerVersion(string? amiType) => !IsWindows(amiType) ? null
        : amiType!.Contains("_2019_", StringComparison.Ordinal) ? "2019"
        : amiType.Contains("_2022_", StringComparison.Ordinal) ? "2022"
        : "2025";

    /// <summary>
    /// CreateNodegroup's refusal of a value outside the enum, in the model-validation form EKS answers with (the CLI
    /// does not check enums, so the service does).
    /// </summary>
    public static AwsException Invalid(string amiType)
        => new("ValidationException", $"1 validation error detected: Value '{amiType}' at 'amiType' failed to satisfy constraint: Member must satisfy enum value set: [{string.Join(", ", All)}]");
}
