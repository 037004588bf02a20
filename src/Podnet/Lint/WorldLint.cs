namespace Podnet.Lint;

/// <summary>Runs every check of <c>podnet lint</c> on a settled world; findings come errors first, then by object.</summary>
public static class WorldLint
{
    public static IReadOnlyList<ILintCheck> Checks { get; } =
    [
        new DnsEgressToAnyAddress(),
        new KubeSystemDnsIsolated(),
        new UnenforcedNetworkPolicies(),
        new SecurityGroupReferences(),
        new ClusterRolePolicies(),
        new SecurityGroupPodDns(),
        new SecurityGroupPodProbes(),
        new TrunkIncompatibleNodes(),
        new SecurityGroupPolicyAfterPod(),
        new StrictModeConflicts(),
        new CniVersionRequirements(),
        new EniConfigSubnets(),
        new PodsWithoutRouteOut(),
        new CustomNetworkingMaxPods(),
        new UnusableNetworkPolicyFields(),
        new EksVersionNotOffered(),
        new FargateControlPlaneRule(),
        new WindowsSecurityGroupPods(),
        new Ipv6SecurityGroupPods(),
        new CniConfigInvalid(),
        new V6EgressNodeWithoutIpv6(),
        new V6EgressInitNotForwarding(),
        new Dns64WithoutNat64Route(),
        new NodegroupNodesCannotJoin(),
    ];

    public static IReadOnlyList<LintFinding> Run(Podnet.World.World world)
    {
        var context = new LintContext(world);
        return [.. Checks.SelectMany(c => c.Check(context))
            .OrderBy(f => f.Severity)
            .ThenBy(f => f.Object, StringComparer.Ordinal)
            .ThenBy(f => f.Check, StringComparer.Ordinal)];
    }
}
