namespace Podnet.Kube.Nodes;

/// <summary>
/// What the kubelet accepts in <c>--node-labels</c> (where a managed node group's labels go): in the
/// <c>kubernetes.io</c> and <c>k8s.io</c> namespaces only the labels it sets itself and those under
/// <c>kubelet.kubernetes.io</c> and <c>node.kubernetes.io</c> (k8s.io/kubelet's <c>IsKubeletLabel</c>); anything else
/// there and the kubelet exits at start (cmd/kubelet/app/options, <c>ValidateKubeletFlags</c>), so the node never
/// joins (EKS: "NodeCreationFailure: Instances failed to join the kubernetes cluster").
/// </summary>
public static class KubeletNodeLabels
{
    /// <summary>kubeletapis.KubeletLabels(), in its order.</summary>
    private static readonly string[] Allowed =
    [
        "beta.kubernetes.io/arch", "beta.kubernetes.io/instance-type", "beta.kubernetes.io/os",
        "failure-domain.beta.kubernetes.io/region", "failure-domain.beta.kubernetes.io/zone",
        "kubernetes.io/arch", "kubernetes.io/hostname", "kubernetes.io/os", "node.kubernetes.io/instance-type",
        "topology.kubernetes.io/region", "topology.kubernetes.io/zone",
    ];

    /// <summary>kubeletapis.KubeletLabelNamespaces().</summary>
    private static readonly string[] AllowedNamespaces = ["kubelet.kubernetes.io", "node.kubernetes.io"];

    /// <summary>
    /// The kubelet's error for <paramref name="keys"/> as <c>--node-labels</c>, in its words (one line: its two lines
    /// joined by a space); null when it would start.
    /// </summary>
    public static string? Error(IEnumerable<string> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var unknown = keys.Where(k => IsKubernetesLabel(k) && !IsKubeletLabel(k)).Order(StringComparer.Ordinal).ToList();
        return unknown.Count == 0
            ? null
            : $"failed to validate kubelet flags: unknown 'kubernetes.io' or 'k8s.io' labels specified with --node-labels: [{string.Join(' ', unknown)}] --node-labels in the 'kubernetes.io' namespace must begin with an allowed prefix ({string.Join(", ", AllowedNamespaces)}) or be in the specifically allowed set ({string.Join(", ", Allowed)})";
    }

    private static bool IsKubernetesLabel(string key)
    {
        var ns = Namespace(key);
        return ns == "kubernetes.io" || ns.EndsWith(".kubernetes.io", StringComparison.Ordinal) || ns == "k8s.io" || ns.EndsWith(".k8s.io", StringComparison.Ordinal);
    }

    private static bool IsKubeletLabel(string key)
        => Allowed.Contains(key) || AllowedNamespaces.Any(a => Namespace(key) == a || Namespace(key).EndsWith("." + a, StringComparison.Ordinal));

    private static string Namespace(string key) => key.IndexOf('/', StringComparison.Ordinal) is var slash and > 0 ? key[..slash] : string.Empty;
}
