using Podnet.Kube.Api;
using Podnet.Kube.Validation;

namespace Podnet.Kube.Admission;

/// <summary>
/// The API server's defaulting and the built-in mutating plugins that matter for networking, from each kind's
/// <see cref="KindStrategy.Default"/>: namespace name label, pod and container defaults, the ServiceAccount plugin,
/// default tolerations, workload defaults and NetworkPolicy policyTypes.
/// </summary>
public sealed class ObjectDefaults : IAdmissionPlugin
{
    /// <inheritdoc/>
    public KubeObject? Mutate(AdmissionRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        // The status subresource changes nothing but status, which has no defaults.
        if (request.Object is not { } obj || request.Operation == AdmissionOperation.Delete || request.SubResource == "status"
            || KindStrategies.For(request.Resource) is not { HasDefaults: true } strategy)
        {
            return request.Object;
        }

        var create = request.Operation == AdmissionOperation.Create;
        if (request.Owned)
        {
            // The write's own object is defaulted in place (a copy of a whole pod per write was most of a create's
            // cost); a new KubeObject over it, so no label or annotation read before defaulting is kept cached.
            strategy.Default(obj.Raw, create);
            return KubeObject.Adopt(obj.Raw);
        }

        return obj.With(json => strategy.Default(json, create));
    }
}
