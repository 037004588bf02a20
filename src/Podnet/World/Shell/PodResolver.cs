using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Podnet.Kube.Views;
using Podnet.Net;
using Podnet.Policy;

namespace Podnet.World.Shell;

/// <summary>
/// A pod's stub resolver as the kubelet sets it up (<c>pkg/kubelet/network/dns/dns.go</c>, <c>GetPodDNS</c>) and glibc
/// uses it: for ClusterFirst, <c>nameserver</c> kube-dns's ClusterIP, <c>search NAMESPACE.svc.cluster.local
/// svc.cluster.local cluster.local</c> plus the node's search domain (the VPC's <c>REGION.compute.internal</c>),
/// <c>options ndots:5</c>; for a pod that resolves through its node (Default, or ClusterFirst on the host network),
/// the VPC's Amazon-provided DNS server and the node's search domain. A name with fewer than five dots is tried with
/// each search domain first, then as given (resolv.conf(5)). CoreDNS answers <c>SERVICE.NAMESPACE.svc.cluster.local</c>
/// with the Service's ClusterIP (a headless Service with its first ready endpoint); names outside the cluster domain
/// are not emulated and do not exist. Whether the query is answered at all is Podnet's reach verdict for it
/// (<see cref="Reachability.Resolve"/>).
/// </summary>
internal sealed class PodResolver
{
    private const int Ndots = 5;
    private readonly Podnet.World.World _world;
    private readonly PodView _pod;
    private readonly IPAddress? _clusterResolver;

    public PodResolver(Podnet.World.World world, PodView pod)
    {
        _world = world;
        _pod = pod;
        var store = world.ControlPlane.Store;
        var clusterDns = IpAddressText.ParseOrNull(store.TryGet(store.Resources.For("v1", "Service"), "kube-system", "kube-dns")?.GetString("spec.clusterIP"));
        _clusterResolver = NodeLocalDns.ResolverOf(pod, clusterDns);
        var nodeDomain = world.Cloud?.Options.PrivateDnsSuffix;
        Search = _clusterResolver is null
            ? [.. new[] { nodeDomain }.OfType<string>()]
            : [.. new[] { $"{pod.Namespace}.svc.cluster.local", "svc.cluster.local", "cluster.local", nodeDomain }.OfType<string>()];
        var vpcs = world.Cloud?.Ec2View.DescribeVpcs() ?? [];
        Nameserver = _clusterResolver ?? (vpcs.Count > 0 ? vpcs[0].AmazonProvidedDnsServer() : null);
    }

    /// <summary>The search list of the pod's resolv.conf.</summary>
    public IReadOnlyList<string> Search { get; }

    /// <summary>The first nameserver of the pod's resolv.conf; null when the world knows none.</summary>
    public IPAddress? Nameserver { get; }

    /// <summary>/etc/resolv.conf as the kubelet writes it for the pod.</summary>
    public string ResolvConf
    {
        get
        {
            var text = new StringBuilder();
            if (Search.Count > 0)
            {
                text.Append("search ").Append(string.Join(' ', Search)).Append('\n');
            }

            if (Nameserver is not null)
            {
                text.Append("nameserver ").Append(Nameserver).Append('\n');
            }

            if (_clusterResolver is not null)
            {
                text.Append("options ndots:5\n");
            }

            return text.ToString();
        }
    }

    /// <summary>
    /// Looks <paramref name="name"/> up as the pod's resolver would, the query judged by <paramref name="reach"/>.
    /// /etc/hosts comes first (nsswitch's <c>files dns</c>): the kubelet's file names <c>localhost</c> and the pod's
    /// own hostname, which need no query.
    /// </summary>
    public DnsAnswer Lookup(string name, Reachability reach, Endpoint source)
    {
        if (IpAddressText.TryParse(name, out var literal))
        {
            return new DnsAnswer(DnsOutcome.Resolved, name, literal, null);
        }

        if (HostsFile(name.TrimEnd('.')) is { } local)
        {
            return new DnsAnswer(DnsOutcome.Resolved, name.TrimEnd('.'), local, null);
        }

        string? found = null;
        IPAddress? address = null;
        foreach (var candidate in Candidates(name))
        {
            if (Answer(candidate) is { } answer)
            {
                (found, address) = (candidate, answer);
                break;
            }
        }

        var query = Query(reach, source, found ?? name.TrimEnd('.'), address);
        return !query.Allowed
            ? new DnsAnswer(DnsOutcome.TimedOut, name, null, query)
            : found is null
                ? new DnsAnswer(DnsOutcome.NotFound, name, null, query)
                : new DnsAnswer(DnsOutcome.Resolved, found, address, query);
    }

    /// <summary>The kubelet-managed /etc/hosts: <c>127.0.0.1 localhost</c>, and the pod's address with its hostname.</summary>
    private IPAddress? HostsFile(string name)
    {
        if (name.Equals("localhost", StringComparison.OrdinalIgnoreCase))
        {
            return IPAddress.Loopback;
        }

        var hostname = _pod.Object.GetString("spec.hostname") ?? _pod.Name;
        return name.Equals(hostname, StringComparison.OrdinalIgnoreCase) ? _pod.PodAddress : null;
    }

    /// <summary>The names glibc asks, in order: search domains first for a name with fewer than ndots dots.</summary>
    private IEnumerable<string> Candidates(string name)
    {
        if (name.EndsWith('.'))
        {
            return [name.TrimEnd('.')];
        }

        var withSearch = Search.Select(s => $"{name}.{s}");
        return name.Count(c => c == '.') >= Ndots ? [name, .. withSearch] : [.. withSearch, name];
    }

    /// <summary>What CoreDNS's kubernetes plugin answers for a name of the cluster domain; null for NXDOMAIN.</summary>
    private IPAddress? Answer(string fqdn)
    {
        if (_clusterResolver is null)
        {
            // The VPC's resolver knows nothing of cluster.local.
            return null;
        }

        var labels = fqdn.ToLowerInvariant().Split('.');
        if (labels.Length != 5 || labels[2] != "svc" || labels[3] != "cluster" || labels[4] != "local")
        {
            return null;
        }

        var store = _world.ControlPlane.Store;
        if (store.TryGet(store.Resources.For("v1", "Service"), labels[1], labels[0]) is not { } service)
        {
            return null;
        }

        var clusterIp = service.GetString("spec.clusterIP");
        if (clusterIp is "None")
        {
            // A headless Service answers with its ready endpoints' addresses; the first one stands for them.
            var endpoints = store.TryGet(store.Resources.For("v1", "Endpoints"), labels[1], labels[0]);
            clusterIp = (endpoints?["subsets"] as JsonArray ?? []).OfType<JsonObject>()
                .SelectMany(s => (s["addresses"] as JsonArray ?? []).OfType<JsonObject>())
                .Select(a => a["ip"]?.GetValue<string>())
                .FirstOrDefault();
        }

        return IpAddressText.ParseOrNull(clusterIp);
    }

    /// <summary>The reach verdict of the query: to CoreDNS (or NodeLocal DNSCache), or to the VPC's resolver.</summary>
    private ReachResult Query(Reachability reach, Endpoint source, string name, IPAddress? answer)
    {
        if (_clusterResolver is not null)
        {
            return reach.Resolve(source, name, answer?.ToString());
        }

        if (Nameserver is null || reach.ResolveEndpoint(Nameserver.ToString()) is not { } server)
        {
            return ReachResult.Error($"{_pod.Namespace}/{_pod.Name} has no nameserver: the world has no VPC");
        }

        return reach.Evaluate(source, server, new PortSpec("UDP", 53));
    }
}

