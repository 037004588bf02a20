namespace Podnet.Cni;

/// <summary>
/// The network policy agent (aws/aws-network-policy-agent) that runs beside ipamd in every aws-node pod, as the
/// container <c>aws-eks-nodeagent</c>, from VPC CNI v1.14.0 on: its image for each VPC CNI release, as the release's
/// chart pins it (charts/aws-vpc-cni/values.yaml <c>nodeAgent.image.tag</c>, read at each release tag).
/// </summary>
/// <remarks>
/// The EKS add-on's images carry an <c>-eksbuild.N</c> build of their own (vpc-cni v1.19.0-eksbuild.1 runs
/// aws-network-policy-agent:v1.1.5-eksbuild.1); Podnet gives the agent build 1 of the version the release pins.
/// </remarks>
public static class NetworkPolicyAgentImage
{
    /// <summary>The container's name in the aws-node DaemonSet.</summary>
    public const string ContainerName = "aws-eks-nodeagent";

    /// <summary>The first VPC CNI release whose aws-node runs the agent.</summary>
    public static readonly CniRelease Since = new(1, 14, 0);

    /// <summary>The agent version each release pins, by the first release that pins it.</summary>
    private static readonly (CniRelease From, string Agent)[] Pinned =
    [
        (new(1, 14, 0), "v1.0.1"), (new(1, 14, 1), "v1.0.2"), (new(1, 15, 1), "v1.0.4"), (new(1, 15, 3), "v1.0.5"),
        (new(1, 15, 4), "v1.0.6"), (new(1, 15, 5), "v1.0.7"), (new(1, 16, 3), "v1.0.8"), (new(1, 17, 1), "v1.1.0"),
        (new(1, 18, 1), "v1.1.1"), (new(1, 18, 2), "v1.1.2"), (new(1, 18, 4), "v1.1.3"), (new(1, 18, 6), "v1.1.4"),
        (new(1, 19, 0), "v1.1.5"), (new(1, 19, 2), "v1.1.6"), (new(1, 19, 3), "v1.2.0"), (new(1, 19, 4), "v1.2.1"),
        (new(1, 19, 6), "v1.2.2"), (new(1, 20, 0), "v1.2.3"), (new(1, 20, 1), "v1.2.4"), (new(1, 20, 2), "v1.2.6"),
        (new(1, 20, 4), "v1.2.7"), (new(1, 21, 0), "v1.3.0"), (new(1, 21, 1), "v1.3.1"), (new(1, 21, 2), "v1.3.5"),
    ];

    /// <summary>
    /// The agent's image tag for <paramref name="release"/> (<c>v1.1.6-eksbuild.1</c> for v1.19.2), or null for a release
    /// before <see cref="Since"/>, whose aws-node has no agent.
    /// </summary>
    public static string? TagFor(CniRelease release)
    {
        ArgumentNullException.ThrowIfNull(release);
        string? tag = null;
        foreach (var (from, agent) in Pinned)
        {
            if (release >= from)
            {
                tag = agent;
            }
        }

        return tag is null ? null : $"{tag}-eksbuild.1";
    }
}
