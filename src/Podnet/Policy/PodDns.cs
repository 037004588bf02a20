using System.Net;
using System.Text.Json.Nodes;
using Podnet.Kube.Views;
using Podnet.Net;

namespace Podnet.Policy;

/// <summary>
/// Which DNS the kubelet gives a pod, kubernetes/kubernetes pkg/kubelet/network/dns/dns.go <c>podDNSType</c>: the
/// cluster DNS (<c>podDNSCluster</c>), the node's resolver (<c>podDNSHost</c>), or only the pod's own
/// <c>spec.dnsConfig</c> (<c>podDNSNone</c>).
/// </summary>
public enum PodDnsType
{
    /// <summary><c>podDNSCluster</c>: the kubelet's <c>--cluster-dns</c> (kube-dns's ClusterIP) is the nameserver.</summary>
    Cluster,

    /// <summary><c>podDNSHost</c>: the node's own resolv.conf (on EKS the VPC's Route 53 Resolver, its base + 2).</summary>
    Host,

    /// <summary><c>podDNSNone</c>: only <c>spec.dnsConfig.nameservers</c>.</summary>
    None,
}

/// <summary>
/// The nameservers of a pod's resolv.conf as the kubelet writes them (kubernetes/kubernetes
/// pkg/kubelet/network/dns/dns.go): <see cref="Policy"/> is <c>spec.dnsPolicy</c> (the API server defaults it to
/// ClusterFirst), <see cref="Type"/> what <c>getPodDNSType</c> makes of it, <see cref="Nameservers"/> what
/// <c>GetPodDNS</c> writes, in order — the cluster DNS or the node's resolver (none for <c>None</c>), then
/// <c>spec.dnsConfig.nameservers</c> appended (<c>appendDNSConfig</c>), at most three (<c>formDNSConfigFitsLimits</c>,
/// validation.MaxDNSNameservers). glibc asks them in that order and moves to the next only when one does not answer.
/// </summary>
public sealed record PodDns(string Policy, PodDnsType Type, IReadOnlyList<IPAddress> Nameservers)
{
    /// <summary>validation.MaxDNSNameservers: the kubelet keeps the first three nameservers.</summary>
    public const int MaxNameservers = 3;

    /// <summary>
    /// The pod's DNS: <c>getPodDNSType</c> — None → <see cref="PodDnsType.None"/>; ClusterFirstWithHostNet →
    /// cluster; ClusterFirst → cluster, except on the host network, where it falls through to Default; Default → the
    /// node's resolver. <paramref name="clusterDns"/> is kube-dns's ClusterIP (the kubelet's <c>clusterDNS</c>; null
    /// when the world has no kube-dns Service, and then the cluster type keeps no address of its own),
    /// <paramref name="hostResolver"/> the node's nameserver (the VPC's Amazon-provided DNS server; null without a VPC).
    /// </summary>
    public static PodDns Of(PodView pod, IPAddress? clusterDns, IPAddress? hostResolver)
    {
        ArgumentNullException.ThrowIfNull(pod);
        var spec = pod.Object.Peek("spec");
        var policy = spec?["dnsPolicy"] is JsonValue v && v.TryGetValue<string>(out var text) ? text : "ClusterFirst";
        var type = policy switch
        {
            "None" => PodDnsType.None,
            "ClusterFirstWithHostNet" => PodDnsType.Cluster,
            "ClusterFirst" when !pod.HostNetwork => PodDnsType.Cluster,
            _ => PodDnsType.Host,
        };
        var own = (spec?["dnsConfig"]?["nameservers"] as JsonArray ?? [])
            .Select(n => n is JsonValue s && s.TryGetValue<string>(out var a) ? IpAddressText.ParseOrNull(a) : null).OfType<IPAddress>();
        IPAddress?[] first = type switch
        {
            PodDnsType.Cluster => [clusterDns],
            PodDnsType.Host => [hostResolver],
            _ => [],
        };
        return new PodDns(policy, type, [.. first.OfType<IPAddress>().Concat(own).Take(MaxNameservers)]);
    }

    /// <summary>
    /// The policy as a hop names it: <c>dnsPolicy ClusterFirst</c>, and for ClusterFirst on the host network the
    /// fall-back to Default (<c>getPodDNSType</c>: "Fallback to DNSDefault for pod on hostnetwork").
    /// </summary>
    public string Describe(bool hostNetwork)
        => Policy switch
        {
            "ClusterFirst" when hostNetwork => "dnsPolicy ClusterFirst on the host network (the kubelet falls back to Default)",
            "ClusterFirstWithHostNet" when hostNetwork => "dnsPolicy ClusterFirstWithHostNet (the cluster DNS, on the host network too)",
            _ => $"dnsPolicy {Policy}",
        };
}
