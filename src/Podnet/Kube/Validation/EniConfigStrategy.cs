using System.Text.Json.Nodes;
using Podnet.Kube.Api;

namespace Podnet.Kube.Validation;

/// <summary>
/// ENIConfig (crd.k8s.amazonaws.com/v1alpha1), a custom resource of the VPC CNI: a subnet and security groups. Its CRD
/// (amazon-vpc-cni-k8s charts/aws-vpc-cni/crds/customresourcedefinition.yaml) preserves unknown fields at the top only:
/// its <c>spec</c> declares <c>subnet</c> and <c>securityGroups</c> alone, so <c>spec.securityGroup</c> is refused under
/// strict field validation and pruned otherwise.
/// </summary>
public sealed class EniConfigStrategy() : KindStrategy("crd.k8s.amazonaws.com", "ENIConfig", Spec, isCustomResource: true)
{
    /// <summary>The CRD's schema: a subnet and security groups; the top level open, with a status of any content.</summary>
    private static GoType Spec => GoTypes.KindPreservingUnknownFields(
        "v1alpha1.ENIConfig",
        ("spec", GoType.Struct("v1alpha1.ENIConfigSpec", new Dictionary<string, GoType>
        {
            ["subnet"] = GoType.String(),
            ["securityGroups"] = GoType.SliceOf(GoType.String()),
        }, closed: true)),
        ("status", GoType.Any));

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
