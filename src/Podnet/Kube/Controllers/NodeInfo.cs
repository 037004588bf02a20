using Podnet.Kube.Views;

namespace Podnet.Kube.Controllers;

/// <summary>
/// What the scheduler knows of one node, as kube-scheduler's cache keeps it (<c>framework.NodeInfo</c>): the node,
/// and the sums over the pods bound to it that have not finished — how many, their requests per resource, their
/// requests with the scoring defaults for empty ones, and the host ports they hold. Kept up to date from pod and node
/// watch events, so a scheduling attempt reads each node in constant time instead of listing every pod.
/// </summary>
internal sealed class NodeInfo
{
    private readonly Dictionary<(string Protocol, int Port), int> _hostPorts = [];
    private readonly Dictionary<string, decimal> _requested = new(StringComparer.Ordinal);

    /// <summary>The node; null while pods are known to be bound to a name no Node has (yet).</summary>
    public NodeView? Node { get; set; }

    /// <summary>Pods bound here and not finished (terminating ones included: their resources are still held).</summary>
    public int PodCount { get; private set; }

    /// <summary>Requests of those pods, summed per resource.</summary>
    public IReadOnlyDictionary<string, decimal> Requested => _requested;

    /// <summary>cpu requests with 0.1 for a container that asks for none (the scorer's non-zero default).</summary>
    public decimal NonZeroCpu { get; private set; }

    /// <summary>memory requests with 200 MiB for a container that asks for none.</summary>
    public decimal NonZeroMemory { get; private set; }

    public bool HoldsHostPort((string Protocol, int Port) port) => _hostPorts.ContainsKey(port);

    public bool IsEmpty => PodCount == 0 && Node is null;

    public void Add(PodUsage usage) => Apply(usage, +1);

    public void Remove(PodUsage usage) => Apply(usage, -1);

    private void Apply(PodUsage usage, int sign)
    {
        PodCount += sign;
        NonZeroCpu += sign * usage.NonZeroCpu;
        NonZeroMemory += sign * usage.NonZeroMemory;
        foreach (var (resource, amount) in usage.Requests)
        {
            var total = _requested.GetValueOrDefault(resource) + (sign * amount);
            _requested[resource] = total;
        }

        foreach (var port in usage.HostPorts)
        {
            var count = _hostPorts.GetValueOrDefault(port) + sign;
            if (count <= 0)
            {
                _hostPorts.Remove(port);
            }
            else
            {
                _hostPorts[port] = count;
            }
        }
    }
}

/// <summary>What one bound pod takes of its node, as <see cref="NodeInfo"/> sums it.</summary>
internal sealed record PodUsage(string NodeName, IReadOnlyDictionary<string, decimal> Requests, decimal NonZeroCpu, decimal NonZeroMemory, IReadOnlyList<(string Protocol, int Port)> HostPorts)
{
    /// <summary>The scorer's default cpu request for a container without one (kube-scheduler's DefaultMilliCPURequest).</summary>
    public const decimal DefaultCpu = 0.1m;

    /// <summary>The scorer's default memory request (DefaultMemoryRequest, 200 MiB).</summary>
    public const decimal DefaultMemory = 200 * 1024 * 1024;

    /// <summary>True when <paramref name="other"/> takes the same of the same node.</summary>
    public bool SameAs(PodUsage other)
        => NodeName == other.NodeName && NonZeroCpu == other.NonZeroCpu && NonZeroMemory == other.NonZeroMemory
           && HostPorts.SequenceEqual(other.HostPorts)
           && Requests.Count == other.Requests.Count && Requests.All(r => other.Requests.TryGetValue(r.Key, out var v) && v == r.Value);

    public static PodUsage Of(PodView pod)
        => new(pod.NodeName!, pod.Requests, NonZero(pod, "cpu", DefaultCpu), NonZero(pod, "memory", DefaultMemory), [.. pod.HostPorts]);

    /// <summary>A pod's request of <paramref name="resource"/>, or the default times its containers when it asks for none.</summary>
    public static decimal NonZero(PodView pod, string resource, decimal fallback)
        => pod.Requests.TryGetValue(resource, out var r) && r > 0 ? r : fallback * Math.Max(1, pod.Containers.Count);
}
