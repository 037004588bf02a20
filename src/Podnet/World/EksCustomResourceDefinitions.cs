using Podnet.Kube.Api;
using Podnet.Kube.Store;
using Podnet.Kube.Validation;

namespace Podnet.World;

/// <summary>
/// The CustomResourceDefinitions an EKS cluster has from its creation, for the kinds Podnet models:
/// <c>securitygrouppolicies.vpcresources.k8s.aws</c> and <c>cninodes.vpcresources.k8s.aws</c> (the VPC resource
/// controller's, which EKS runs in the control plane), <c>eniconfigs.crd.k8s.amazonaws.com</c> and
/// <c>policyendpoints.networking.k8s.aws</c> (the VPC CNI's chart installs both, charts/aws-vpc-cni/crds), so
/// <c>kubectl get crd</c> lists them as on EKS. Each is built from the schema Podnet checks the kind by
/// (<see cref="StructuralSchema"/>, without the real definitions' descriptions) and its registration (names, scope,
/// status subresource, printer columns), established when the cluster is made.
/// </summary>
public static class EksCustomResourceDefinitions
{
    /// <summary>The kinds whose definitions EKS installs, as Podnet registers them.</summary>
    public static IReadOnlyList<KubeResource> Kinds { get; } =
        [.. KubeResources.BuiltIn.Where(r => r.IsCustomResource && r.Kind is "SecurityGroupPolicy" or "CNINode" or "ENIConfig" or "PolicyEndpoint")];

    /// <summary>Creates the definitions <paramref name="store"/> does not hold yet (a world may carry them, as a snapshot does).</summary>
    public static void Create(ObjectStore store, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(time);
        var definitions = store.Resources.For("apiextensions.k8s.io/v1", "CustomResourceDefinition");
        foreach (var resource in Kinds)
        {
            // A kind Podnet does not check field by field (CNINode) keeps what it is given, as an open schema does.
            var schema = StructuralSchema.Of(KindStrategies.For(resource)?.Schema ?? GoType.Any);
            var crd = KubeObject.From(CustomResourceDefinitions.Definition(resource, schema, time.GetUtcNow()));
            if (store.TryGet(definitions, null, crd.Name) is null)
            {
                store.Create(crd, RequestContext.Admin, keepStatus: true);
            }
        }
    }
}
