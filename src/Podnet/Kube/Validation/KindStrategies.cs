using System.Collections.Frozen;
using System.Text.Json.Nodes;
using Podnet.Kube.Api;

namespace Podnet.Kube.Validation;

/// <summary>
/// The strategies of the kinds Podnet reads, by group and kind, and the decoding step that runs before admission.
/// A kind without a strategy (a CRD of the user's) is kept whole and not checked.
/// </summary>
public static class KindStrategies
{
    private static readonly FrozenDictionary<(string Group, string Kind), KindStrategy> ByKind = new KindStrategy[]
    {
        new PodStrategy(),
        new ServiceStrategy(),
        new WorkloadStrategy("Deployment", GoTypes.WorkloadSpec("v1.DeploymentSpec", replicas: true, ("strategy", GoType.Any), ("paused", GoType.Bool), ("progressDeadlineSeconds", GoType.Int32)), emptySelectorName: "deployment", WorkloadDefaults.Deployment),
        new WorkloadStrategy("ReplicaSet", GoTypes.WorkloadSpec("v1.ReplicaSetSpec", replicas: true), emptySelectorName: "deployment", WorkloadDefaults.ReplicaSet),
        new WorkloadStrategy("DaemonSet", GoTypes.WorkloadSpec("v1.DaemonSetSpec", replicas: false, ("updateStrategy", GoType.Any)), emptySelectorName: "daemonset", WorkloadDefaults.DaemonSet),
        new WorkloadStrategy("StatefulSet", GoTypes.WorkloadSpec("v1.StatefulSetSpec", replicas: true, ("serviceName", GoType.String())), emptySelectorName: "statefulset", specDefaults: null),
        new NetworkPolicyStrategy(),
        new PodDisruptionBudgetStrategy(),
        new SecurityGroupPolicyStrategy(),
        new EniConfigStrategy(),
        new PolicyEndpointStrategy(),
        new NamespaceStrategy(),
        new KindStrategy(string.Empty, "ConfigMap", GoTypes.Kind("v1.ConfigMap", ("data", GoType.MapOf(GoType.String())), ("binaryData", GoType.Any), ("immutable", GoType.Bool))),
        new KindStrategy(string.Empty, "ServiceAccount", GoTypes.Kind("v1.ServiceAccount", ("automountServiceAccountToken", GoType.Bool), ("secrets", GoType.Any), ("imagePullSecrets", GoType.Any))),
        new KindStrategy(string.Empty, "Endpoints", GoTypes.Kind("v1.Endpoints", ("subsets", GoType.SliceOf(GoTypes.EndpointSubset)))),
        new KindStrategy(string.Empty, "Node", GoTypes.Kind("v1.Node", ("spec", GoTypes.NodeSpec), ("status", GoTypes.NodeStatus))),
    }.ToFrozenDictionary(s => (s.Group, s.Kind));

    /// <summary>The strategy of a kind, or null for a kind Podnet does not check.</summary>
    public static KindStrategy? For(KubeResource resource)
    {
        ArgumentNullException.ThrowIfNull(resource);
        return ByKind.GetValueOrDefault((resource.Group, resource.Kind));
    }

    /// <summary>
    /// The API server's answer when <paramref name="json"/> (the object <paramref name="name"/>) does not fit its kind's type, or null when it does. A
    /// built-in kind answers as the decoder does (400: <c>Pod in version "v1" cannot be handled as a Pod: json: …</c>),
    /// a custom resource as its schema does (422 with a cause per field).
    /// </summary>
    public static KubeException? Decode(KubeResource resource, JsonObject json, string name)
    {
        ArgumentNullException.ThrowIfNull(json);
        if (For(resource) is not { } strategy)
        {
            // Any kind's metadata is an ObjectMeta, a kind the API server does not know in detail included.
            return GoJsonDecoder.FirstError(json["metadata"], GoTypes.ObjectMeta) is { } unknownKindError
                ? CannotBeHandled(resource, unknownKindError)
                : null;
        }

        if (!strategy.IsCustomResource)
        {
            return GoJsonDecoder.FirstError(json, strategy.Schema) is { } error ? CannotBeHandled(resource, error) : null;
        }

        if (GoJsonDecoder.FirstError(json["metadata"], GoTypes.ObjectMeta) is { } metaError)
        {
            return CannotBeHandled(resource, metaError);
        }

        // A field the CRD's structural schema does not have (where it does not preserve unknown fields) is the strict
        // decoder's error, as for a built-in kind; under Warn and Ignore it was pruned before (PruneUnknownFields).
        if (GoJsonDecoder.StrictError(json, strategy.Schema) is { } unknownField)
        {
            return CannotBeHandled(resource, unknownField);
        }

        var causes = new List<StatusCause>();
        foreach (var (top, value) in json)
        {
            if (top is not ("apiVersion" or "kind" or "metadata") && strategy.Schema.Field(top) is { } field)
            {
                CrdSchemaValidator.Validate(value, field, top, causes);
            }
        }

        return causes.Count == 0 ? null : KubeException.Invalid(resource, name, causes);
    }

    /// <summary>
    /// Drops the fields a kind does not have (<c>fieldValidation=Ignore</c> or <c>Warn</c>) and returns their paths: a
    /// built-in kind's as its Go types decode, a custom resource's as apiextensions-apiserver prunes what its structural
    /// schema does not declare; an unknown kind's objects are left as they are.
    /// </summary>
    public static IReadOnlyList<string> PruneUnknownFields(KubeResource resource, JsonObject json)
        => For(resource) is { } strategy ? GoJsonDecoder.Prune(json, strategy.Schema) : [];

    /// <summary>
    /// The whole check of one object outside the API server (a file a command reads): decoding, then the kind's
    /// validation; the API server's answer when it would refuse the object, or null.
    /// </summary>
    public static KubeException? Check(KubeResource resource, JsonObject json, string name, ValidationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (Decode(resource, json, name) is { } decodeError)
        {
            return decodeError;
        }

        var causes = new List<StatusCause>();
        For(resource)?.Validate(json, options, causes);
        return causes.Count == 0 ? null : KubeException.Invalid(resource, name, causes);
    }

    /// <summary>The API server's answer to a body that does not decode (transformDecodeError in apiserver's handlers).</summary>
    private static KubeException CannotBeHandled(KubeResource resource, string error)
        => KubeException.BadRequest($"{resource.Kind} in version \"{resource.Version}\" cannot be handled as a {resource.Kind}: {error}");
}
