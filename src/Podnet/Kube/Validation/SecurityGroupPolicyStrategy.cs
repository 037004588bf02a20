using System.Text.Json.Nodes;
using Podnet.Kube.Api;

namespace Podnet.Kube.Validation;

/// <summary>
/// SecurityGroupPolicy (vpcresources.k8s.aws/v1beta1), a custom resource: its CRD's schema (amazon-vpc-resource-
/// controller-k8s config/crd/bases) types the selectors and groupIds, and requires at least one group id.
/// </summary>
public sealed class SecurityGroupPolicyStrategy() : KindStrategy("vpcresources.k8s.aws", "SecurityGroupPolicy", Spec, isCustomResource: true)
{
    /// <summary>The CRD's schema: selectors and group ids.</summary>
    private static GoType Spec => GoTypes.Kind("v1beta1.SecurityGroupPolicy", ("spec", GoType.Struct("v1beta1.SecurityGroupPolicySpec", new Dictionary<string, GoType>
    {
        ["podSelector"] = GoTypes.LabelSelector,
        ["serviceAccountSelector"] = GoTypes.LabelSelector,
        ["securityGroups"] = GoType.Struct("v1beta1.GroupIds", new Dictionary<string, GoType> { ["groupIds"] = GoType.SliceOf(GoType.String()) }),
    })));

    /// <inheritdoc/>
    public override void Validate(JsonObject obj, ValidationOptions options, List<StatusCause> causes)
    {
        ArgumentNullException.ThrowIfNull(obj);
        ArgumentNullException.ThrowIfNull(causes);
        var groups = obj["spec"]?["securityGroups"]?["groupIds"] as JsonArray;
        if (groups is null || groups.Count == 0)
        {
            causes.Add(new StatusCause("FieldValueInvalid", $"Invalid value: {groups?.Count ?? 0}: spec.securityGroups.groupIds in body should have at least 1 items", "spec.securityGroups.groupIds"));
        }
    }
}
