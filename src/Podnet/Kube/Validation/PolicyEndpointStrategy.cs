using System.Text.Json.Nodes;
using Podnet.Kube.Api;

namespace Podnet.Kube.Validation;

/// <summary>
/// PolicyEndpoint (networking.k8s.aws/v1alpha1), the network policy controller's custom resource: a NetworkPolicy
/// resolved to addresses for the node agent. Its CRD (aws/amazon-vpc-cni-k8s
/// charts/aws-vpc-cni/crds/customresourcedefinition.yaml, generated from amazon-network-policy-controller-k8s
/// api/v1alpha1/policyendpoint_types.go) declares every field, so an unknown one is refused under strict field
/// validation and pruned otherwise.
/// </summary>
public sealed class PolicyEndpointStrategy() : KindStrategy("networking.k8s.aws", "PolicyEndpoint", Spec, isCustomResource: true)
{
    /// <summary>A resolved peer: an address or CIDR, its exceptions and ports (v1alpha1.EndpointInfo).</summary>
    private static GoType EndpointInfo => GoType.Struct("v1alpha1.EndpointInfo", new Dictionary<string, GoType>
    {
        ["cidr"] = GoType.String(),
        ["except"] = GoType.SliceOf(GoType.String()),
        ["ports"] = GoType.SliceOf(GoType.Struct("v1alpha1.Port", new Dictionary<string, GoType>
        {
            ["protocol"] = GoType.String(),
            ["port"] = GoType.Int32,
            ["endPort"] = GoType.Int32,
        }, closed: true)),
    }, closed: true);

    /// <summary>The CRD's schema: the policy's selector, reference and isolation, its pods, its resolved rules.</summary>
    private static GoType Spec => GoTypes.Kind(
        "v1alpha1.PolicyEndpoint",
        ("spec", GoType.Struct("v1alpha1.PolicyEndpointSpec", new Dictionary<string, GoType>
        {
            ["podSelector"] = GoTypes.LabelSelector,
            ["policyRef"] = GoType.Struct("v1alpha1.PolicyReference", new Dictionary<string, GoType> { ["name"] = GoType.String(), ["namespace"] = GoType.String() }, closed: true),
            ["podIsolation"] = GoType.SliceOf(GoType.String()),
            ["podSelectorEndpoints"] = GoType.SliceOf(GoType.Struct("v1alpha1.PodEndpoint", new Dictionary<string, GoType>
            {
                ["hostIP"] = GoType.String(),
                ["podIP"] = GoType.String(),
                ["name"] = GoType.String(),
                ["namespace"] = GoType.String(),
            }, closed: true)),
            ["ingress"] = GoType.SliceOf(EndpointInfo),
            ["egress"] = GoType.SliceOf(EndpointInfo),
        }, closed: true)),
        ("status", GoType.Struct("v1alpha1.PolicyEndpointStatus", new Dictionary<string, GoType>(), closed: true)));

    /// <inheritdoc/>
    public override void Validate(JsonObject obj, ValidationOptions options, List<StatusCause> causes)
    {
        ArgumentNullException.ThrowIfNull(obj);
        ArgumentNullException.ThrowIfNull(causes);

        // The CRD's required fields, as its schema's "required" lists them.
        var spec = obj["spec"] as JsonObject;
        Require(spec?["policyRef"], "spec.policyRef", ["name", "namespace"], causes);
        foreach (var (list, fields) in (ReadOnlySpan<(string, string[])>)[("ingress", ["cidr"]), ("egress", ["cidr"]), ("podSelectorEndpoints", ["hostIP", "name", "namespace", "podIP"])])
        {
            var items = spec?[list] as JsonArray ?? [];
            for (var i = 0; i < items.Count; i++)
            {
                Require(items[i], $"spec.{list}[{i}]", fields, causes);
            }
        }
    }

    /// <summary>A required object at <paramref name="path"/> and its required <paramref name="fields"/>.</summary>
    private static void Require(JsonNode? node, string path, string[] fields, List<StatusCause> causes)
    {
        if (node is not JsonObject obj)
        {
            causes.Add(StatusCause.Required(path));
            return;
        }

        foreach (var field in fields)
        {
            if (obj[field] is null)
            {
                causes.Add(StatusCause.Required($"{path}.{field}"));
            }
        }
    }
}
