using System.Net;
using System.Text.Json.Nodes;
using Podnet.Kube.Api;
using Podnet.Kube.Store;
using Podnet.Kube.Views;
using Podnet.Net;

namespace Podnet.Policy;

/// <summary>
/// NodeLocal DNSCache as Kubernetes ships it (<c>cluster/addons/dns/nodelocaldns/nodelocaldns.yaml</c>): the
/// <c>node-local-dns</c> DaemonSet in kube-system, on the host network of every node, binding the addresses of its
/// <c>-localip</c> argument on the node — the link-local 169.254.20.10, and in kube-proxy's iptables mode the
/// kube-dns ClusterIP too (<c>-localip 169.254.20.10,10.100.0.10</c>), so that pods with the default resolver use it
/// unchanged. A pod's resolver is the first nameserver of its resolv.conf as the kubelet writes it
/// (<c>pkg/kubelet/network/dns/dns.go</c>, <c>GetPodDNS</c>): with <c>dnsPolicy: None</c> its
/// <c>dnsConfig.nameservers</c>, with ClusterFirst the cluster DNS (kube-dns's ClusterIP) first. A query to an address
/// the cache binds is answered on the pod's own node; the cache asks CoreDNS itself, from the node, over TCP
/// (the Corefile's <c>forward … { force_tcp }</c>).
/// </summary>
public sealed class NodeLocalDns
{
    /// <summary>The DaemonSet's name, as in nodelocaldns.yaml and the EKS documentation.</summary>
    public const string Name = "node-local-dns";

    /// <summary>The link-local address the cache listens on (the value every NodeLocal DNSCache guide uses).</summary>
    public const string LinkLocalAddress = "169.254.20.10";

    /// <summary>IPv4 link-local addresses (RFC 3927): they never leave the host that owns them.</summary>
    public static readonly CidrBlock LinkLocal = CidrBlock.Parse("169.254.0.0/16");

    private readonly ObjectStore _store;

    private NodeLocalDns(ObjectStore store, KubeObject daemonSet, IReadOnlyList<IPAddress> addresses)
    {
        _store = store;
        DaemonSet = daemonSet;
        Addresses = addresses;
    }

    /// <summary>The <c>node-local-dns</c> DaemonSet.</summary>
    public KubeObject DaemonSet { get; }

    /// <summary>The addresses it binds on each node (its <c>-localip</c>; 169.254.20.10 when the argument is absent).</summary>
    public IReadOnlyList<IPAddress> Addresses { get; }

    /// <summary>The cluster's NodeLocal DNSCache: the <c>node-local-dns</c> DaemonSet in kube-system, or null.</summary>
    public static NodeLocalDns? Find(ObjectStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        if (store.TryGet(store.Resources.For("apps/v1", "DaemonSet"), "kube-system", Name) is not { } daemonSet)
        {
            return null;
        }

        var args = (daemonSet.ToJson()["spec"]?["template"]?["spec"]?["containers"] as JsonArray ?? [])
            .OfType<JsonObject>()
            .SelectMany(c => (c["args"] as JsonArray ?? []).Concat(c["command"] as JsonArray ?? []))
            .Select(a => a is JsonValue v && v.TryGetValue<string>(out var s) ? s : string.Empty)
            .ToList();
        var localIp = args.Select((a, i) => a.StartsWith("-localip=", StringComparison.Ordinal) ? a["-localip=".Length..] : a == "-localip" && i + 1 < args.Count ? args[i + 1] : null)
            .FirstOrDefault(v => v is not null) ?? LinkLocalAddress;
        IReadOnlyList<IPAddress> addresses = [.. localIp.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(IpAddressText.ParseOrNull).OfType<IPAddress>()];
        return new NodeLocalDns(store, daemonSet, addresses);
    }

    /// <summary>
    /// The first nameserver of a pod's resolv.conf: <c>dnsConfig.nameservers[0]</c> with <c>dnsPolicy: None</c>, else
    /// the cluster DNS (<paramref name="clusterDns"/>, kube-dns's ClusterIP) for ClusterFirst (and
    /// ClusterFirstWithHostNet on the host network); null for a pod that resolves through its node (Default, or
    /// ClusterFirst on the host network).
    /// </summary>
    public static IPAddress? ResolverOf(PodView pod, IPAddress? clusterDns)
    {
        ArgumentNullException.ThrowIfNull(pod);
        var dns = PodDns.Of(pod, clusterDns, hostResolver: null);
        return dns.Type == PodDnsType.Host || dns.Nameservers.Count == 0 ? null : dns.Nameservers[0];
    }

    /// <summary>Whether the cache answers queries to <paramref name="resolver"/> (an address it binds).</summary>
    public bool Serves(IPAddress? resolver) => resolver is not null && Addresses.Contains(resolver);

    /// <summary>The running <c>node-local-dns</c> pod of a node, or null when none runs there.</summary>
    public PodView? PodOn(string nodeName)
        => _store.ListByIndex(_store.Resources.For("v1", "Pod"), ObjectStore.NodeNameIndex, nodeName)
            .Select(p => new PodView(p))
            .FirstOrDefault(p => p.Namespace == "kube-system" && p.Phase == "Running" && !p.IsTerminating
                                 && p.Object.OwnerReferences.Any(o => o.Kind == "DaemonSet" && o.Name == Name));
}
