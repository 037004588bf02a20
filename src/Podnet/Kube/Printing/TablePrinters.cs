using System.Collections.Frozen;
using Podnet.Kube.Api;

namespace Podnet.Kube.Printing;

/// <summary>
/// Which printer a served resource has, as the API server wires it per storage: a built-in kind's printer from
/// pkg/printers/internalversion (looked up by group and kind, so every version prints alike), a custom resource's
/// from its printer columns, and for any other kind the default NAME / CREATED AT convertor.
/// </summary>
public static class TablePrinters
{
    private static readonly FrozenDictionary<(string Group, string Kind), TablePrinter> BuiltIn = new Dictionary<(string Group, string Kind), TablePrinter>
    {
        [(string.Empty, "Pod")] = PodPrinter.Printer,
        [(string.Empty, "Node")] = NodePrinter.Printer,
        [(string.Empty, "Namespace")] = SimplePrinters.Namespace,
        [(string.Empty, "Service")] = ServicePrinters.Service,
        [(string.Empty, "Endpoints")] = ServicePrinters.Endpoints,
        [(string.Empty, "ServiceAccount")] = SimplePrinters.ServiceAccount,
        [(string.Empty, "ConfigMap")] = SimplePrinters.ConfigMap,
        [(string.Empty, "Secret")] = SimplePrinters.Secret,
        [(string.Empty, "Event")] = EventPrinter.Printer,
        [("events.k8s.io", "Event")] = EventPrinter.Printer,
        [("apps", "DaemonSet")] = WorkloadPrinters.DaemonSet,
        [("apps", "Deployment")] = WorkloadPrinters.Deployment,
        [("apps", "ReplicaSet")] = WorkloadPrinters.ReplicaSet,
        [("apps", "StatefulSet")] = WorkloadPrinters.StatefulSet,
        [("networking.k8s.io", "NetworkPolicy")] = SimplePrinters.NetworkPolicy,
        [("coordination.k8s.io", "Lease")] = SimplePrinters.Lease,
        [("policy", "PodDisruptionBudget")] = SimplePrinters.PodDisruptionBudget,
    }.ToFrozenDictionary();

    /// <summary>The printer of <paramref name="resource"/>; never null.</summary>
    public static TablePrinter For(KubeResource resource)
    {
        ArgumentNullException.ThrowIfNull(resource);
        if (resource.IsCustomResource)
        {
            return CustomResourcePrinter.For(resource.AdditionalPrinterColumns);
        }

        return BuiltIn.TryGetValue((resource.Group, resource.Kind), out var printer) ? printer : DefaultPrinter.Printer;
    }
}
