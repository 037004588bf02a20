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
        if (request.Object is { } obj && request.Operation != AdmissionOperation.Delete && KindStrategies.Decode(request.Resource, obj.Raw, obj.Name) is { } error)
        {
            throw error;
        }

        return request.Object;
    }
}
