using Podnet.Aws.Eks;
using Podnet.Kube.Views;

namespace Podnet.Kube.Nodes;

/// <summary>
/// The container runtime a node's kubelet talks to, as the node reports it (<c>status.nodeInfo.containerRuntimeVersion</c>)
/// and as it shapes what a failed pod sandbox looks like. EKS's AMIs ran Docker (through the kubelet's dockershim)
/// until Kubernetes 1.23 and containerd from 1.24 ("Amazon EKS ended support for Dockershim starting with Kubernetes
/// version 1.24", the EKS user guide).
/// </summary>
public static class ContainerRuntime
{
    /// <summary>What a node of an EKS AMI reports for Kubernetes 1.24 and later.</summary>
    public const string Containerd = "containerd://1.7.27";

    /// <summary>The first Kubernetes version EKS runs without dockershim.</summary>
    public static readonly Version ContainerdFrom = new(1, 24);

    /// <summary>What a node of an EKS AMI reported for Kubernetes 1.23 and earlier (Docker through dockershim).</summary>
    public const string Docker = "docker://20.10.17";

    /// <summary>
    /// The runtime an EKS node of Kubernetes <paramref name="kubernetesVersion"/> (<c>1.31</c>) on
    /// <paramref name="amiType"/> runs: Docker up to 1.23 on the AMIs that had it (Amazon Linux 2, Windows), containerd
    /// otherwise — Amazon Linux 2023's AMIs (from 1.23) and Bottlerocket's never shipped Docker; Bottlerocket's is its own
    /// build (<c>containerd://1.7.24+bottlerocket</c>, <see cref="EksOptimizedAmi.Bottlerocket"/>). A null AMI type (a
    /// node outside a managed node group) is the version's default one (<see cref="AmiTypes.DefaultFor"/>).
    /// </summary>
    public static string For(string kubernetesVersion, string? amiType)
    {
        amiType ??= AmiTypes.DefaultFor(kubernetesVersion);
        if (AmiTypes.IsBottlerocket(amiType))
        {
            return EksOptimizedAmi.Bottlerocket(kubernetesVersion).ContainerRuntime;
        }

        var hadDocker = AmiTypes.IsAmazonLinux2(amiType) || AmiTypes.IsWindows(amiType);
        return hadDocker && Version.TryParse(kubernetesVersion, out var version) && version < ContainerdFrom ? Docker : Containerd;
    }

    /// <summary>Whether <paramref name="node"/> runs Docker through the kubelet's dockershim.</summary>
    public static bool IsDocker(NodeView node)
        => node.ContainerRuntimeVersion.StartsWith("docker://", StringComparison.Ordinal);

    /// <summary>What the kubelet writes before the runtime's reason (kuberuntime_sandbox.go createPodSandbox, the gRPC status).</summary>
    public const string FailedCreatePodSandboxPrefix = "Failed to create pod sandbox: rpc error: code = Unknown desc = ";

    /// <summary>
    /// The kubelet's <c>FailedCreatePodSandBox</c> message when the network plugin's ADD failed:
    /// <see cref="FailedCreatePodSandboxPrefix"/>, then why RunPodSandbox failed as the runtime says it — containerd's
    /// <c>failed to setup network for sandbox "ID": plugin type="T" name="N" failed (add): ERR</c> (pkg/cri
    /// sandbox_run.go <c>RunPodSandbox</c>, libcni's <c>pluginErr</c>), or dockershim's <c>failed to set up sandbox
    /// container "ID" network for pod "NAME": networkPlugin cni failed to set up pod "NAME_NAMESPACE" network: ERR</c>
    /// (docker_sandbox.go <c>RunPodSandbox</c>, cni.go <c>SetUpPod</c>). One string (a pod waiting for its branch
    /// interface fails every 10 s), after <paramref name="before"/> (what the event correlator puts first, or nothing).
    /// </summary>
    public static string FailedCreatePodSandboxMessage(NodeView node, PodView pod, string sandboxId, CniPlugin plugin, string error, string before = "")
        => IsDocker(node)
            ? $"{before}{FailedCreatePodSandboxPrefix}failed to set up sandbox container \"{sandboxId}\" network for pod \"{pod.Name}\": networkPlugin cni failed to set up pod \"{pod.Name}_{pod.Namespace}\" network: {error}"
            : $"{before}{FailedCreatePodSandboxPrefix}failed to setup network for sandbox \"{sandboxId}\": plugin type=\"{plugin.Type}\" name=\"{plugin.Name}\" failed (add): {error}";
}
