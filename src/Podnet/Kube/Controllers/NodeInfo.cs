using Podnet.Kube.Views;

namespace Podnet.Kube.Controllers;

/// <summary>
/// What the scheduler knows of one node, as kube-scheduler's cache keeps it (<c>framework.NodeInfo</c>): the node and
/// its allocatable resources, and the sums over the pods bound to it that have not finished — how many, their requests
/// per resource, their requests with the scoring defaults for empty ones, and the host ports they hold. Kept up to date
/// from pod and node watch events, so a scheduling attempt reads each node in constant time instead of listing every
/// pod. Amounts are <see cref="MilliValue"/>s (int64, as framework.Resource keeps them), so filtering and scoring a node
/// is integer arithmetic with cpu and memory in fields, not decimal sums looked up by name.
/// </summary>
internal sealed class NodeInfo
{
    // Host ports held by the node's pods: by address, protocol and port, and by protocol and port on any address
    // (what a pod binding 0.0.0.0 conflicts with).
    private readonly Dictionary<HostPort, int> _hostPorts = [];
    private readonly Dictionary<(string Protocol, int Port), int> _hostPortsOnAnyAddress = [];
    private readonly Dictionary<string, long> _requested = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _allocatable = new(StringComparer.Ordinal);
    private NodeView? _node;

    /// <summary>
    /// The node; null while pods are known to be bound to a name no Node has (yet). Setting it reads what filtering and
    /// scoring need of it: its allocatable resources, <see cref="Name"/>, <see cref="Unschedulable"/> and
    /// <see cref="SchedulingTaints"/>.
    /// </summary>
    public NodeView? Node
    {
        get => _node;
        set
        {
            _node = value;
            _allocatable.Clear();
            foreach (var (resource, amount) in value?.Allocatable ?? new Dictionary<string, decimal>())
            {
                _allocatable[resource] = MilliValue.Of(amount);
            }

            AllocatableCpu = _allocatable.GetValueOrDefault("cpu");
            AllocatableMemory = _allocatable.GetValueOrDefault("memory");
            AllocatablePods = value?.Allocatable.TryGetValue("pods", out var pods) == true ? pods : 110;
            Name = value?.Name ?? string.Empty;
            Unschedulable = value?.Unschedulable ?? false;
            SchedulingTaints = value is null ? [] : [.. value.Taints.Where(t => t.KeepsPodsOff)];
        }
    }

    // What filtering reads of the node, kept here when the node is set rather than read through its view on every
    // attempt: at 5,000 nodes each pod is filtered against 500 of them, and the view and what it has read are further
    // objects apart in memory (the scheduler was a quarter of a 100,000-pod settle).

    /// <summary>The node's name (empty while <see cref="Node"/> is null).</summary>
    public string Name { get; private set; } = string.Empty;

    /// <summary>The node's <c>spec.unschedulable</c> (a cordoned node).</summary>
    public bool Unschedulable { get; private set; }

    /// <summary>The node's taints that keep pods off (<see cref="Taint.KeepsPodsOff"/>), in the node's order.</summary>
    public Taint[] SchedulingTaints { get; private set; } = [];

    /// <summary>Allocatable cpu of the node, in millicores (0 when not given).</summary>
    public long AllocatableCpu { get; private set; }

    /// <summary>Allocatable memory of the node, in thousandths of a byte (0 when not given).</summary>
    public long AllocatableMemory { get; private set; }

    /// <summary>How many pods the node takes (its allocatable <c>pods</c>, 110 when not given).</summary>
    public decimal AllocatablePods { get; private set; }

    /// <summary>Pods bound here and not finished (terminating ones included: their resources are still held).</summary>
    public int PodCount { get; private set; }

    /// <summary>Requested cpu of those pods, in millicores.</summary>
    public long RequestedCpu { get; private set; }

    /// <summary>Requested memory of those pods, in thousandths of a byte.</summary>
    public long RequestedMemory { get; private set; }

    /// <summary>cpu requests with 100m for a container that asks for none (the scorer's non-zero default), in millicores.</summary>
    public long NonZeroCpu { get; private set; }

    /// <summary>memory requests with 200 MiB for a container that asks for none, in thousandths of a byte.</summary>
    public long NonZeroMemory { get; private set; }

    /// <summary>The node's allocatable amount of a resource other than cpu and memory (0 when it has none).</summary>
    public long Allocatable(string resource) => _allocatable.GetValueOrDefault(resource);

    /// <summary>What the node's pods request of a resource other than cpu and memory.</summary>
    public long Requested(string resource) => _requested.GetValueOrDefault(resource);

    /// <summary>
    /// Whether a pod's host port conflicts with one the node's pods hold (HostPortInfo.CheckConflict): binding
    /// 0.0.0.0 conflicts with the protocol and port on any address; binding one address, with that address and 0.0.0.0.
    /// </summary>
    public bool HoldsHostPort(HostPort port)
        => port.HostIp == HostPort.BindAll
            ? _hostPortsOnAnyAddress.ContainsKey((port.Protocol, port.Port))
            : _hostPorts.ContainsKey(port) || _hostPorts.ContainsKey(port with { HostIp = HostPort.BindAll });

    public bool IsEmpty => PodCount == 0 && Node is null;

    public void Add(PodUsage usage) => Apply(usage, +1);

    public void Remove(PodUsage usage) => Apply(usage, -1);

    private void Apply(PodUsage usage, int sign)
    {
        PodCount += sign;
        NonZeroCpu += sign * usage.NonZeroCpu;
        NonZeroMemory += sign * usage.NonZeroMemory;
        foreach (var request in usage.Requests)
        {
            switch (request.Slot)
            {
                case ResourceSlot.Cpu:
                    RequestedCpu += sign * request.Amount;
                    break;
                case ResourceSlot.Memory:
                    RequestedMemory += sign * request.Amount;
                    break;
                default:
                    _requested[request.Resource] = _requested.GetValueOrDefault(request.Resource) + (sign * request.Amount);
                    break;
            }
        }

        foreach (var port in usage.HostPorts)
        {
            Count(_hostPorts, port, sign);
            Count(_hostPortsOnAnyAddress, (port.Protocol, port.Port), sign);
        }

        static void Count<TKey>(Dictionary<TKey, int> counts, TKey key, int sign)
            where TKey : notnull
        {
            var count = counts.GetValueOrDefault(key) + sign;
            if (count <= 0)
            {
                counts.Remove(key);
            }
            else
            {
                counts[key] = count;
            }
        }
    }
}

/// <summary>Where the scheduler's cache keeps a resource's sums: cpu and memory in fields, the rest by name.</summary>
internal enum ResourceSlot
{
    Cpu,
    Memory,
    Other,
}

/// <summary>One resource a pod requests, as a <see cref="MilliValue"/>.</summary>
internal readonly record struct ResourceRequest(string Resource, long Amount)
{
    /// <summary>Where the cache sums it: told once, as the scheduler asks for every node it filters.</summary>
    public ResourceSlot Slot { get; } = Resource switch
    {
        "cpu" => ResourceSlot.Cpu,
        "memory" => ResourceSlot.Memory,
        _ => ResourceSlot.Other,
    };

    /// <summary>A pod's requests as milli-values, by resource name in ordinal order.</summary>
    public static ResourceRequest[] Of(IReadOnlyDictionary<string, decimal> requests)
        => [.. requests.OrderBy(r => r.Key, StringComparer.Ordinal).Select(r => new ResourceRequest(r.Key, MilliValue.Of(r.Value)))];
}

/// <summary>
/// A quantity in thousandths of its unit, rounded up, as an int64: what kube-scheduler compares and sums
/// (framework.Resource keeps <c>MilliCPU</c> from <c>Quantity.MilliValue()</c>, which rounds up; the other resources
/// in whole units, which the thousandths hold exactly for any quantity a pod or node states in whole units). A
/// quantity beyond int64 thousandths (over 9 petabytes) saturates.
/// </summary>
internal static class MilliValue
{
    public static long Of(decimal amount)
        => amount >= long.MaxValue / 1000m ? long.MaxValue / 2 : amount <= long.MinValue / 1000m ? long.MinValue / 2 : (long)Math.Ceiling(amount * 1000m);
}

/// <summary>What one bound pod takes of its node, as <see cref="NodeInfo"/> sums it (amounts are <see cref="MilliValue"/>s).</summary>
internal sealed record PodUsage(string NodeName, ResourceRequest[] Requests, long NonZeroCpu, long NonZeroMemory, IReadOnlyList<HostPort> HostPorts)
{
    /// <summary>The scorer's default cpu request for a container without one (kube-scheduler's DefaultMilliCPURequest, 100m).</summary>
    public const decimal DefaultCpu = 0.1m;

    /// <summary>The scorer's default memory request (DefaultMemoryRequest, 200 MiB).</summary>
    public const decimal DefaultMemory = 200 * 1024 * 1024;

    /// <summary>True when <paramref name="other"/> takes the same of the same node.</summary>
    public bool SameAs(PodUsage other)
        => NodeName == other.NodeName && NonZeroCpu == other.NonZeroCpu && NonZeroMemory == other.NonZeroMemory
           && HostPorts.SequenceEqual(other.HostPorts) && Requests.AsSpan().SequenceEqual(other.Requests);

    public static PodUsage Of(PodView pod)
        => new(pod.NodeName!, ResourceRequest.Of(pod.Requests), NonZero(pod, "cpu", DefaultCpu), NonZero(pod, "memory", DefaultMemory), [.. pod.HostPorts]);

    /// <summary>A pod's request of <paramref name="resource"/>, or the default times its containers when it asks for none, as a <see cref="MilliValue"/>.</summary>
    public static long NonZero(PodView pod, string resource, decimal fallback)
        => MilliValue.Of(pod.Requests.TryGetValue(resource, out var r) && r > 0 ? r : fallback * Math.Max(1, pod.Containers.Count));
}
