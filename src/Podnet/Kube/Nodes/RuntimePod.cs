using System.Text.Json.Nodes;

namespace Podnet.Kube.Nodes;

/// <summary>A pod whose sandbox the kubelet has set up on its node: its address and its containers, in spec order.</summary>
internal sealed class RuntimePod(string uid, string podIp, DateTimeOffset sandboxReadyAt, IReadOnlyList<RuntimeContainer> containers)
{
    public string Uid { get; } = uid;

    /// <summary>The sandbox's address (the node's for a host-network pod).</summary>
    public string PodIp { get; } = podIp;

    /// <summary>When the sandbox was ready.</summary>
    public DateTimeOffset SandboxReadyAt { get; } = sandboxReadyAt;

    public IReadOnlyList<RuntimeContainer> Containers { get; } = containers;

    /// <summary>The pod's namespace and name, which the kubelet syncs it by.</summary>
    public Podnet.Kube.Controllers.ObjectKey? Key { get; set; }

    /// <summary>
    /// When the kubelet began to stop the pod's running containers (the pod was deleted), or null while it runs them:
    /// the pod's grace period counts from here.
    /// </summary>
    public DateTimeOffset? KillingSince { get; set; }

    /// <summary>
    /// The stored status the kubelet last wrote or found equal to its own, with the inputs it made it from: while the pod
    /// still holds that very status node and the inputs are equal, the status would be the same again.
    /// </summary>
    public (JsonNode? Status, PodStatusInputs Inputs)? Posted { get; set; }

    /// <summary>When the pod-level readiness (aws-node's own) is next asked again while it says not ready.</summary>
    public DateTimeOffset? NextReadinessCheck { get; set; }

    /// <summary>
    /// The pod's phase from its containers (kubelet_pods.go getPhase, restartPolicy Always or OnFailure): Pending while
    /// a container has never started, Failed once every container has ended for good with one failing, else Running.
    /// </summary>
    public string Phase
    {
        get
        {
            if (Containers.Any(c => !c.EverStarted))
            {
                return "Pending";
            }

            return Containers.All(c => c.State == RuntimeContainerState.Terminated) ? "Failed" : "Running";
        }
    }
}
