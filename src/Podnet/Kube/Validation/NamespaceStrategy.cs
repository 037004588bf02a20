using System.Text.Json.Nodes;
using Podnet.Kube.Api;

namespace Podnet.Kube.Validation;

/// <summary>
/// Namespaces (pkg/registry/core/namespace/strategy.go): the <c>kubernetes.io/metadata.name</c> label
/// (NamespaceDefaultLabelName), the <c>kubernetes</c> finalizer, and phase Active when created.
/// </summary>
public sealed class NamespaceStrategy() : KindStrategy(string.Empty, "Namespace", GoTypes.Kind("v1.Namespace", ("spec", GoType.Any), ("status", GoType.Any)))
{
    /// <inheritdoc/>
    public override bool HasDefaults => true;

    /// <inheritdoc/>
    public override void Default(JsonObject obj, bool create)
    {
        ArgumentNullException.ThrowIfNull(obj);
        var metadata = obj.GetOrAddObject("metadata");
        metadata.GetOrAddObject("labels")["kubernetes.io/metadata.name"] = JsonText.String(metadata["name"]) ?? string.Empty;
        obj.GetOrAddObject("spec")["finalizers"] ??= new JsonArray("kubernetes");
        if (create)
        {
            obj.GetOrAddObject("status")["phase"] ??= "Active";
        }
    }
}
