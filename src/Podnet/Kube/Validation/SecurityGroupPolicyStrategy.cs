using System.Text.Json.Nodes;
using Podnet.Kube.Api;

namespace Podnet.Kube.Validation;

/// <summary>
/// SecurityGroupPolicy (vpcresources.k8s.aws/v1beta1), a custom resource: its CRD's schema (amazon-vpc-resource-
/// controller-k8s config/crd/bases/vpcresources.k8s.aws_securitygrouppolicies.yaml) types the selectors and groupIds,
/// requires one to sixteen group ids, and declares every field (no <c>x-kubernetes-preserve-unknown-fields</c>), so an
/// unknown one — <c>spec.podSelecter</c> — is refused under strict field validation and pruned otherwise.
/// </summary>
public sealed class SecurityGroupPolicyStrategy() : KindStrategy("vpcresources.k8s.aws", "SecurityGroupPolicy", Spec, isCustomResource: true)
{
    /// <summary>The CRD's schema: selectors and group ids.</summary>
    private static GoType Spec => GoTypes.Kind("v1beta1.SecurityGroupPolicy", ("spec", GoType.Struct("v1beta1.SecurityGroupPolicySpec", new Dictionary<string, GoType>
    {
        ["podSelector"] = GoTypes.LabelSelector,
        ["serviceAccountSelector"] = GoTypes.LabelSelector,
        ["securityGroups"] = GoType.Struct("v1beta1.GroupIds", new Dictionary<string, GoType> { ["groupIds"] = GoType.SliceOf(GoType.String()) }, closed: true),
    }, closed: true)));

    /// <summary>The CRD's <c>maxItems</c> of <c>spec.securityGroups.groupIds</c>.</summary>
    public const int MaxGroupIds = 16;

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
        else if (groups.Count > MaxGroupIds)
        {
            // field.TooMany, as apiextensions-apiserver's schema validation reports maxItems.
            causes.Add(new StatusCause("FieldValueTooMany", $"Too many: {groups.Count}: must have at most {MaxGroupIds} items", "spec.securityGroups.groupIds"));
        }
    }
}
