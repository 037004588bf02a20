using System.Globalization;

namespace Podnet.Aws.Eks;

/// <summary>
/// The EKS builds of each Kubernetes minor version Podnet's EKS knows (<see cref="EksBackend.RetiredVersions"/> and
/// <see cref="EksBackend.OfferedVersions"/>, 1.10 to 1.35), as an EKS user sees them: the kubelet and kube-proxy of the
/// EKS-optimized AMIs (<c>status.nodeInfo.kubeletVersion</c>, the VERSION column of <c>kubectl get nodes</c>) and the
/// control plane's <c>/version</c> (<c>kubectl version</c>'s Server Version). The only place these strings are spelled:
/// nodes (<see cref="Podnet.Kube.Nodes.NodeRegistration"/>), Fargate nodes and the served API server read them here.
/// <para>
/// EKS builds Kubernetes itself: a version reads <c>v1.MINOR.PATCH-eks-HASH</c>, the hash naming EKS's build (six hex
/// digits up to 1.20, where it is the start of the git commit; seven since, where it is not), and one build run gives
/// the same hash to every minor version it builds (<c>ba74326</c>: v1.21.14, v1.22.12, v1.23.9; <c>473151a</c>: v1.28.15
/// to v1.32.3). There is no published list: every string here was seen in public <c>kubectl get nodes</c> or
/// <c>kubectl version</c> output, and each entry says where (an entry with no node seen says so). Most control planes
/// were seen in <c>kubectl version</c>'s short form only: their gitCommit, buildDate and goVersion are unknown (null)
/// rather than made up. 1.10's control plane was not found at all: it reports its nodes' version.
/// </para>
/// <para>
/// One build per minor version: a real cluster's nodes report their AMI release's build and its control plane the
/// platform version's, both of which move with time. The nodes' builds are those of the AMI releases whose OS facts
/// <see cref="EksOptimizedAmi"/> reports where one was found (1.28 to 1.32: the <c>473151a</c> builds of 2025, with
/// containerd 1.7.27).
/// </para>
/// </summary>
public static class EksKubernetesBuilds
{
    /// <summary>
    /// One minor version's EKS builds.
    /// </summary>
    /// <param name="Version">The Kubernetes minor version, <c>1.22</c>.</param>
    /// <param name="KubeletVersion">What the kubelet and kube-proxy of an EKS AMI report, <c>v1.22.12-eks-ba74326</c>.</param>
    /// <param name="GitVersion">The control plane's <c>/version</c> gitVersion, <c>v1.22.11-eks-18ef993</c>.</param>
    /// <param name="GitCommit">Its gitCommit (40 hex digits); null where no full <c>/version</c> of the build was found.</param>
    /// <param name="BuildDate">Its buildDate (RFC 3339, UTC); null likewise.</param>
    /// <param name="GoVersion">Its goVersion, <c>go1.16.15</c>; null likewise.</param>
    public sealed record Build(string Version, string KubeletVersion, string GitVersion, string? GitCommit = null, string? BuildDate = null, string? GoVersion = null);

    /// <summary>Every minor version's builds, oldest first.</summary>
    public static IReadOnlyList<Build> All { get; } =
    [
        // Nodes: amazon-eks-ami's Makefile (target 1.10: kubernetes_version=1.10.13, kubernetes_build_date=2019-03-27);
        // the binaries of that time carried no -eks- suffix. Control plane: no /version of an EKS 1.10 cluster was
        // found, so it reports the nodes' version (unverified).
        new("1.10", "v1.10.13", "v1.10.13"),

        // Nodes: the same Makefile (1.11: 1.11.9). Control plane: kubectl version against EKS, "v1.11.8-eks-7c34c0".
        new("1.11", "v1.11.9", "v1.11.8-eks-7c34c0", "7c34c0d2f2d0f11f397d55a46945193a0e22d8f3", "2019-03-01T22:49:39Z", "go1.10.8"),

        // Nodes: the same Makefile (1.12: 1.12.7). Control plane: "v1.12.6-eks-d69f1b" (several kubectl version outputs).
        new("1.12", "v1.12.7", "v1.12.6-eks-d69f1b", "d69f1bf3669bf00b7f4a758e978e0e7a1e3a68f7", "2019-02-28T20:26:10Z", "go1.10.8"),

        // Nodes: "v1.13.7-eks-c57ff8" (many kubectl get nodes outputs; the Makefile's 1.13: 1.13.7). Control plane:
        // "v1.13.8-eks-a977ba".
        new("1.13", "v1.13.7-eks-c57ff8", "v1.13.8-eks-a977ba", "a977bab148535ec195f12edc8720913c7b943f9c", "2019-07-29T20:47:04Z", "go1.11.5"),

        // Nodes: "v1.14.9-eks-cc7316" (kubectl get no during an upgrade to 1.15). Control plane: "v1.14.9-eks-c0eccc".
        new("1.14", "v1.14.9-eks-cc7316", "v1.14.9-eks-c0eccc", "c0eccca51d7500bb03b2f163dd8d534ffeb2f7a2", "2019-12-22T23:14:11Z", "go1.12.12"),

        // Nodes: "v1.15.12-eks-31566f" (the same upgrade). Control plane: "Server Version: v1.15.12-eks-31566f" (short
        // form only: commit, date and Go unknown).
        new("1.15", "v1.15.12-eks-31566f", "v1.15.12-eks-31566f"),

        // Control plane: "v1.16.8-eks-e16311" (several outputs). Nodes: no 1.16 node was found; the control plane's build
        // (unverified for nodes).
        new("1.16", "v1.16.8-eks-e16311", "v1.16.8-eks-e16311", "e163110a04dcb2f39c3325af96d019b4925419eb", "2020-03-27T22:37:12Z", "go1.13.8"),

        // Nodes: "v1.17.11-eks-cfdc40", EKS's build of 1.17.11 as its kubectl reports it (EKS user guide, install-kubectl;
        // unverified on a node). Control plane: "v1.17.9-eks-4c6976".
        new("1.17", "v1.17.11-eks-cfdc40", "v1.17.9-eks-4c6976", "4c6976793196d70bc5cd29d56ce5440c9473648e", "2020-07-17T18:46:04Z", "go1.13.9"),

        // Nodes: "v1.18.9-eks-d1db3c" (awslabs/fleetiq-adapter-for-agones#8). Control plane: the same build.
        new("1.18", "v1.18.9-eks-d1db3c", "v1.18.9-eks-d1db3c", "d1db3c46e55f95d6a7d3e5578689371318f95ff9", "2020-10-20T22:18:07Z", "go1.13.15"),

        // Nodes: "v1.19.6-eks-49a6c0" (many outputs; the EKS user guide's example). Control plane: "v1.19.8-eks-96780e".
        new("1.19", "v1.19.6-eks-49a6c0", "v1.19.8-eks-96780e", "96780e1b30acbf0a52c38b6030d7853e575bcdf3", "2021-03-10T21:32:29Z", "go1.15.8"),

        // Nodes: "v1.20.4-eks-6b7464", seen as a cluster's version in a public bug report (unverified on a node).
        // Control plane: "v1.20.7-eks-d88609".
        new("1.20", "v1.20.4-eks-6b7464", "v1.20.7-eks-d88609", "d886092805d5cc3a47ed5cf0c43de38ce442dfcb", "2021-07-31T00:29:12Z", "go1.15.12"),

        // Nodes: "v1.21.14-eks-ba74326" (kubectl describe node, with docker://20.10.17). Control plane:
        // "v1.21.12-eks-a64ea69" (two outputs).
        new("1.21", "v1.21.14-eks-ba74326", "v1.21.12-eks-a64ea69", "d4336843ba36120e9ed1491fddff5f2fec33eb77", "2022-05-12T18:29:27Z", "go1.16.15"),

        // Nodes: seed 001 ("ip-192-168-31-166.eu-west-1.compute.internal Ready <none> 111m v1.22.12-eks-ba74326"; seed
        // 003 shows the earlier v1.22.9-eks-810597c), the kubelet of amazon-eks-node-1.22-v20221104 (amazon-eks-ami
        // CHANGELOG.md, "AMI Release v20221104": release version 1.22.12-20221104, kernel 5.4.219-126.411.amzn2, dockerd
        // 20.10.17; 1.22.15 came with v20221112). Control plane: "v1.22.11-eks-18ef993".
        new("1.22", "v1.22.12-eks-ba74326", "v1.22.11-eks-18ef993", "b9628d6d3867ffd84c704af0befd31c7451cdc37", "2022-07-06T18:06:23Z", "go1.16.15"),

        // Nodes: "v1.23.9-eks-ba74326" (kubectl get nodes -o wide: Amazon Linux 2, docker). Control plane:
        // "v1.23.10-eks-15b7512".
        new("1.23", "v1.23.9-eks-ba74326", "v1.23.10-eks-15b7512", "cd6399691d9b1fed9ec20c9c5e82f5993c3f42cb", "2022-08-31T19:17:01Z", "go1.17.13"),

        // Nodes: "v1.24.17-eks-5e0fdde", seen only in a public test fixture (unverified on a node); the 5e0fdde run of
        // January 2024 built the nodes' v1.25.16 to v1.29.0. Control plane: "v1.24.17-eks-2d5f260".
        new("1.24", "v1.24.17-eks-5e0fdde", "v1.24.17-eks-2d5f260", "89754d01890de9a2e8316f075ec0a47cccc74b13", "2024-12-12T21:00:12Z", "go1.21.8"),

        // Nodes: "v1.25.16-eks-5e0fdde" (several outputs). Control plane: "v1.25.11-eks-a5565ad".
        new("1.25", "v1.25.16-eks-5e0fdde", "v1.25.11-eks-a5565ad", "df109513ba589adaee235b4e658476275d1fde31", "2023-06-16T17:35:00Z", "go1.19.10"),

        // Nodes: "v1.26.12-eks-5e0fdde" (a node's kubeletVersion). Control plane: "v1.26.4-eks-0a21954"
        // (kubectl version -o json).
        new("1.26", "v1.26.12-eks-5e0fdde", "v1.26.4-eks-0a21954", "4a3479673cb6d9b63f1c69a67b57de30a4d9b781", "2023-04-15T00:33:09Z", "go1.19.8"),

        // Nodes: "v1.27.16-eks-aeac579" (kubectl get nodes -o wide: Amazon Linux 2, containerd). Control plane:
        // "Server Version: v1.27.13-eks-3af4770" (short form).
        new("1.27", "v1.27.16-eks-aeac579", "v1.27.13-eks-3af4770"),

        // Nodes: "v1.28.15-eks-473151a". Control plane: "Server Version: v1.28.2-eks-f8587cb" (short form).
        new("1.28", "v1.28.15-eks-473151a", "v1.28.2-eks-f8587cb"),

        // Nodes: "v1.29.15-eks-473151a" (with containerd://1.7.27). Control plane: "v1.29.4-eks-036c24b" (helm's Kube
        // Version).
        new("1.29", "v1.29.15-eks-473151a", "v1.29.4-eks-036c24b"),

        // Nodes: "v1.30.11-eks-473151a". Control plane: "Server Version: v1.30.7-eks-56e63d8" (short form).
        new("1.30", "v1.30.11-eks-473151a", "v1.30.7-eks-56e63d8"),

        // Nodes: "v1.31.7-eks-473151a" (two outputs). Control plane: "Server Version: v1.31.2-eks-7f9249a" (several
        // outputs, short form).
        new("1.31", "v1.31.7-eks-473151a", "v1.31.2-eks-7f9249a"),

        // Nodes: "v1.32.3-eks-473151a" (several outputs). Control plane: "Server Version: v1.32.0-eks-5ca49cb" (an issue
        // report's kubectl version).
        new("1.32", "v1.32.3-eks-473151a", "v1.32.0-eks-5ca49cb"),

        // Nodes: "v1.33.0-eks-802817d" (kubectl get nodes -o wide: Amazon Linux 2023.8.20250707). Control plane:
        // "Server Version: v1.33.5-eks-3cfe0ce" (short form).
        new("1.33", "v1.33.0-eks-802817d", "v1.33.5-eks-3cfe0ce"),

        // Nodes: "v1.34.0-eks-642f211" (EKS nodes, Amazon Linux and Bottlerocket). Control plane: "v1.34.2-eks-b3126f4"
        // (a check script's "Server version").
        new("1.34", "v1.34.0-eks-642f211", "v1.34.2-eks-b3126f4"),

        // Nodes: "v1.35.0-eks-ac2d5a0" (several outputs, Bottlerocket 1.56.0 among them). Control plane:
        // "Server Version: v1.35.0-eks-3a10415" (short form).
        new("1.35", "v1.35.0-eks-ac2d5a0", "v1.35.0-eks-3a10415"),
    ];

    /// <summary>
    /// The builds of <paramref name="kubernetesVersion"/> (<c>1.22</c>).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A version EKS never had (EKS refuses such clusters before any node or
    /// API server asks).</exception>
    public static Build For(string kubernetesVersion)
        => All.FirstOrDefault(b => b.Version == kubernetesVersion)
            ?? throw new ArgumentOutOfRangeException(nameof(kubernetesVersion), kubernetesVersion, string.Create(CultureInfo.InvariantCulture, $"no EKS build of Kubernetes {kubernetesVersion} (EKS had {All[0].Version} to {All[^1].Version})"));

    /// <summary>What a node of <paramref name="kubernetesVersion"/> reports as its kubelet and kube-proxy version.</summary>
    public static string KubeletVersion(string kubernetesVersion) => For(kubernetesVersion).KubeletVersion;
}
