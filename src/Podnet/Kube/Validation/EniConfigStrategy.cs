using System.Text.Json.Nodes;
using Podnet.Kube.Api;

namespace Podnet.Kube.Validation;

/// <summary>ENIConfig (crd.k8s.amazonaws.com/v1alpha1), a custom resource of the VPC CNI: a subnet and security groups.</summary>
public sealed class EniConfigStrategy() : KindStrategy("crd.k8s.amazonaws.com", "ENIConfig", Spec, isCustomResource: true)
{
    /// <summary>The CRD's schema: a subnet and security groups.</summary>
    private static GoType Spec => GoTypes.Kind("v1alpha1.ENIConfig", ("spec", GoType.Struct("v1alpha1.ENIConfigSpec", new Dictionary<string, GoType>
    {
        ["subnet"] = GoType.String(),
        ["securityGroups"] = GoType.SliceOf(GoType.String()),
    })));

    /// <inheritdoc/>
    public override void Validate(JsonObject obj, ValidationOptions options, List<StatusCause> causes)
    {
        ArgumentNullException.ThrowIfNull(obj);
        ArgumentNullException.ThrowIfNull(causes);
        if (obj["spec"]?["subnet"] is null)
        {
            causes.Add(StatusCause.Required("spec.subnet"));
        }
    }
}
