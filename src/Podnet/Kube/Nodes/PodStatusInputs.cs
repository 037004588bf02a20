using System.Text.Json.Nodes;
using Podnet.Kube.Views;

namespace Podnet.Kube.Nodes;

/// <summary>
/// Everything of the kubelet's own state that goes into the status it writes for a pod (phase, addresses, each
/// container's state, readiness and restarts), compared by value. The kubelet's status manager keeps the last status
/// it sent and writes only one that changed (status_manager.go <c>needsUpdate</c>); Podnet's kubelet keeps these inputs
/// with the stored status they gave, so a sync that changes none of them does not build a status only to find it equal.
/// </summary>
/// <param name="Phase">The pod's phase (<see cref="RuntimePod.Phase"/>).</param>
/// <param name="HostIp">The node's address.</param>
/// <param name="PodIp">The sandbox's address.</param>
/// <param name="PodLevelReady">Whether the pod-level readiness (aws-node's own) holds.</param>
/// <param name="Containers">Each container's part, in spec order.</param>
internal sealed record PodStatusInputs(string Phase, string? HostIp, string PodIp, bool PodLevelReady, ContainerStatusInputs[] Containers)
{
    /// <summary>The inputs of <paramref name="runtime"/>'s status on <paramref name="node"/> now.</summary>
    public static PodStatusInputs Of(RuntimePod runtime, NodeView node, bool podLevelReady)
    {
        var containers = new ContainerStatusInputs[runtime.Containers.Count];
        for (var i = 0; i < containers.Length; i++)
        {
            var c = runtime.Containers[i];
            containers[i] = new ContainerStatusInputs(c.State, c.Ready, c.Started, c.RestartCount, c.EverStarted, c.ContainerId, c.StartedAt, c.BackOffMessage, c.LastTerminated);
        }

        return new PodStatusInputs(runtime.Phase, node.InternalIP, runtime.PodIp, podLevelReady, containers);
    }

    /// <inheritdoc/>
    public bool Equals(PodStatusInputs? other)
        => other is not null && Phase == other.Phase && HostIp == other.HostIp && PodIp == other.PodIp && PodLevelReady == other.PodLevelReady
           && Containers.AsSpan().SequenceEqual(other.Containers);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Phase, HostIp, PodIp, PodLevelReady, Containers.Length);
}

/// <summary>
/// One container's part of <see cref="PodStatusInputs"/>. <paramref name="LastTerminated"/> is compared by reference: the
/// kubelet replaces it with a new object on each termination and never changes one.
/// </summary>
internal readonly record struct ContainerStatusInputs(
    RuntimeContainerState State,
    bool Ready,
    bool Started,
    int RestartCount,
    bool EverStarted,
    string ContainerId,
    DateTimeOffset StartedAt,
    string BackOffMessage,
    JsonObject? LastTerminated);
