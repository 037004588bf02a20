using System.Text.Json.Nodes;
using Podnet.Kube.Api;
using Podnet.Kube.Store;

namespace Podnet.Cni;

/// <summary>
/// Which ENIConfig a node uses, in the VPC CNI's order: the label <c>vpc.amazonaws.com/externalEniConfig</c>, the
/// annotation named by ENI_CONFIG_ANNOTATION_DEF, the label named by ENI_CONFIG_LABEL_DEF, then <c>default</c>.
/// Looked up for every new interface, so a change affects only interfaces created afterwards.
/// </summary>
public static class EniConfigSelector
{
    public const string ExternalEniConfigLabel = "vpc.amazonaws.com/externalEniConfig";
    public const string DefaultName = "default";
    public const string NotAvailable = "eniconfig: eniconfig is not available";

    /// <summary>The ENIConfig name for a node (presence of the key decides, even with an empty value).</summary>
    public static string NameFor(KubeObject node, CniSettings settings)
    {
        if (node.Labels.TryGetValue(ExternalEniConfigLabel, out var external))
        {
            return external;
        }

        if (node.Annotations.TryGetValue(settings.EniConfigAnnotationKey, out var annotated))
        {
            return annotated;
        }

        return node.Labels.TryGetValue(settings.EniConfigLabelKey, out var labelled) ? labelled : DefaultName;
    }

    /// <summary>The node's ENIConfig, or null when the named one does not exist ("eniconfig is not available").</summary>
    public static EniConfigSpec? For(KubeObject node, CniSettings settings, ObjectStore store)
    {
        var name = NameFor(node, settings);
        var found = store.TryGet(store.Resources.For("crd.k8s.amazonaws.com/v1alpha1", "ENIConfig"), null, name);
        if (found is null)
        {
            return null;
        }

        var groups = found["spec.securityGroups"] as JsonArray ?? [];
        return new EniConfigSpec(name, found.GetString("spec.subnet") ?? string.Empty, [.. groups.Select(g => g?.GetValue<string>() ?? string.Empty)]);
    }
}
