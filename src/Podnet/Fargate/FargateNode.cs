using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Podnet.Aws.Eks;
using Podnet.Kube.Api;
using Podnet.Kube.Nodes;

namespace Podnet.Fargate;

/// <summary>
/// The Node a Fargate pod runs on: one micro-VM per pod, registered as <c>fargate-ip-10-0-1-15.ec2.internal</c>
/// (<c>fargate-</c> and the private DNS name of the pod's address), labelled
/// <c>eks.amazonaws.com/compute-type=fargate</c> and tainted <c>eks.amazonaws.com/compute-type=fargate:NoSchedule</c>
/// so that nothing else is scheduled there (kube-scheduler's "node(s) had untolerated taint
/// {eks.amazonaws.com/compute-type: fargate}"), with room for that one pod. Its only address is the pod's: in a
/// cluster of the IPv6 family the interface's IPv6 address, as the AWS cloud provider's Fargate variant gives it
/// (<c>fargateVariant.NodeAddresses</c>, kubernetes/cloud-provider-aws pkg/providers/v1/variant/fargate/fargate.go:
/// InternalIP by the node IP families, for <c>ipv6</c> the interface's first IPv6 address; kubernetes/cloud-provider-aws#565
/// "Add support for IPv6 Fargate nodes"), while its name keeps the interface's private DNS name (IPv4).
/// </summary>
public static class FargateNode
{
    /// <summary>The label and taint key EKS marks Fargate nodes with; the value is <see cref="ComputeType"/>.</summary>
    public const string ComputeTypeLabel = "eks.amazonaws.com/compute-type";

    /// <summary>The compute type of a Fargate node.</summary>
    public const string ComputeType = "fargate";

    /// <summary>The node's name for a pod at <paramref name="address"/>: <c>fargate-ip-A-B-C-D.</c> and the region's private DNS suffix.</summary>
    public static string NameFor(string address, string privateDnsSuffix)
        => $"fargate-ip-{address.Replace('.', '-')}.{privateDnsSuffix}";

    /// <summary>The Node for the pod with UID <paramref name="podUid"/> at <paramref name="address"/> in <paramref name="zone"/>.</summary>
    /// <param name="address">The pod's address: the primary address of its network interface.</param>
    /// <param name="privateDnsSuffix"><c>ec2.internal</c> in us-east-1, else <c>REGION.compute.internal</c>.</param>
    /// <param name="zone">The zone of the interface's subnet.</param>
    /// <param name="podUid">The pod's UID, from which the node's opaque IDs are derived (reproducibly).</param>
    /// <param name="profileName">The Fargate profile that placed the pod.</param>
    /// <param name="kubernetesVersion">The cluster's version (the node's kubelet reports <see cref="EksKubernetesBuilds.KubeletVersion"/>).</param>
    /// <param name="now">When the node registers.</param>
    /// <param name="internalIp">The node's InternalIP when it is not <paramref name="address"/>: the interface's IPv6 address in an IPv6 cluster.</param>
    public static KubeObject For(string address, string privateDnsSuffix, string zone, string podUid, string profileName, string kubernetesVersion, DateTimeOffset now, string? internalIp = null)
    {
        var name = NameFor(address, privateDnsSuffix);
        var region = zone[..^1];
        var id = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("fargate" + podUid)));
        var at = KubeObject.FormatTimestamp(now);
        JsonObject Condition(string type, string status, string reason, string message) => new()
        {
            ["type"] = type,
            ["status"] = status,
            ["lastHeartbeatTime"] = at,
            ["lastTransitionTime"] = at,
            ["reason"] = reason,
            ["message"] = message,
        };

        // What kubectl describe node shows of a Fargate node: the micro-VM's 2 vCPUs and about 4 GiB, one pod.
        var resources = new JsonObject
        {
            ["cpu"] = "2",
            ["ephemeral-storage"] = "30787492Ki",
            ["hugepages-1Gi"] = "0",
            ["hugepages-2Mi"] = "0",
            ["memory"] = "3977000Ki",
            ["pods"] = "1",
        };
        return KubeObject.From(new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Node",
            ["metadata"] = new JsonObject
            {
                ["name"] = name,
                ["labels"] = new JsonObject
                {
                    ["beta.kubernetes.io/arch"] = "amd64",
                    ["beta.kubernetes.io/os"] = "linux",
                    [ComputeTypeLabel] = ComputeType,
                    [ResourceController.ResourceControllerNames.FargateProfileLabel] = profileName,
                    ["failure-domain.beta.kubernetes.io/region"] = region,
                    ["failure-domain.beta.kubernetes.io/zone"] = zone,
                    ["kubernetes.io/arch"] = "amd64",
                    ["kubernetes.io/hostname"] = name,
                    ["kubernetes.io/os"] = "linux",
                    ["topology.kubernetes.io/region"] = region,
                    ["topology.kubernetes.io/zone"] = zone,
                },
            },
            ["spec"] = new JsonObject
            {
                ["providerID"] = $"aws:///{zone}/{id[..10]}-{id[10..42]}/{name}",
                ["taints"] = new JsonArray(new JsonObject { ["key"] = ComputeTypeLabel, ["value"] = ComputeType, ["effect"] = "NoSchedule" }),
            },
            ["status"] = new JsonObject
            {
                ["addresses"] = new JsonArray(
                    new JsonObject { ["type"] = "InternalIP", ["address"] = internalIp ?? address },
                    new JsonObject { ["type"] = "InternalDNS", ["address"] = name[("fargate-".Length)..] },
                    new JsonObject { ["type"] = "Hostname", ["address"] = name[("fargate-".Length)..] }),
                ["capacity"] = resources,
                ["allocatable"] = resources.DeepClone(),
                ["conditions"] = new JsonArray(
                    Condition("MemoryPressure", "False", "KubeletHasSufficientMemory", "kubelet has sufficient memory available"),
                    Condition("DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
                    Condition("PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
                    Condition("Ready", "True", "KubeletReady", "kubelet is posting ready status")),
                ["daemonEndpoints"] = new JsonObject { ["kubeletEndpoint"] = new JsonObject { ["Port"] = 10250 } },
                ["nodeInfo"] = new JsonObject
                {
                    ["architecture"] = "amd64",
                    ["containerRuntimeVersion"] = ContainerRuntime.Containerd,
                    ["kernelVersion"] = "5.10.238-231.953.amzn2.x86_64",
                    ["kubeProxyVersion"] = EksKubernetesBuilds.KubeletVersion(kubernetesVersion),
                    ["kubeletVersion"] = EksKubernetesBuilds.KubeletVersion(kubernetesVersion),
                    ["operatingSystem"] = "linux",
                    ["osImage"] = "Amazon Linux 2",
                    ["machineID"] = id[..32],
                    ["systemUUID"] = "ec2" + id[3..32],
                    ["bootID"] = id[32..64],
                },
            },
        });
    }
}
