using System.Buffers.Binary;
using System.Net;
using System.Text.Json.Nodes;
using Podnet.Kube.Api;
using Podnet.Net;
using Podnet.Seeding;

namespace Podnet.Kube.Admission;

/// <summary>
/// What the Service REST storage does on create: gives a ClusterIP Service an address from the service CIDR
/// (EKS: 10.100.0.0/16), or checks the one asked for. A dynamic address is found as the API server's bitmap
/// allocator finds one (pkg/registry/core/service/ipallocator/bitmap.go with allocator/bitmap.go's
/// randomScanStrategyWithOffset): the range's addresses without the network (and, for IPv4, broadcast) address, the
/// upper part first from a start point, probing to the next free address and wrapping; then the lower part (the
/// first sixteenth, at least 16 and at most 256 addresses, kept for addresses asked for by name such as kube-dns's
/// .10). The real start point is random; Podnet's is a hash of the world's seed and the Service's namespace and
/// name, so a Service keeps its address when an unrelated one is added to the world.
/// </summary>
public sealed class ServiceClusterIpAllocator : IAdmissionPlugin
{
    private readonly Func<IEnumerable<string>> _allocated;
    private readonly int _seed;

    /// <param name="serviceCidr">The service CIDR (<c>--service-cluster-ip-range</c>).</param>
    /// <param name="allocated">The cluster IPs of the Services that exist.</param>
    /// <param name="seed">The world's seed, from which each Service's start point is hashed.</param>
    public ServiceClusterIpAllocator(CidrBlock serviceCidr, Func<IEnumerable<string>> allocated, int seed)
    {
        ServiceCidr = serviceCidr;
        _allocated = allocated;
        _seed = seed;
    }

    /// <summary>The range dynamic and asked-for addresses come from.</summary>
    public CidrBlock ServiceCidr { get; }

    /// <inheritdoc />
    public KubeObject? Mutate(AdmissionRequest request)
    {
        if (request is not { Operation: AdmissionOperation.Create, Resource: { Group: "", Kind: "Service" }, Object: { } service })
        {
            return request.Object;
        }

        var type = service.GetString("spec.type") ?? "ClusterIP";
        var asked = service.GetString("spec.clusterIP");
        if (type == "ExternalName")
        {
            return service;
        }

        // initIPFamilyFields (pkg/registry/core/service/storage/alloc.go): a single-stack cluster's Service, headless
        // ones too, is of the family of the service range: IPv6 in an EKS cluster of the ipv6 family. (An IPv4
        // range's IPv4 is left to the defaults, which run next.)
        if (!ServiceCidr.IsIPv4)
        {
            service = service.With(json =>
            {
                var spec = (JsonObject)(json["spec"] ??= new JsonObject());
                spec["ipFamilyPolicy"] ??= "SingleStack";
                spec["ipFamilies"] ??= new JsonArray("IPv6");
            });
        }

        if (asked == "None")
        {
            return service;
        }

        var used = _allocated().ToHashSet(StringComparer.Ordinal);
        string address;
        if (!string.IsNullOrEmpty(asked))
        {
            if (!IPAddress.TryParse(asked, out var ip) || !ServiceCidr.Contains(ip))
            {
                throw KubeException.Invalid(request.Resource, service.Name, [ClusterIpsInvalid(asked, $"the provided IP ({asked}) is not in the valid range. The range of valid IPs is {ServiceCidr}")]);
            }

            if (used.Contains(asked))
            {
                throw KubeException.Invalid(request.Resource, service.Name, [ClusterIpsInvalid(asked, "provided IP is already allocated")]);
            }

            address = asked;
        }
        else
        {
            address = Next(used, request.Namespace, service.Name);
        }

        return service.With(json =>
        {
            var spec = (JsonObject)(json["spec"] ??= new JsonObject());
            spec["clusterIP"] = address;
            spec["clusterIPs"] = new JsonArray(address);
        });
    }

    /// <summary>The API server shows the []string value as Go prints it, without quotes around it.</summary>
    private static StatusCause ClusterIpsInvalid(string asked, string why)
        => new("FieldValueInvalid", $"Invalid value: []string{{\"{asked}\"}}: failed to allocate IP {asked}: {why}", "spec.clusterIPs");

    private string Next(HashSet<string> used, string? ns, string name)
    {
        // bitmap.go's NewCIDRRange: bit 0 is the address after the network's, and IPv4 loses its broadcast address; an
        // IPv6 range is cut to 65536 bits. calculateRangeOffset: the lower sixteenth, clamped to [16, 256], or none for
        // 16 addresses or fewer.
        var cidrSize = ServiceCidr.Size;
        var max = ServiceCidr.IsIPv4 ? (long)cidrSize - 2 : (long)UInt128.Min(cidrSize - 1, 65536);
        var offset = cidrSize <= 16 ? 0 : (long)UInt128.Clamp(cidrSize / 16, 16, 256);
        var start = Start(ns, name);
        return Probe(used, offset, max - offset, start)
               ?? Probe(used, 0, offset, start)
               ?? throw new KubeException("InternalError", "Internal error occurred: failed to allocate a serviceIP: range is full", 500);
    }

    /// <summary>The first free address of bits [<paramref name="from"/>, <paramref name="from"/> + <paramref name="count"/>), scanning from <paramref name="start"/> modulo the count.</summary>
    private string? Probe(HashSet<string> used, long from, long count, ulong start)
    {
        for (var i = 0L; i < count; i++)
        {
            var bit = from + (long)((start + (ulong)i) % (ulong)count);
            var candidate = ServiceCidr.AddressAt((UInt128)(bit + 1)).ToString();
            if (!used.Contains(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    /// <summary>SHA-256 over the seed and the length-prefixed namespace/name: where this Service's scan begins.</summary>
    private ulong Start(string? ns, string name)
        => BinaryPrimitives.ReadUInt64LittleEndian(IdentityHash.Of(_seed, [$"{ns}/{name}"]));
}
