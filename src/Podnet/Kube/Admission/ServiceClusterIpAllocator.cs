using System.Net;
using System.Text.Json.Nodes;
using Podnet.Kube.Api;
using Podnet.Net;

namespace Podnet.Kube.Admission;

/// <summary>
/// What the Service REST storage does on create: gives a ClusterIP Service an address from the service CIDR
/// (EKS: 10.100.0.0/16), or checks the one asked for. Dynamic addresses come from the upper part of the range,
/// as the API server prefers, from a seeded sequence so runs repeat.
/// </summary>
public sealed class ServiceClusterIpAllocator : IAdmissionPlugin
{
    private readonly Func<IEnumerable<string>> _allocated;
    private readonly Random _random;

    public ServiceClusterIpAllocator(CidrBlock serviceCidr, Func<IEnumerable<string>> allocated, int seed)
    {
        ServiceCidr = serviceCidr;
        _allocated = allocated;
#pragma warning disable CA5394 // reproducible from the seed by design
        _random = new Random(seed);
#pragma warning restore CA5394
    }

    public CidrBlock ServiceCidr { get; }

    public KubeObject? Mutate(AdmissionRequest request)
    {
        if (request is not { Operation: AdmissionOperation.Create, Resource: { Group: "", Kind: "Service" }, Object: { } service })
        {
            return request.Object;
        }

        var type = service.GetString("spec.type") ?? "ClusterIP";
        var asked = service.GetString("spec.clusterIP");
        if (type == "ExternalName" || asked == "None")
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
            address = Next(used);
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

    private string Next(HashSet<string> used)
    {
        // The lower sixteenth (at least 16, at most 256 addresses) is kept for addresses asked for by name.
        var size = (long)Math.Min((decimal)ServiceCidr.Size, int.MaxValue);
        var reserved = Math.Clamp(size / 16, 16, 256);
        for (var attempt = 0; attempt < 10_000; attempt++)
        {
#pragma warning disable CA5394
            var offset = reserved + _random.NextInt64(0, Math.Max(1, size - reserved - 1));
#pragma warning restore CA5394
            var candidate = ServiceCidr.AddressAt((UInt128)offset).ToString();
            if (!used.Contains(candidate))
            {
                return candidate;
            }
        }

        throw new KubeException("InternalError", "Internal error occurred: failed to allocate a serviceIP: range is full", 500);
    }
}
