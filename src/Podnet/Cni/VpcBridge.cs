using Podnet.Kube.Nodes;
using Podnet.Kube.Store;
using Podnet.Kube.Views;
using Podnet.ResourceController;

namespace Podnet.Cni;

/// <summary>
/// The network plugin of an EKS Windows node: the <c>vpc-bridge</c> CNI plugin of aws/amazon-vpc-cni-plugins, set up
/// by the Windows AMI's bootstrap (so ready as soon as the kubelet runs; no aws-node runs on Windows). It has no IPAM of
/// its own: on ADD it asks the API server for the pod's <c>vpc.amazonaws.com/PrivateIPv4Address</c> annotation, which
/// the VPC resource controller's Windows IPAM writes (<c>retrievePodConfig</c>, plugins/vpc-bridge/config/k8s_connector.go,
/// through the aws-vpc-cni-k8s-connector binary), polling a while for it — 20 times 100 ms in the plugin's first
/// Kubernetes support (plugins/vpc-bridge/config/kubernetes.go) — and then fails with the connector's error, which users
/// see on pods of a cluster without Windows IPAM enabled:
/// <c>plugin type="vpc-bridge" name="vpc" failed (add): failed to parse Kubernetes args: failed to get pod IP address
/// POD: error executing k8s connector: error executing connector binary: exit status 1 with execution error: pod POD
/// does not have label vpc.amazonaws.com/PrivateIPv4Address</c>. The address is a secondary address of the node's
/// primary interface, so the pod has the node's security groups.
/// </summary>
public sealed class VpcBridge : IPodSandboxNetwork
{
    /// <summary>How often the plugin looks for the annotation while it waits.</summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>How long it waits for the annotation before it fails (20 polls).</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(2);

    private readonly ObjectStore _store;
    private readonly TimeProvider _time;

    /// <summary>When each pod's current ADD (by pod UID) began waiting.</summary>
    private readonly Dictionary<string, DateTimeOffset> _waitingSince = new(StringComparer.Ordinal);

    /// <param name="store">The API server the plugin reads pods from.</param>
    /// <param name="time">The clock of its polling.</param>
    public VpcBridge(ObjectStore store, TimeProvider time)
    {
        _store = store;
        _time = time;
    }

    /// <summary>Always ready: the plugin's configuration comes with the AMI.</summary>
    public string? NotReadyReason(NodeView node) => null;

    /// <summary>CNI ADD: the address in the pod's annotation, after waiting up to <see cref="Patience"/> for it.</summary>
    public SandboxResult Add(PodView pod, NodeView node)
    {
        ArgumentNullException.ThrowIfNull(pod);
        var current = _store.TryGet(_store.Resources.For("v1", "Pod"), pod.Namespace, pod.Name) ?? pod.Object;
        var uid = current.Uid ?? string.Empty;
        if (current.Annotations.GetValueOrDefault(ResourceControllerNames.PrivateIPv4Address) is { Length: > 0 } annotation)
        {
            _waitingSince.Remove(uid);
            return SandboxResult.Assigned(annotation.Split('/')[0]);
        }

        var now = _time.GetUtcNow();
        if (!_waitingSince.TryGetValue(uid, out var since))
        {
            _waitingSince[uid] = since = now;
        }

        if (now - since < Patience)
        {
            return SandboxResult.Waiting(PollInterval);
        }

        // This ADD fails; the kubelet's next one waits anew.
        _waitingSince.Remove(uid);
        return SandboxResult.Failed(CniPlugin.VpcBridge, $"failed to parse Kubernetes args: failed to get pod IP address {pod.Name}: error executing k8s connector: error executing connector binary: exit status 1 with execution error: pod {pod.Name} does not have label {ResourceControllerNames.PrivateIPv4Address}");
    }

    /// <summary>CNI DEL: nothing to free on the node; the resource controller takes the address back when the pod goes.</summary>
    public void Delete(PodView pod, NodeView node)
    {
        ArgumentNullException.ThrowIfNull(pod);
        if (pod.Object.Uid is { } uid)
        {
            _waitingSince.Remove(uid);
        }
    }
}
