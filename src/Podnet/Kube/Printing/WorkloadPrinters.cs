using System.Globalization;
using System.Text.Json.Nodes;
using Podnet.Kube.Api;

namespace Podnet.Kube.Printing;

/// <summary>
/// The apps/v1 controllers in <c>kubectl get</c>: DaemonSet, Deployment, ReplicaSet and StatefulSet, by
/// pkg/printers/internalversion/printers.go printDaemonSet, printDeployment, printReplicaSet and printStatefulSet.
/// Counts the Go printers append as int64 (or *int32) are JSON integers; READY of a Deployment is a "1/3" string.
/// </summary>
public static class WorkloadPrinters
{
    private static readonly TableColumn Containers = TableColumn.Wide("Containers", "Names of each container in the template.");
    private static readonly TableColumn Images = TableColumn.Wide("Images", "Images referenced by each container in the template.");
    private static readonly TableColumn Selector = TableColumn.Wide("Selector", "A label query over pods that should match the replica count. It must match the pod template's labels.");

    /// <summary>printDaemonSet: NAME DESIRED CURRENT READY UP-TO-DATE AVAILABLE NODE SELECTOR AGE | CONTAINERS IMAGES SELECTOR.</summary>
    public static TablePrinter DaemonSet { get; } = new(
        [
            TableColumn.ObjectName,
            TableColumn.Integer("Desired", "The total number of nodes that should be running the daemon pod (including nodes correctly running the daemon pod)."),
            TableColumn.Integer("Current", "The number of nodes that are running at least 1 daemon pod and are supposed to run the daemon pod."),
            TableColumn.Integer("Ready", "numberReady is the number of nodes that should be running the daemon pod and have one or more of the daemon pod running with a Ready Condition."),
            TableColumn.Integer("Up-to-date", "The total number of nodes that are running updated daemon pod"),
            TableColumn.Integer("Available", "The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and available (ready for at least spec.minReadySeconds)"),
            TableColumn.Text("Node Selector", "NodeSelector is a selector which must be true for the pod to fit on a node."),
            TableColumn.Age,
            Containers,
            Images,
            Selector,
        ],
        (ds, now) =>
        {
            var (names, images) = TablePrinter.ContainerCells(ds, "spec.template.spec.containers");
            return
            [
                ds.Name,
                TablePrinter.Number(ds, "status.desiredNumberScheduled"),
                TablePrinter.Number(ds, "status.currentNumberScheduled"),
                TablePrinter.Number(ds, "status.numberReady"),
                TablePrinter.Number(ds, "status.updatedNumberScheduled"),
                TablePrinter.Number(ds, "status.numberAvailable"),
                TablePrinter.FormatLabels(ds.Peek("spec.template.spec.nodeSelector")),
                TablePrinter.Age(ds, now),
                names,
                images,
                TablePrinter.FormatLabelSelector(ds.Peek("spec.selector")),
            ];
        });

    /// <summary>printDeployment: NAME READY UP-TO-DATE AVAILABLE AGE | CONTAINERS IMAGES SELECTOR (READY is "ready/desired").</summary>
    public static TablePrinter Deployment { get; } = new(
        [
            TableColumn.ObjectName,
            TableColumn.Text("Ready", "Number of the pod with ready state"),
            TableColumn.Text("Up-to-date", "Total number of non-terminated pods targeted by this deployment that have the desired template spec."),
            TableColumn.Text("Available", "Total number of available pods (ready for at least minReadySeconds) targeted by this deployment."),
            TableColumn.Age,
            Containers,
            Images,
            Selector,
        ],
        (deployment, now) =>
        {
            var (names, images) = TablePrinter.ContainerCells(deployment, "spec.template.spec.containers");
            return
            [
                deployment.Name,
                ReadyOfDesired(deployment),
                TablePrinter.Number(deployment, "status.updatedReplicas"),
                TablePrinter.Number(deployment, "status.availableReplicas"),
                TablePrinter.Age(deployment, now),
                names,
                images,
                TablePrinter.FormatLabelSelector(deployment.Peek("spec.selector"), empty: string.Empty),
            ];
        });

    /// <summary>printReplicaSet: NAME DESIRED CURRENT READY AGE | CONTAINERS IMAGES SELECTOR.</summary>
    public static TablePrinter ReplicaSet { get; } = new(
        [
            TableColumn.ObjectName,
            TableColumn.Integer("Desired", "Replicas is the number of desired pods."),
            TableColumn.Integer("Current", "Replicas is the most recently observed number of non-terminating pods."),
            TableColumn.Integer("Ready", "The number of non-terminating pods targeted by this ReplicaSet with a Ready Condition."),
            TableColumn.Age,
            Containers,
            Images,
            Selector,
        ],
        (rs, now) =>
        {
            var (names, images) = TablePrinter.ContainerCells(rs, "spec.template.spec.containers");
            return
            [
                rs.Name,
                TablePrinter.Number(rs, "spec.replicas"),
                TablePrinter.Number(rs, "status.replicas"),
                TablePrinter.Number(rs, "status.readyReplicas"),
                TablePrinter.Age(rs, now),
                names,
                images,
                TablePrinter.FormatLabelSelector(rs.Peek("spec.selector")),
            ];
        });

    /// <summary>printStatefulSet: NAME READY AGE | CONTAINERS IMAGES.</summary>
    public static TablePrinter StatefulSet { get; } = new(
        [TableColumn.ObjectName, TableColumn.Text("Ready", "Number of the pod with ready state"), TableColumn.Age, Containers, Images],
        (sts, now) =>
        {
            var (names, images) = TablePrinter.ContainerCells(sts, "spec.template.spec.containers");
            return [sts.Name, ReadyOfDesired(sts), TablePrinter.Age(sts, now), names, images];
        });

    private static string ReadyOfDesired(KubeObject obj)
        => string.Create(CultureInfo.InvariantCulture, $"{TablePrinter.Number(obj, "status.readyReplicas")}/{TablePrinter.Number(obj, "spec.replicas")}");
}
