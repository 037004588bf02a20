namespace Podnet.Cni.Ipamd;

/// <summary>
/// What a pod address is held by: the pod's namespace and name and its sandbox (infra container) ID, printed
/// <c>namespace/name/containerID</c>. ipamd keys allocations by the sandbox so that a repeated CNI ADD for the same
/// sandbox gets the same address back.
/// </summary>
public readonly record struct PodKey(string Namespace, string Name, string ContainerId)
{
    public override string ToString() => $"{Namespace}/{Name}/{ContainerId}";
}
