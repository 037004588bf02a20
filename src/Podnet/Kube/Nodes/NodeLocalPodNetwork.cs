using System.Net;
using Podnet.Kube.Views;
using Podnet.Net;

namespace Podnet.Kube.Nodes;

/// <summary>
/// A plain bridge network: each node gets a /24 of 10.88.0.0/16 (containerd's default CNI range) in the order
/// nodes are first seen, and pods get its addresses lowest first. Stands in until the VPC CNI runs on the node.
/// </summary>
public sealed class NodeLocalPodNetwork : IPodSandboxNetwork
{
    private static readonly CidrBlock Range = CidrBlock.Parse("10.88.0.0/16");

    private readonly Dictionary<string, (CidrBlock Cidr, Dictionary<string, IPAddress> Pods)> _nodes = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    public string? NotReadyReason(NodeView node) => null;

    public SandboxResult Add(PodView pod, NodeView node)
    {
        lock (_lock)
        {
            if (!_nodes.TryGetValue(node.Name, out var entry))
            {
                entry = (Range.Split(24).ElementAt(_nodes.Count + 1), new Dictionary<string, IPAddress>(StringComparer.Ordinal));
                _nodes[node.Name] = entry;
            }

            var key = $"{pod.Namespace}/{pod.Name}";
            if (entry.Pods.TryGetValue(key, out var existing))
            {
                return SandboxResult.Assigned(existing.ToString());
            }

            // .0 is the network, .1 the bridge, .255 broadcast.
            for (UInt128 offset = 2; offset < 255; offset++)
            {
                var candidate = entry.Cidr.AddressAt(offset);
                if (!entry.Pods.ContainsValue(candidate))
                {
                    entry.Pods[key] = candidate;
                    return SandboxResult.Assigned(candidate.ToString());
                }
            }

            return SandboxResult.Failed(CniPlugin.ContainerdNet, "failed to allocate for range 0: no IP addresses available in range set: " + entry.Cidr);
        }
    }

    public void Delete(PodView pod, NodeView node)
    {
        lock (_lock)
        {
            if (_nodes.TryGetValue(node.Name, out var entry))
            {
                entry.Pods.Remove($"{pod.Namespace}/{pod.Name}");
            }
        }
    }
}
