using Podnet.Kube.Admission;
using Podnet.Kube.Store;

namespace Podnet.ResourceController;

/// <summary>
/// Installs the VPC resource controller's admission webhooks, all <c>failurePolicy: Ignore</c> as in its manifests:
/// <c>mpod.vpc.k8s.aws</c> (mutating), <c>vpod.vpc.k8s.aws</c> and <c>vnode.vpc.k8s.aws</c> (validating).
/// </summary>
public static class ResourceControllerWebhooks
{
    public static void Register(AdmissionChain chain, ObjectStore store)
    {
        ArgumentNullException.ThrowIfNull(chain);
        ArgumentNullException.ThrowIfNull(store);
        bool WindowsIpamEnabled() => WindowsIpamSettings.Read(store).Enabled;
        chain.Register(new PodMutatingWebhook(new SecurityGroupPolicyMatcher(store), WindowsIpamEnabled).ToWebhook());
        chain.Register(PodAnnotationValidatingWebhook.ToWebhook(WindowsIpamEnabled));
        chain.Register(NodeUpdateValidatingWebhook.ToWebhook());
    }

    /// <summary>Removes the webhooks again, as deleting the webhook configurations would.</summary>
    public static void Unregister(AdmissionChain chain)
    {
        ArgumentNullException.ThrowIfNull(chain);
        chain.Unregister(ResourceControllerNames.MutatingPodWebhook);
        chain.Unregister(ResourceControllerNames.ValidatingPodWebhook);
        chain.Unregister(ResourceControllerNames.ValidatingNodeWebhook);
    }
}
