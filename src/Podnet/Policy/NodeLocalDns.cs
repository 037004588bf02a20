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
/// (the Corefile's <c>forward … { force_tcp }</c>), at the ClusterIP of the Service its <c>-upstreamsvc</c> names
/// (<see cref="UpstreamService"/>): the manifest's <c>forward . __PILLAR__CLUSTER__DNS__</c>, which node-cache fills
/// with that address (kubernetes/dns cmd/node-cache/app/configmap.go <c>updateCorefile</c>).
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

    /// <summary>node-cache's <c>-upstreamsvc</c> default (kubernetes/dns cmd/node-cache/main.go <c>parseAndValidateFlags</c>).</summary>
    public const string DefaultUpstreamService = "kube-dns";

    private NodeLocalDns(ObjectStore store, KubeObject daemonSet, IReadOnlyList<IPAddress> addresses, string upstreamService)
    {
        _store = store;
        DaemonSet = daemonSet;
        Addresses = addresses;
        UpstreamService = upstreamService;
    }

    /// <summary>The <c>node-local-dns</c> DaemonSet.</summary>
    public KubeObject DaemonSet { get; }

    /// <summary>The addresses it binds on each node (its <c>-localip</c>; 169.254.20.10 when the argument is absent).</summary>
    public IReadOnlyList<IPAddress> Addresses { get; }

    /// <summary>
    /// The name of the kube-system Service whose ClusterIP the cache forwards the cluster's domain to: its
    /// <c>-upstreamsvc</c> argument, <c>kube-dns</c> when absent (node-cache's default). nodelocaldns.yaml passes
    /// <c>-upstreamsvc kube-dns-upstream</c> and ships that Service (selector <c>k8s-app: kube-dns</c>, UDP and TCP 53),
    /// so that the cache, which binds kube-dns's own ClusterIP in iptables mode, does not forward to itself.
    /// node-cache reads the address from the Service's environment variable (<c>KUBE_DNS_UPSTREAM_SERVICE_HOST</c>:
    /// cmd/node-cache/app/cache_app.go <c>NewCacheApp</c>, <c>toSvcEnv</c>), which the kubelet gives only for Services of
    /// the pod's own namespace, kube-system.
    /// </summary>
    public string UpstreamService { get; }

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
        var localIp = Flag(args, "localip") ?? LinkLocalAddress;
        IReadOnlyList<IPAddress> addresses = [.. localIp.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(IpAddressText.ParseOrNull).OfType<IPAddress>()];
        var upstream = Flag(args, "upstreamsvc") is { Length: > 0 } named ? named : DefaultUpstreamService;
        return new NodeLocalDns(store, daemonSet, addresses, upstream);
    }

    /// <summary>A Go <c>flag</c> value among the container's arguments: <c>-NAME VALUE</c>, <c>-NAME=VALUE</c> (or with <c>--</c>); null when absent.</summary>
    private static string? Flag(List<string> args, string name)
    {
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i].StartsWith("--", StringComparison.Ordinal) ? args[i][2..] : args[i].StartsWith('-') ? args[i][1..] : null;
            if (arg is null)
            {
                continue;
            }

            if (arg.StartsWith(name + "=", StringComparison.Ordinal))
            {
                return arg[(name.Length + 1)..];
            }

            if (arg == name && i + 1 < args.Count)
            {
                return args[i + 1];
            }
        }

        return null;
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
            .Select(p => PodView.Of(p))
            .FirstOrDefault(p => p.Namespace == "kube-system" && p.Phase == "Running" && !p.IsTerminating
                                 && p.Object.OwnerReferences.Any(o => o.Kind == "DaemonSet" && o.Name == Name));
}
