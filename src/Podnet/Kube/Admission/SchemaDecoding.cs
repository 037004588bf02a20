using Podnet.Kube.Api;
using Podnet.Kube.Validation;

namespace Podnet.Kube.Admission;

/// <summary>
/// The API server decodes a request body into its kind's Go type before anything else sees it; a body that does not
/// fit (a number where a string belongs, a list where an object belongs) is answered 400 and goes no further. This
/// plugin runs first in the chain, so defaulting, validation, webhooks and controllers only read well-typed objects.
/// </summary>
public sealed class SchemaDecoding : IAdmissionPlugin
{
    /// <inheritdoc/>
    public KubeObject? Mutate(AdmissionRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        // A status update carries the stored, already decoded object with a new status. A client's status was decoded
        // where it arrived (the API server's edge decodes a PUT's body; the store decodes a patch's result), so the
        // whole object is not decoded again for every status update a kubelet makes.
        if (request.Object is { } obj && request.Operation != AdmissionOperation.Delete && request.SubResource != "status"
            && KindStrategies.Decode(request.Resource, obj.Raw, obj.Name) is { } error)
        {
            throw error;
        }

        return request.Object;
    }
}
