using System.Net;
using System.Text.Json.Nodes;
using Podnet.Kube.Api;
using Podnet.Net;
using Podnet.Kube.Views;

namespace Podnet.Policy.NetworkPolicies;

/// <summary>
/// One end of a connection as NetworkPolicy sees it: a pod (namespace, name, labels, its namespace's labels, pod IP
/// if it has one, container ports) or an endpoint outside the cluster, known only by its IP address.
/// </summary>
public sealed record PolicyPeer
{
    /// <summary>The label the API server puts on every namespace.</summary>
    public const string NamespaceNameLabel = "kubernetes.io/metadata.name";

    private static readonly IReadOnlyDictionary<string, string> NoLabels = new Dictionary<string, string>(StringComparer.Ordinal);

    private PolicyPeer(string? @namespace, string? name, IReadOnlyDictionary<string, string> labels, IReadOnlyDictionary<string, string> namespaceLabels, IPAddress? ip, IReadOnlyList<PodContainerPort> containerPorts)
    {
        Namespace = @namespace;
        Name = name;
        Labels = labels;
        NamespaceLabels = namespaceLabels;
        IP = ip;
        ContainerPorts = containerPorts;
    }

    /// <summary>True for a pod, false for an external endpoint.</summary>
    public bool IsPod => Name is not null;

    /// <summary>The pod's namespace; null for an external endpoint.</summary>
    public string? Namespace { get; }

    /// <summary>The pod's name; null for an external endpoint.</summary>
    public string? Name { get; }

    public IReadOnlyDictionary<string, string> Labels { get; }

    public IReadOnlyDictionary<string, string> NamespaceLabels { get; }

    /// <summary>The pod IP (null for a pod that has none) or the external endpoint's address.</summary>
    public IPAddress? IP { get; }

    public IReadOnlyList<PodContainerPort> ContainerPorts { get; }

    /// <summary>
    /// Why no enforcer applies NetworkPolicy to this pod (it runs where none runs: on Fargate, on a Windows node);
    /// null when policies that select it isolate it. Such a pod is still matched by other pods' rules (its labels and
    /// address are what they are), but its own egress and ingress are not filtered.
    /// </summary>
    public string? NotEnforced { get; private init; }

    /// <summary>This pod with <see cref="NotEnforced"/> set to <paramref name="reason"/>.</summary>
    public PolicyPeer WithoutEnforcement(string reason)
    {
        ArgumentException.ThrowIfNullOrEmpty(reason);
        return this with { NotEnforced = reason };
    }

    /// <summary>A pod from its parts.</summary>
    public static PolicyPeer Pod(
        string @namespace,
        string name,
        IReadOnlyDictionary<string, string>? labels = null,
        IReadOnlyDictionary<string, string>? namespaceLabels = null,
        IPAddress? ip = null,
        IReadOnlyList<PodContainerPort>? containerPorts = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(@namespace);
        ArgumentException.ThrowIfNullOrEmpty(name);
        return new PolicyPeer(@namespace, name, labels ?? NoLabels, namespaceLabels ?? NoLabels, ip is null ? null : Normalize(ip), containerPorts ?? []);
    }

    /// <summary>
    /// A pod from its object: labels, <c>status.podIP</c> (or the first of <c>status.podIPs</c>) and the ports of
    /// <c>spec.containers</c>; <paramref name="namespaceLabels"/> are the labels of its namespace.
    /// </summary>
    public static PolicyPeer FromPod(KubeObject pod, IReadOnlyDictionary<string, string> namespaceLabels)
    {
        ArgumentNullException.ThrowIfNull(pod);
        ArgumentNullException.ThrowIfNull(namespaceLabels);
        var view = PodView.Of(pod);
        var ipText = view.PodIP ?? (pod.Peek("status.podIPs") as JsonArray)?.OfType<JsonObject>().Select(p => p["ip"] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null).FirstOrDefault(s => s is { Length: > 0 });
        var ip = IpAddressText.ParseOrNull(ipText);
        var ports = new List<PodContainerPort>();
        foreach (var container in view.Containers)
        {
            foreach (var port in (container["ports"] as JsonArray ?? []).OfType<JsonObject>())
            {
                if (JsonNumbers.TryGetInt(port["containerPort"], out var number))
                {
                    var name = port["name"] is JsonValue n && n.TryGetValue<string>(out var s) && s.Length > 0 ? s : null;
                    var protocol = port["protocol"] is JsonValue p && p.TryGetValue<string>(out var proto) && proto.Length > 0 ? proto : "TCP";
                    ports.Add(new PodContainerPort(name, number, protocol));
                }
            }
        }

        return Pod(view.Namespace, pod.Name, pod.Labels, namespaceLabels, ip, ports);
    }

    /// <summary>
    /// Pods keyed by <c>namespace/name</c>, each with its namespace's labels; a namespace that is not among
    /// <paramref name="namespaces"/> gets only <c>kubernetes.io/metadata.name</c>, which the API server would have set.
    /// </summary>
    public static IReadOnlyDictionary<string, PolicyPeer> FromPods(IEnumerable<KubeObject> pods, IEnumerable<KubeObject> namespaces)
    {
        ArgumentNullException.ThrowIfNull(pods);
        var namespaceLabels = LabelsByNamespace(namespaces);
        var result = new Dictionary<string, PolicyPeer>(StringComparer.Ordinal);
        foreach (var pod in pods)
        {
            var peer = FromPod(pod, LabelsOfNamespace(namespaceLabels, pod.Namespace ?? "default"));
            result[peer.ToString()] = peer;
        }

        return result;
    }

    /// <summary>
    /// Each of <paramref name="namespaces"/>' labels by namespace name, with <c>kubernetes.io/metadata.name</c> as the
    /// API server sets it; <see cref="LabelsOfNamespace"/> reads them.
    /// </summary>
    public static Dictionary<string, IReadOnlyDictionary<string, string>> LabelsByNamespace(IEnumerable<KubeObject> namespaces)
    {
        ArgumentNullException.ThrowIfNull(namespaces);
        var namespaceLabels = new Dictionary<string, IReadOnlyDictionary<string, string>>(StringComparer.Ordinal);
        foreach (var ns in namespaces)
        {
            var labels = new Dictionary<string, string>(ns.Labels, StringComparer.Ordinal);
            labels.TryAdd(NamespaceNameLabel, ns.Name);
            namespaceLabels[ns.Name] = labels;
        }

        return namespaceLabels;
    }

    /// <summary>
    /// The labels of namespace <paramref name="ns"/> from <see cref="LabelsByNamespace"/>; a namespace not there gets
    /// only <c>kubernetes.io/metadata.name</c> (remembered in <paramref name="namespaceLabels"/>).
    /// </summary>
    public static IReadOnlyDictionary<string, string> LabelsOfNamespace(Dictionary<string, IReadOnlyDictionary<string, string>> namespaceLabels, string ns)
    {
        ArgumentNullException.ThrowIfNull(namespaceLabels);
        if (!namespaceLabels.TryGetValue(ns, out var labels))
        {
            labels = new Dictionary<string, string>(StringComparer.Ordinal) { [NamespaceNameLabel] = ns };
            namespaceLabels[ns] = labels;
        }

        return labels;
    }

    /// <summary>An endpoint outside the cluster.</summary>
    public static PolicyPeer External(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        return new PolicyPeer(null, null, NoLabels, NoLabels, Normalize(address), []);
    }

    /// <summary><c>namespace/name</c> for a pod, the address for an external endpoint.</summary>
    public override string ToString() => IsPod ? $"{Namespace}/{Name}" : IP!.ToString();

    private static IPAddress Normalize(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
}
