using Podnet.Cni;

namespace Podnet.Aws.Eks;

/// <summary>
/// The add-on versions EKS offers, as <c>aws eks describe-addon-versions</c> lists them (botocore <c>AddonInfo</c>):
/// what CreateAddon and UpdateAddon accept and which version a cluster gets when none is named.
/// </summary>
/// <remarks>
/// Podnet knows the add-on versions it emulates, not EKS's whole catalogue: for vpc-cni the release Podnet installs
/// by default (<see cref="CniSettings.DefaultRelease"/>, EksAddons.yaml's image) and the latest add-on versions the
/// Amazon EKS user guide's "Amazon VPC CNI versions" table has listed (v1.19.0-eksbuild.1 for Kubernetes 1.24 to
/// 1.31, v1.18.5-eksbuild.1 for 1.23), compatible here with every version EKS offers
/// (<see cref="EksBackend.OfferedVersions"/>); for kube-proxy and coredns the versions EksAddons.yaml installs, for
/// Kubernetes 1.31 (the default cluster version) only. A world's <c>Addon</c> document may still name any version of
/// EKS's form (an add-on installed back then, see <see cref="CreateAddonRequest.Existing"/>).
/// </remarks>
public static class AddonVersionCatalog
{
    /// <summary>The vpc-cni add-on's name.</summary>
    public const string VpcCni = "vpc-cni";

    /// <summary>The kube-proxy add-on's name.</summary>
    public const string KubeProxy = "kube-proxy";

    /// <summary>The CoreDNS add-on's name.</summary>
    public const string CoreDns = "coredns";

    /// <summary>The architectures EKS's add-on images are built for.</summary>
    private static readonly string[] Architectures = ["amd64", "arm64"];

    /// <summary>Every add-on Podnet knows, with its versions, newest first.</summary>
    public static IReadOnlyList<AddonInfo> All { get; } =
    [
        new(VpcCni, "networking", "eks", "aws",
        [
            Version($"v{CniSettings.DefaultRelease}", EksBackend.OfferedVersions, isDefault: true),
            Version("v1.19.0-eksbuild.1", EksBackend.OfferedVersions),
            Version("v1.18.5-eksbuild.1", EksBackend.OfferedVersions),
        ]),
        new(KubeProxy, "networking", "eks", "aws", [Version("v1.31.3-eksbuild.2", ["1.31"], isDefault: true)]),
        new(CoreDns, "networking", "eks", "aws", [Version("v1.11.3-eksbuild.2", ["1.31"], isDefault: true)]),
    ];

    /// <summary>The add-on named <paramref name="addonName"/>, or null when EKS (as Podnet knows it) has none.</summary>
    public static AddonInfo? Find(string addonName) => All.FirstOrDefault(a => a.AddonName == addonName);

    /// <summary>
    /// The add-ons as DescribeAddonVersions answers: those named <paramref name="addonName"/> (all when null), with
    /// only the versions compatible with <paramref name="kubernetesVersion"/> and only that version's compatibility
    /// (all when null); add-ons left with no version are not listed.
    /// </summary>
    public static IReadOnlyList<AddonInfo> Describe(string? addonName, string? kubernetesVersion)
        => [.. All.Where(a => addonName is null || a.AddonName == addonName)
            .Select(a => a with
            {
                AddonVersions = [.. a.AddonVersions
                    .Select(v => v with { Compatibilities = [.. v.Compatibilities.Where(c => kubernetesVersion is null || c.ClusterVersion == kubernetesVersion)] })
                    .Where(v => v.Compatibilities.Count > 0)],
            })
            .Where(a => a.AddonVersions.Count > 0)];

    /// <summary>The version a cluster of <paramref name="kubernetesVersion"/> gets when CreateAddon names none: the one marked default for it.</summary>
    public static string? DefaultVersion(string addonName, string kubernetesVersion)
        => Find(addonName)?.AddonVersions.FirstOrDefault(v => v.Compatibilities.Any(c => c.ClusterVersion == kubernetesVersion && c.DefaultVersion))?.AddonVersion;

    /// <summary>Whether <paramref name="addonVersion"/> of the add-on runs on a cluster of <paramref name="kubernetesVersion"/>.</summary>
    public static bool Supports(string addonName, string addonVersion, string kubernetesVersion)
        => Find(addonName)?.AddonVersions.Any(v => v.AddonVersion == addonVersion && v.Compatibilities.Any(c => c.ClusterVersion == kubernetesVersion)) == true;

    private static AddonVersionInfo Version(string version, IEnumerable<string> clusterVersions, bool isDefault = false)
        => new(version, Architectures, [.. clusterVersions.Select(v => new Compatibility(v, [], isDefault))], RequiresConfiguration: false);
}

/// <summary>An add-on and its versions (botocore <c>AddonInfo</c>).</summary>
public sealed record AddonInfo(string AddonName, string Type, string Publisher, string Owner, IReadOnlyList<AddonVersionInfo> AddonVersions);

/// <summary>An add-on version (botocore <c>AddonVersionInfo</c>): the version, its architectures and the cluster versions it runs on.</summary>
public sealed record AddonVersionInfo(string AddonVersion, IReadOnlyList<string> Architecture, IReadOnlyList<Compatibility> Compatibilities, bool RequiresConfiguration);

/// <summary>A cluster version an add-on version runs on, and whether it is that cluster version's default (botocore <c>Compatibility</c>).</summary>
public sealed record Compatibility(string ClusterVersion, IReadOnlyList<string> PlatformVersions, bool DefaultVersion);
