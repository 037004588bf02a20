using System.Buffers.Binary;
using Podnet.Seeding;

namespace Podnet.Fargate;

/// <summary>
/// How long Fargate takes to provision a pod's micro-VM: from the fargate-scheduler's first look at the pod (its
/// network interface is created then) until the micro-VM's kubelet registers its <c>fargate-ip-…</c> node and the pod
/// is bound there. The pod is Pending without a node meanwhile, with no event. AWS publishes no figure; users observe
/// "30-45 seconds for a node to be created and registered" (aws/containers-roadmap#649, "EKS request: Improve Fargate
/// Node Startup Time"), before the image pull. Within that range the world's seed and the pod's identity decide, so
/// runs repeat exactly and one pod's time does not depend on any other's.
/// </summary>
public static class FargateProvisioning
{
    /// <summary>The shortest provisioning time.</summary>
    public static readonly TimeSpan Shortest = TimeSpan.FromSeconds(30);

    /// <summary>The longest provisioning time.</summary>
    public static readonly TimeSpan Longest = TimeSpan.FromSeconds(45);

    /// <summary>The provisioning time of the pod <paramref name="podNamespace"/>/<paramref name="podName"/> with UID <paramref name="podUid"/>, in [<see cref="Shortest"/>, <see cref="Longest"/>], whole milliseconds.</summary>
    /// <param name="seed">The world's seed.</param>
    /// <param name="podNamespace">The pod's namespace.</param>
    /// <param name="podName">The pod's name.</param>
    /// <param name="podUid">The pod's UID (a pod made again under the same name is another micro-VM).</param>
    public static TimeSpan Duration(int seed, string podNamespace, string podName, string podUid)
    {
        ArgumentNullException.ThrowIfNull(podNamespace);
        ArgumentNullException.ThrowIfNull(podName);
        ArgumentNullException.ThrowIfNull(podUid);
        var hash = IdentityHash.Of(seed, ["fargate-provisioning", podNamespace, podName, podUid]);
        var spread = (uint)(Longest - Shortest).TotalMilliseconds + 1;
        return Shortest + TimeSpan.FromMilliseconds(BinaryPrimitives.ReadUInt32LittleEndian(hash) % spread);
    }
}
