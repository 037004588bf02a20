using System.Buffers.Binary;
using System.Globalization;
using System.Text.Json.Nodes;
using Podnet.Kube.Api;
using Podnet.Kube.Validation;
using Podnet.Seeding;

namespace Podnet.Kube.Admission;

/// <summary>
/// What the Service REST storage does with node ports on create (kubernetes/kubernetes
/// pkg/registry/core/service/storage/alloc.go <c>initNodePorts</c>): a NodePort Service, and a LoadBalancer Service
/// (<c>allocateLoadBalancerNodePorts</c> unset or true, <c>shouldAllocateNodePorts</c>), gets a <c>nodePort</c> for
/// each port that has none from <c>--service-node-port-range</c> (30000–32767, EKS keeps the default), and one asked
/// for is checked: outside the range, <c>spec.ports[i].nodePort: Invalid value: N: provided port is not in the valid
/// range. The range of valid ports is 30000-32767</c>; taken, <c>…: provided port is already allocated</c>. Ports with
/// the same number (TCP and UDP of one port) share one node port, as <c>svcPortToNodePort</c> does. A dynamic port is
/// found as pkg/registry/core/service/portallocator does with allocator/bitmap.go's
/// <c>randomScanStrategyWithOffset</c>: the range's upper part first from a start point, probing to the next free port
/// and wrapping, then the lower part (<c>calculateRangeOffset</c>: min(max(16, size/32), 128) ports, 86 of the
/// default range, kept for ports asked for by number). The real start point is random; Podnet's is a hash of the
/// world's seed, the Service's namespace and name and the port's index, so a Service keeps its ports when an
/// unrelated one is added. Not modelled: <c>spec.healthCheckNodePort</c> (a LoadBalancer Service with
/// <c>externalTrafficPolicy: Local</c> gets one), changes of type or ports on update, and the validation that forbids
/// a <c>nodePort</c> on a ClusterIP Service.
/// </summary>
public sealed class ServiceNodePortAllocator : IAdmissionPlugin
{
    /// <summary>The first port of the default <c>--service-node-port-range</c>.</summary>
    public const int RangeBase = 30000;

    /// <summary>The number of ports of the default range, 30000–32767.</summary>
    public const int RangeSize = 2768;

    private readonly Func<IEnumerable<int>> _allocated;
    private readonly int _seed;

    /// <param name="allocated">The node ports of the Services that exist.</param>
    /// <param name="seed">The world's seed, from which each port's start point is hashed.</param>
    public ServiceNodePortAllocator(Func<IEnumerable<int>> allocated, int seed)
    {
        _allocated = allocated;
        _seed = seed;
    }

    /// <summary>The range as the API server prints it in its errors: <c>30000-32767</c>.</summary>
    public static string Range => $"{RangeBase}-{RangeBase + RangeSize - 1}";

    /// <summary>Whether <paramref name="port"/> is in the node port range.</summary>
    public static bool InRange(int port) => port is >= RangeBase and < RangeBase + RangeSize;

    /// <inheritdoc />
    public KubeObject? Mutate(AdmissionRequest request)
    {
        if (request is not { Operation: AdmissionOperation.Create, Resource: { Group: "", Kind: "Service" }, Object: { } service })
        {
            return request.Object;
        }

        var type = service.GetString("spec.type");
        if (type is not ("NodePort" or "LoadBalancer") || service["spec.ports"] is not JsonArray { Count: > 0 })
        {
            return service;
        }

        // shouldAllocateNodePorts: a LoadBalancer Service may turn allocation off; ports asked for are still kept.
        var allocate = type == "NodePort" || service["spec.allocateLoadBalancerNodePorts"] is not JsonValue off || !off.TryGetValue<bool>(out var on) || on;
        var used = _allocated().ToHashSet();
        return service.With(json =>
        {
            var ports = (JsonArray)json["spec"]!["ports"]!;
            var byPort = new Dictionary<int, int>();
            for (var i = 0; i < ports.Count; i++)
            {
                if (ports[i] is not JsonObject port || Int(port["port"]) is not { } number)
                {
                    continue;
                }

                var asked = Int(port["nodePort"]) ?? 0;
                if (asked == 0 && !allocate)
                {
                    continue;
                }

                if (byPort.TryGetValue(number, out var shared) && (asked == 0 || asked == shared))
                {
                    port["nodePort"] = shared;
                    continue;
                }

                // findRequestedNodePort: a port asked for by any entry with this number is this number's port.
                var requested = asked != 0 ? asked : ports.Skip(i).OfType<JsonObject>().Where(p => Int(p["port"]) == number)
                    .Select(p => Int(p["nodePort"]) ?? 0).FirstOrDefault(p => p != 0);
                int nodePort;
                if (requested != 0)
                {
                    var why = !InRange(requested) ? $"provided port is not in the valid range. The range of valid ports is {Range}"
                        : used.Contains(requested) ? "provided port is already allocated" : null;
                    if (why is not null)
                    {
                        throw KubeException.Invalid(request.Resource, service.Name, [new StatusCause("FieldValueInvalid", $"Invalid value: {requested.ToString(CultureInfo.InvariantCulture)}: {why}", $"spec.ports[{i.ToString(CultureInfo.InvariantCulture)}].nodePort")]);
                    }

                    nodePort = requested;
                }
                else
                {
                    nodePort = Next(used, request.Namespace, service.Name, i)
                               ?? throw new KubeException("Internal error occurred: failed to allocate a nodePort: range is full");
                }

                used.Add(nodePort);
                byPort[number] = nodePort;
                port["nodePort"] = nodePort;
            }
        });
    }

    /// <summary>The first free port of the upper part of the range from this port's start point, then of the lower part.</summary>
    private int? Next(HashSet<int> used, string? ns, string name, int index)
    {
        // calculateRangeOffset (portallocator/allocator.go): min(max(16, size/32), 128), none for 16 ports or fewer.
        var offset = RangeSize <= 16 ? 0 : Math.Clamp(RangeSize / 32, 16, 128);
        var start = BinaryPrimitives.ReadUInt64LittleEndian(IdentityHash.Of(_seed, [$"{ns}/{name}", "nodePort"], index));
        return Probe(used, offset, RangeSize - offset, start) ?? Probe(used, 0, offset, start);
    }

    /// <summary>A whole number that fits an int (a port), or null.</summary>
    private static int? Int(JsonNode? node) => JsonText.Integer(node) is { } n and >= int.MinValue and <= int.MaxValue ? (int)n : null;

    private static int? Probe(HashSet<int> used, int from, int count, ulong start)
    {
        for (var i = 0; i < count; i++)
        {
            var candidate = RangeBase + from + (int)((start + (ulong)i) % (ulong)count);
            if (!used.Contains(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}
