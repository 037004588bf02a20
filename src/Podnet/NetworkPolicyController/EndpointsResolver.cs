using System.Text.Json.Nodes;
using Podnet.Kube.Validation;
using Podnet.Kube.Api;
using Podnet.Kube.Selectors;
using Podnet.Kube.Store;

namespace Podnet.NetworkPolicyController;

/// <summary>A NetworkPolicy resolved to addresses: its ingress and egress peers and the pods it applies to.</summary>
public sealed record ResolvedEndpoints(IReadOnlyList<EndpointInfo> Ingress, IReadOnlyList<EndpointInfo> Egress, IReadOnlyList<PodEndpoint> PodSelectorEndpoints);

/// <summary>
/// Resolves a NetworkPolicy to the addresses its PolicyEndpoints carry, as the network policy controller does
/// (aws/amazon-network-policy-controller-k8s pkg/resolvers/endpoints.go, defaultEndpointsResolver.Resolve):
/// <list type="bullet">
/// <item>a rule without peers allows <c>0.0.0.0/0</c> and <c>::/0</c>; an ipBlock peer is its CIDR and exceptions;
/// a selector peer is the address of every network-ready pod it selects (a pod with an IP, not Succeeded or Failed),
/// each a bare IP;</item>
/// <item>an egress selector peer also brings the cluster IP of every Service in the peer's namespaces whose selector
/// the peer's pod selector matches (getMatchingServiceClusterIPs: the node agent filters before kube-proxy's DNAT),
/// headless Services left out;</item>
/// <item>ingress named ports resolve on the pods the policy applies to, egress named ports on each destination pod;
/// a rule whose ports all fail to resolve contributes nothing;</item>
/// <item>the pods the policy applies to, hostNetwork pods left out, are its <c>podSelectorEndpoints</c>.</item>
/// </list>
/// </summary>
public sealed class EndpointsResolver
{
    /// <summary>The rule without peers: every address of both families (buildAllowAllIngress, buildAllowAllEgress).</summary>
    private static readonly string[] Anywhere = ["0.0.0.0/0", "::/0"];

    /// <summary>The annotation the VPC CNI writes a pod's address to before the status has it (pkg/k8s/pod_utils.go <c>podIPAnnotation</c>).</summary>
    private const string PodIpsAnnotation = "vpc.amazonaws.com/pod-ips";

    private readonly ObjectStore _store;

    /// <summary>A resolver reading <paramref name="store"/>'s pods, namespaces and Services.</summary>
    public EndpointsResolver(ObjectStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
    }

    private KubeResource Pods => _store.Resources.For("v1", "Pod");

    /// <summary>The addresses of <paramref name="policy"/> (a stored, validated NetworkPolicy).</summary>
    public ResolvedEndpoints Resolve(KubeObject policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var ns = policy.Namespace ?? "default";
        var podSelector = Selector(policy.Peek("spec.podSelector"));
        return new ResolvedEndpoints(
            Ingress(policy.Peek("spec.ingress") as JsonArray ?? [], ns, podSelector),
            Egress(policy.Peek("spec.egress") as JsonArray ?? [], ns),
            PodSelectorEndpoints(ns, podSelector));
    }

    /// <summary>computeIngressEndpoints: per rule, its ports resolved once, then its peers.</summary>
    private List<EndpointInfo> Ingress(JsonArray rules, string ns, LabelSelector podSelector)
    {
        var result = new List<EndpointInfo>();
        foreach (var rule in rules.OfType<JsonObject>())
        {
            var ports = PortsOf(rule);
            var resolved = IngressPorts(ns, podSelector, ports);
            if (ports.Count != 0 && resolved.Count == 0)
            {
                continue;
            }

            if (rule["from"] is not JsonArray { Count: > 0 } peers)
            {
                result.AddRange(Anywhere.Select(cidr => new EndpointInfo(cidr, [], resolved)));
                continue;
            }

            foreach (var peer in peers.OfType<JsonObject>())
            {
                if (peer["ipBlock"] is JsonObject block)
                {
                    result.Add(IpBlock(block, resolved));
                    continue;
                }

                foreach (var peerNamespace in PeerNamespaces(ns, peer))
                {
                    foreach (var pod in MatchingPods(peerNamespace, peer["podSelector"]))
                    {
                        if (PodIP(pod) is { } ip)
                        {
                            result.Add(new EndpointInfo(ip, [], resolved));
                        }
                    }
                }
            }
        }

        return result;
    }

    /// <summary>computeEgressEndpoints: per rule, its peers, with named ports resolved on each destination pod.</summary>
    private List<EndpointInfo> Egress(JsonArray rules, string ns)
    {
        var result = new List<EndpointInfo>();
        foreach (var rule in rules.OfType<JsonObject>())
        {
            var ports = PortsOf(rule);
            var cidrPorts = ports.Select(ForCidrs).OfType<PolicyEndpointPort>().ToList();
            if (rule["to"] is not JsonArray { Count: > 0 } peers)
            {
                // buildAllowAllEgress: named ports have no destination to resolve on.
                if (ports.Count == 0 || cidrPorts.Count > 0)
                {
                    result.AddRange(Anywhere.Select(cidr => new EndpointInfo(cidr, [], cidrPorts)));
                }

                continue;
            }

            foreach (var peer in peers.OfType<JsonObject>())
            {
                if (peer["ipBlock"] is JsonObject block)
                {
                    if (ports.Count == 0 || cidrPorts.Count > 0)
                    {
                        result.Add(IpBlock(block, cidrPorts));
                    }

                    continue;
                }

                foreach (var peerNamespace in PeerNamespaces(ns, peer))
                {
                    foreach (var pod in MatchingPods(peerNamespace, peer["podSelector"]))
                    {
                        if (PodIP(pod) is not { } ip)
                        {
                            continue;
                        }

                        var podPorts = PortsOn(pod, ports);
                        if (ports.Count == 0 || podPorts.Count > 0)
                        {
                            result.Add(new EndpointInfo(ip, [], podPorts));
                        }
                    }

                    result.AddRange(ServiceClusterIPs(peerNamespace, peer["podSelector"], ports));
                }
            }
        }

        return result;
    }

    /// <summary>computePodSelectorEndpoints: the network-ready pods the policy applies to, hostNetwork pods left out.</summary>
    private List<PodEndpoint> PodSelectorEndpoints(string ns, LabelSelector podSelector)
    {
        var result = new List<PodEndpoint>();
        foreach (var pod in _store.List(Pods, ns, podSelector).Items)
        {
            if (pod.Peek("spec.hostNetwork") is JsonValue hostNetwork && hostNetwork.TryGetValue<bool>(out var onHost) && onHost)
            {
                continue;
            }

            if (PodIP(pod) is { } ip)
            {
                result.Add(new PodEndpoint(pod.GetString("status.hostIP") ?? string.Empty, ip, pod.Name, ns));
            }
        }

        return result;
    }

    /// <summary>
    /// resolveIngressPorts: numeric and protocol-only ports as they are; with a named port among them, every port
    /// resolved on each network-ready pod the policy applies to, duplicates removed (getIngressRulesPorts).
    /// </summary>
    private List<PolicyEndpointPort> IngressPorts(string ns, LabelSelector podSelector, IReadOnlyList<RulePort> ports)
    {
        if (ports.All(p => p.Name is null))
        {
            return [.. ports.Select(ForCidrs).OfType<PolicyEndpointPort>()];
        }

        var result = new List<PolicyEndpointPort>();
        foreach (var pod in _store.List(Pods, ns, podSelector).Items)
        {
            if (PodIP(pod) is not null)
            {
                result.AddRange(PortsOn(pod, ports));
            }
        }

        return [.. result.Distinct()];
    }

    /// <summary>
    /// getMatchingServiceClusterIPs: the cluster IP of each Service of <paramref name="ns"/> that is not headless and
    /// whose selector (as a label set) the peer's pod selector matches, with the rule's ports turned into the Service's
    /// ports; a Service none of whose ports the rule's ports reach is left out.
    /// </summary>
    private List<EndpointInfo> ServiceClusterIPs(string ns, JsonNode? peerPodSelector, IReadOnlyList<RulePort> ports)
    {
        var selector = peerPodSelector is null ? LabelSelector.Everything : Selector(peerPodSelector);
        var result = new List<EndpointInfo>();
        List<KubeObject>? namespacePods = null;
        foreach (var service in _store.List(_store.Resources.For("v1", "Service"), ns).Items)
        {
            var clusterIP = service.GetString("spec.clusterIP");
            if (clusterIP is null or "" or "None")
            {
                continue;
            }

            var serviceSelector = StringMap(service.Peek("spec.selector"));
            if (!selector.Matches(serviceSelector))
            {
                continue;
            }

            var servicePorts = (service.Peek("spec.ports") as JsonArray ?? []).OfType<JsonObject>().Select(ServicePort.Of).ToList();
            var backends = new Lazy<List<KubeObject>>(() =>
            {
                namespacePods ??= [.. _store.List(Pods, ns).Items];
                var backendSelector = LabelSelector.FromSet(serviceSelector);
                return [.. namespacePods.Where(p => backendSelector.Matches(p.Labels))];
            });
            var portList = new List<PolicyEndpointPort>();
            foreach (var port in ports)
            {
                if (port.Number is null && port.Name is null)
                {
                    portList.Add(new PolicyEndpointPort(port.Protocol, null, port.EndPort));
                    continue;
                }

                if (ListenPort(servicePorts, port, backends) is not { } listen)
                {
                    continue;
                }

                // hasTargetPortBypass: a numeric policy port whose Service port forwards to a named target port that
                // some backend resolves to a port the policy does not allow would let traffic past the rule.
                if (port.Number is not null && Bypasses(servicePorts, listen, port.Protocol, ports, backends))
                {
                    continue;
                }

                portList.Add(new PolicyEndpointPort(port.Protocol, listen, port.EndPort));
            }

            if (ports.Count == 0 || portList.Count > 0)
            {
                result.Add(new EndpointInfo(clusterIP, [], portList));
            }
        }

        return result;
    }

    /// <summary>
    /// getMatchingServicePort: the Service port whose target port is the policy's port (LookupServiceListenPort), else
    /// the Service port that forwards to the container port the policy's port names on a backend (LookupListenPortFromPodSpec).
    /// </summary>
    private static int? ListenPort(List<ServicePort> servicePorts, RulePort port, Lazy<List<KubeObject>> backends)
    {
        foreach (var servicePort in servicePorts)
        {
            if (servicePort.Protocol == port.Protocol && (port.Name is null ? servicePort.TargetNumber == port.Number : servicePort.TargetName == port.Name))
            {
                return servicePort.Port;
            }
        }

        foreach (var pod in backends.Value)
        {
            if (ContainerPort(pod, port) is not { } container)
            {
                continue;
            }

            foreach (var servicePort in servicePorts)
            {
                if (servicePort.Protocol == port.Protocol && (servicePort.TargetName is { } name ? name == container.Name : servicePort.TargetNumber == container.Number))
                {
                    return servicePort.Port;
                }
            }
        }

        return null;
    }

    /// <summary>hasTargetPortBypass and isNumericPortAllowed.</summary>
    private static bool Bypasses(List<ServicePort> servicePorts, int listen, string protocol, IReadOnlyList<RulePort> ports, Lazy<List<KubeObject>> backends)
    {
        var target = servicePorts.FirstOrDefault(p => p.Port == listen && p.Protocol == protocol && p.TargetName is not null)?.TargetName;
        if (target is null)
        {
            return false;
        }

        foreach (var pod in backends.Value)
        {
            if (ContainerPort(pod, new RulePort(protocol, null, target, null)) is { } container
                && !ports.Any(p => p.Protocol == protocol && p.Name is null && (p.Number is not { } first || (container.Number >= first && container.Number <= (p.EndPort ?? first)))))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>getPortList: the rule's ports on <paramref name="pod"/>; a named port the pod does not have is left out.</summary>
    private static List<PolicyEndpointPort> PortsOn(KubeObject pod, IReadOnlyList<RulePort> ports)
    {
        var result = new List<PolicyEndpointPort>();
        foreach (var port in ports)
        {
            if (port.Number is null && port.Name is null)
            {
                result.Add(new PolicyEndpointPort(port.Protocol, null, port.EndPort));
            }
            else if (port.Name is null)
            {
                // LookupContainerPortAndName answers a number with itself, whether or not a container declares it.
                result.Add(new PolicyEndpointPort(port.Protocol, port.Number, port.EndPort));
            }
            else if (ContainerPort(pod, port) is { } container)
            {
                result.Add(new PolicyEndpointPort(port.Protocol, container.Number, port.EndPort));
            }
        }

        return result;
    }

    /// <summary>The first container port of <paramref name="pod"/> with the port's protocol and name (LookupContainerPortAndName).</summary>
    private static (int Number, string? Name)? ContainerPort(KubeObject pod, RulePort port)
    {
        foreach (var container in (pod.Peek("spec.containers") as JsonArray ?? []).OfType<JsonObject>())
        {
            foreach (var declared in (container["ports"] as JsonArray ?? []).OfType<JsonObject>())
            {
                var protocol = JsonText.String(declared["protocol"]) ?? "TCP";
                var name = JsonText.String(declared["name"]);
                if (protocol == port.Protocol && declared["containerPort"] is JsonValue c && c.TryGetValue<int>(out var number)
                    && (port.Name is null ? number == port.Number : name == port.Name))
                {
                    return (number, name);
                }
            }
        }

        return null;
    }

    /// <summary>convertToPolicyInfoPortForCIDRs: a numeric or protocol-only port as it is; a named port has no CIDR form.</summary>
    private static PolicyEndpointPort? ForCidrs(RulePort port)
        => port.Name is null ? new PolicyEndpointPort(port.Protocol, port.Number, port.Number is null ? null : port.EndPort) : null;

    private static EndpointInfo IpBlock(JsonObject block, IReadOnlyList<PolicyEndpointPort> ports)
        => new(
            JsonText.String(block["cidr"]) ?? string.Empty,
            [.. (block["except"] as JsonArray ?? []).Select(JsonText.String).OfType<string>()],
            ports);

    /// <summary>resolvePeerNamespaces: the policy's own namespace, or every namespace the peer's namespaceSelector picks.</summary>
    private IEnumerable<string> PeerNamespaces(string policyNamespace, JsonObject peer)
        => peer["namespaceSelector"] is { } selector
            ? _store.List(_store.Resources.For("v1", "Namespace"), labels: Selector(selector)).Items.Select(n => n.Name)
            : [policyNamespace];

    /// <summary>listMatchingPods, keeping the network-ready ones (IsPodNetworkReady).</summary>
    private IEnumerable<KubeObject> MatchingPods(string ns, JsonNode? podSelector)
        => _store.List(Pods, ns, podSelector is null ? LabelSelector.Everything : Selector(podSelector)).Items.Where(p => PodIP(p) is not null);

    /// <summary>
    /// A network-ready pod's address (GetPodIP and IsPodNetworkReady): <c>status.podIP</c>, else the VPC CNI's
    /// <c>vpc.amazonaws.com/pod-ips</c> annotation; null for a pod without one or one that has finished.
    /// </summary>
    internal static string? PodIP(KubeObject pod)
    {
        var phase = pod.GetString("status.phase");
        if (phase is "Succeeded" or "Failed")
        {
            return null;
        }

        var ip = pod.GetString("status.podIP");
        if (string.IsNullOrEmpty(ip))
        {
            ip = pod.Annotations.GetValueOrDefault(PodIpsAnnotation);
        }

        return string.IsNullOrEmpty(ip) ? null : ip;
    }

    /// <summary>A stored (so valid) label selector; an unreadable one selects nothing, as LabelSelectorAsSelector's error leaves it.</summary>
    private static LabelSelector Selector(JsonNode? selector)
    {
        if (selector is null)
        {
            return LabelSelector.Everything;
        }

        try
        {
            return LabelSelector.FromLabelSelector(selector);
        }
        catch (SelectorException)
        {
            return LabelSelector.Nothing;
        }
    }

    private static Dictionary<string, string> StringMap(JsonNode? node)
        => (node as JsonObject ?? []).Where(p => p.Value is JsonValue).ToDictionary(p => p.Key, p => p.Value!.ToString(), StringComparer.Ordinal);

    /// <summary>The ports of a rule (NetworkPolicyPort): the protocol (TCP by default), a number or a name, an end of range.</summary>
    private static List<RulePort> PortsOf(JsonObject rule)
    {
        var result = new List<RulePort>();
        foreach (var port in (rule["ports"] as JsonArray ?? []).OfType<JsonObject>())
        {
            var protocol = JsonText.String(port["protocol"]) ?? "TCP";
            int? number = port["port"] is JsonValue n && n.TryGetValue<int>(out var i) ? i : null;
            var name = JsonText.String(port["port"]);
            int? end = port["endPort"] is JsonValue e && e.TryGetValue<int>(out var last) ? last : null;
            result.Add(new RulePort(protocol, number, name, end));
        }

        return result;
    }

    /// <summary>A NetworkPolicyPort: a number or a name (or neither: every port of the protocol).</summary>
    private sealed record RulePort(string Protocol, int? Number, string? Name, int? EndPort);

    /// <summary>A Service port: its port, protocol and target (a number or a container port's name).</summary>
    private sealed record ServicePort(int Port, string Protocol, int? TargetNumber, string? TargetName)
    {
        public static ServicePort Of(JsonObject port)
        {
            var number = port["port"] is JsonValue n && n.TryGetValue<int>(out var i) ? i : 0;
            var protocol = JsonText.String(port["protocol"]) ?? "TCP";
            return port["targetPort"] switch
            {
                JsonValue t when t.TryGetValue<int>(out var target) => new ServicePort(number, protocol, target, null),
                JsonValue t when t.TryGetValue<string>(out var name) => new ServicePort(number, protocol, null, name),
                _ => new ServicePort(number, protocol, number, null),
            };
        }
    }
}
