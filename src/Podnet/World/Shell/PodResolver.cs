using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Podnet.Kube.Views;
using Podnet.Net;
using Podnet.Policy;

namespace Podnet.World.Shell;

/// <summary>
/// A pod's stub resolver as the kubelet sets it up (<c>pkg/kubelet/network/dns/dns.go</c>, <c>GetPodDNS</c>) and glibc
/// uses it. The nameservers are reach's (<see cref="Reachability.DnsOf"/>, <see cref="PodDns"/>): for the cluster DNS
/// (ClusterFirst, ClusterFirstWithHostNet) kube-dns's ClusterIP, <c>search NAMESPACE.svc.cluster.local
/// svc.cluster.local cluster.local</c> plus the node's search domain (the VPC's <c>REGION.compute.internal</c>) and
/// <c>options ndots:5</c>; for the node's resolver (Default, or ClusterFirst on the host network) the VPC's
/// Amazon-provided DNS server and the node's search domain; for <c>None</c> only <c>spec.dnsConfig</c>. The pod's
/// <c>spec.dnsConfig</c> nameservers, searches and options are appended (<c>appendDNSConfig</c>). A name with fewer
/// than ndots dots is tried with each search domain first, then as given (resolv.conf(5)). CoreDNS answers
/// <c>SERVICE.NAMESPACE.svc.cluster.local</c> with the Service's ClusterIP (a headless Service with its first ready
/// endpoint, an ExternalName Service whose <c>spec.externalName</c> is an IP address with that address); names outside
/// the cluster domain — an ExternalName's host name among them — are not emulated and do not exist. Who answers the
/// query, if anyone, is Podnet's reach decision for it (<see cref="Reachability.Resolve"/>): only the cluster's DNS
/// knows the cluster's names; the VPC's resolver answers NXDOMAIN.
/// </summary>
internal sealed class PodResolver
{
    private readonly PodView _pod;
    private readonly PodDns _dns;
    private readonly int _ndots;

    public PodResolver(Podnet.World.World world, PodView pod, Reachability reach)
    {
        ArgumentNullException.ThrowIfNull(reach);
        _pod = pod;
        _dns = reach.DnsOf(pod);
        var nodeDomain = world.Cloud?.Options.PrivateDnsSuffix;
        var spec = pod.Object.ToJson()["spec"]?["dnsConfig"];
        var searches = (spec?["searches"] as JsonArray ?? []).Select(n => n is JsonValue v && v.TryGetValue<string>(out var t) ? t : null).OfType<string>();
        var options = (spec?["options"] as JsonArray ?? []).OfType<JsonObject>().ToList();
        string?[] search = _dns.Type switch
        {
            PodDnsType.Cluster => [$"{pod.Namespace}.svc.cluster.local", "svc.cluster.local", "cluster.local", nodeDomain],
            PodDnsType.Host => [nodeDomain],
            _ => [],
        };
        Search = [.. search.OfType<string>().Concat(searches).Distinct(StringComparer.Ordinal)];
        Options = [.. (_dns.Type == PodDnsType.Cluster ? ["ndots:5"] : Array.Empty<string>())
            .Concat(options.Select(o => (Name: o["name"] is JsonValue k && k.TryGetValue<string>(out var key) ? key : string.Empty, Value: o["value"] is JsonValue v && v.TryGetValue<string>(out var value) ? value : null))
                .Where(o => o.Name.Length > 0).Select(o => o.Value is null ? o.Name : $"{o.Name}:{o.Value}"))];
        var ndots = Options.LastOrDefault(o => o.StartsWith("ndots:", StringComparison.Ordinal));
        _ndots = ndots is not null && int.TryParse(ndots["ndots:".Length..], NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 1;
    }

    /// <summary>The search list of the pod's resolv.conf.</summary>
    public IReadOnlyList<string> Search { get; }

    /// <summary>The options line of the pod's resolv.conf (<c>ndots:5</c> for the cluster DNS, then <c>spec.dnsConfig.options</c>).</summary>
    public IReadOnlyList<string> Options { get; }

    /// <summary>The first nameserver of the pod's resolv.conf; null when the world knows none.</summary>
    public IPAddress? Nameserver => _dns.Nameservers.Count > 0 ? _dns.Nameservers[0] : null;

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

            foreach (var nameserver in _dns.Nameservers)
            {
                text.Append("nameserver ").Append(nameserver).Append('\n');
            }

            if (Options.Count > 0)
            {
                text.Append("options ").Append(string.Join(' ', Options)).Append('\n');
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
            if (Answer(candidate, reach) is { } answer)
            {
                (found, address) = (candidate, answer);
                break;
            }
        }

        // Who answers is reach's decision (the pod's nameservers in turn); only the cluster's DNS knows these records.
        var query = reach.Resolve(source, found ?? name.TrimEnd('.'), address?.ToString());
        return query.Reply switch
        {
            DnsReply.NoAnswer => new DnsAnswer(DnsOutcome.TimedOut, name, null, query.Query),
            DnsReply.Answered when found is not null => new DnsAnswer(DnsOutcome.Resolved, found, address, query.Query),
            _ => new DnsAnswer(DnsOutcome.NotFound, name, null, query.Query),
        };
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
        return name.Count(c => c == '.') >= _ndots ? [name, .. withSearch] : [.. withSearch, name];
    }

    /// <summary>What CoreDNS's kubernetes plugin answers for a Service name of the cluster domain (reach's <see cref="Reachability.ServiceAddress"/>); null for NXDOMAIN.</summary>
    private static IPAddress? Answer(string fqdn, Reachability reach)
    {
        var labels = fqdn.ToLowerInvariant().Split('.');
        return labels is [var name, var ns, "svc", "cluster", "local"] ? reach.ServiceAddress(ns, name) : null;
    }
}
