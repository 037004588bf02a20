using Podnet.Kube.Api;

namespace Podnet.Kube.Admission;

/// <summary>
/// The ServiceAccount admission plugin: a pod may only name a service account that exists in its namespace.
/// </summary>
public sealed class ServiceAccountAdmission : IAdmissionPlugin
{
    private readonly Func<string, string, bool> _exists;

    /// <param name="exists">Whether the service account (namespace, name) exists.</param>
    public ServiceAccountAdmission(Func<string, string, bool> exists)
    {
        _exists = exists;
    }

    public KubeObject? Mutate(AdmissionRequest request)
    {
        if (request is { Operation: AdmissionOperation.Create, Resource: { Group: "", Kind: "Pod" }, Object: { } pod })
        {
            var ns = request.Namespace ?? "default";
            var account = pod.GetString("spec.serviceAccountName") ?? "default";
            if (!_exists(ns, account))
            {
                throw KubeException.Forbidden(request.Resource, pod.Name, $"error looking up service account {ns}/{account}: serviceaccount \"{account}\" not found");
            }
        }

        return request.Object;
    }
}
