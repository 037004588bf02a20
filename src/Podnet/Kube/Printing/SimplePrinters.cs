using System.Text.Json.Nodes;
using Podnet.Kube.Api;

namespace Podnet.Kube.Printing;

/// <summary>
/// The kinds whose row is the name, one field or count, and the age, by pkg/printers/internalversion/printers.go
/// printNamespace, printServiceAccount, printConfigMap, printSecret, printLease, printNetworkPolicy and
/// printPodDisruptionBudget.
/// </summary>
public static class SimplePrinters
{
    /// <summary>printNamespace: NAME STATUS AGE.</summary>
    public static TablePrinter Namespace { get; } = new(
        [TableColumn.ObjectName, TableColumn.Text("Status", "The status of the namespace"), TableColumn.Age],
        (ns, now) => [ns.Name, TablePrinter.Text(ns, "status.phase"), TablePrinter.Age(ns, now)]);

    /// <summary>printServiceAccount: NAME SECRETS AGE (SECRETS an integer count of <c>secrets</c>).</summary>
    public static TablePrinter ServiceAccount { get; } = new(
        [TableColumn.ObjectName, TableColumn.Text("Secrets", "Secrets is a list of the secrets in the same namespace that pods running using this ServiceAccount are allowed to use."), TableColumn.Age],
        (sa, now) => [sa.Name, Count(sa.Peek("secrets")), TablePrinter.Age(sa, now)]);

    /// <summary>printConfigMap: NAME DATA AGE (DATA counts <c>data</c> and <c>binaryData</c> keys).</summary>
    public static TablePrinter ConfigMap { get; } = new(
        [TableColumn.ObjectName, TableColumn.Text("Data", "Data contains the configuration data."), TableColumn.Age],
        (cm, now) => [cm.Name, Count(cm.Peek("data")) + Count(cm.Peek("binaryData")), TablePrinter.Age(cm, now)]);

    /// <summary>printSecret: NAME TYPE DATA AGE.</summary>
    public static TablePrinter Secret { get; } = new(
        [TableColumn.ObjectName, TableColumn.Text("Type", "Used to facilitate programmatic handling of secret data."), TableColumn.Text("Data", "Data contains the secret data."), TableColumn.Age],
        (secret, now) => [secret.Name, TablePrinter.Text(secret, "type"), Count(secret.Peek("data")), TablePrinter.Age(secret, now)]);

    /// <summary>printLease: NAME HOLDER AGE.</summary>
    public static TablePrinter Lease { get; } = new(
        [TableColumn.ObjectName, TableColumn.Text("Holder", "holderIdentity contains the identity of the holder of a current lease."), TableColumn.Age],
        (lease, now) => [lease.Name, TablePrinter.Text(lease, "spec.holderIdentity"), TablePrinter.Age(lease, now)]);

    /// <summary>printNetworkPolicy: NAME POD-SELECTOR AGE (an empty selector prints &lt;none&gt;).</summary>
    public static TablePrinter NetworkPolicy { get; } = new(
        [TableColumn.ObjectName, TableColumn.Text("Pod-Selector", "Selects the pods to which this NetworkPolicy object applies."), TableColumn.Age],
        (policy, now) => [policy.Name, TablePrinter.FormatLabelSelector(policy.Peek("spec.podSelector")), TablePrinter.Age(policy, now)]);

    /// <summary>
    /// printPodDisruptionBudget: NAME MIN-AVAILABLE MAX-UNAVAILABLE ALLOWED-DISRUPTIONS AGE (an unset bound prints N/A, a
    /// percentage as it is written).
    /// </summary>
    public static TablePrinter PodDisruptionBudget { get; } = new(
        [
            TableColumn.ObjectName,
            TableColumn.Text("Min Available", "The minimum number of pods that must be available."),
            TableColumn.Text("Max Unavailable", "The maximum number of pods that may be unavailable."),
            TableColumn.Integer("Allowed Disruptions", "Calculated number of pods that may be disrupted at this time."),
            TableColumn.Age,
        ],
        (budget, now) =>
        [
            budget.Name,
            budget.Peek("spec.minAvailable")?.ToString() ?? "N/A",
            budget.Peek("spec.maxUnavailable")?.ToString() ?? "N/A",
            TablePrinter.Number(budget, "status.disruptionsAllowed"),
            TablePrinter.Age(budget, now),
        ]);

    private static long Count(JsonNode? node) => node switch
    {
        JsonObject o => o.Count,
        JsonArray a => a.Count,
        _ => 0,
    };
}
