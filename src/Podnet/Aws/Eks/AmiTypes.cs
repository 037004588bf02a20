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
