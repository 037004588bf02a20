using Podnet.Kube.Api;

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

        var store = world.ControlPlane.Store;
        var configMap = store.TryGet(store.Resources.For("v1", "ConfigMap"), "kube-system", "amazon-vpc-cni");
        if (configMap?.GetString("data.enable-network-policy-controller") == "true")
        {
            return VpcCni;
        }

        return CalicoDaemonSet(world) is null ? null : Calico;
    }

    /// <summary>Calico's <c>calico-node</c> DaemonSet, in whatever namespace it was installed; null without Calico.</summary>
    public static KubeObject? CalicoDaemonSet(Podnet.World.World world)
    {
        ArgumentNullException.ThrowIfNull(world);
        return world.ControlPlane.Store.List("apps/v1", "DaemonSet").Items.FirstOrDefault(d => d.Name == "calico-node");
    }
}
