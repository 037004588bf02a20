using Podnet.Kube.Api;
using Podnet.NetworkPolicyController;

namespace Podnet.Policy;

/// <summary>
/// Who enforces NetworkPolicy in a world: the VPC CNI's network policy agent (enabled in the
/// <c>amazon-vpc-cni</c> ConfigMap), Calico (its <c>calico-node</c> DaemonSet), or, in a policy-only world, the
/// policies themselves. Null when a cluster has nothing that enforces them.
/// </summary>
public static class NetworkPolicyEnforcer
{
    public const string VpcCni = "the VPC CNI's network policy agent";
    public const string Calico = "Calico";
    public const string PolicyOnly = "policy-only world";

    public static string? Find(Podnet.World.World world)
    {
        ArgumentNullException.ThrowIfNull(world);
        if (world.IsPolicyOnly)
        {
            return PolicyOnly;
        }

        if (PolicyEndpointsController.IsEnabled(world.ControlPlane.Store))
        {
            return VpcCni;
        }

        return CalicoDaemonSet(world) is null ? null : Calico;
    }

    /// <summary>Calico's <c>calico-node</c> DaemonSet, in whatever namespace it was installed; null without Calico.</summary>
    public static KubeObject? CalicoDaemonSet(Podnet.World.World world) => DaemonSetNamed(world, CalicoNode);

    /// <summary>Calico's DaemonSet for Linux nodes (calico-node runs with <c>kubernetes.io/os: linux</c>).</summary>
    public const string CalicoNode = "calico-node";

    /// <summary>
    /// Calico for Windows' DaemonSet: the Tigera operator renders <c>calico-node-windows</c> (in calico-system) when the
    /// Installation enables the Windows dataplane, and Calico's manifests install it in kube-system
    /// (tigera/operator pkg/render/windows.go); it runs Felix on the Windows nodes, which then filter their pods' traffic
    /// by NetworkPolicy as calico-node does on Linux.
    /// </summary>
    public const string CalicoNodeWindows = "calico-node-windows";

    /// <summary>Whether Calico for Windows is installed (a <see cref="CalicoNodeWindows"/> DaemonSet in any namespace).</summary>
    public static bool CalicoForWindows(Podnet.World.World world) => DaemonSetNamed(world, CalicoNodeWindows) is not null;

    /// <summary>The first DaemonSet named <paramref name="name"/>, in whatever namespace it was installed; null when none is.</summary>
    private static KubeObject? DaemonSetNamed(Podnet.World.World world, string name)
    {
        ArgumentNullException.ThrowIfNull(world);
        return world.ControlPlane.Store.List("apps/v1", "DaemonSet").Items.FirstOrDefault(d => d.Name == name);
    }
}
