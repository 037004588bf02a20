using System.Globalization;
using System.Text.Json.Nodes;
using Podnet.Kube.Api;

namespace Podnet.Kube.Printing;

/// <summary>
/// <c>kubectl get pods</c>: NAME READY STATUS RESTARTS AGE | IP NODE NOMINATED NODE READINESS GATES, by
/// pkg/printers/internalversion/printers.go printPod (Kubernetes 1.32: restartable init containers count as
/// containers, SchedulingGated, Terminating only for a pod not yet Succeeded or Failed, "2 (5m ago)" restarts).
/// </summary>
public static class PodPrinter
{
    /// <summary>The pod columns of printers.go AddHandlers (RESTARTS is a string column since it gained "(5m ago)").</summary>
    public static IReadOnlyList<TableColumn> Columns { get; } =
    [
        TableColumn.ObjectName,
        TableColumn.Text("Ready", "The aggregate readiness state of this pod for accepting traffic."),
        TableColumn.Text("Status", "The aggregate status of the containers in this pod."),
        TableColumn.Text("Restarts", "The number of times the containers in this pod have been restarted and when the last container in this pod has restarted."),
        TableColumn.Age,
        TableColumn.Wide("IP", "podIP address allocated to the pod. Routable at least within the cluster. Empty if not yet allocated."),
        TableColumn.Wide("Node", "NodeName indicates in which node this pod is scheduled."),
        TableColumn.Wide("Nominated Node", "nominatedNodeName is set only when this pod preempts other pods on the node, but it cannot be scheduled right away as preemption victims receive their graceful termination periods."),
        TableColumn.Wide("Readiness Gates", "If specified, all readiness gates will be evaluated for pod readiness."),
    ];

    /// <summary>The pod printer registered for core/v1 Pod.</summary>
    public static TablePrinter Printer { get; } = new(Columns, Cells, RowConditions);

    /// <summary>The STATUS cell: Running, Pending, ContainerCreating, Init:0/1, Init:CrashLoopBackOff, Completed, Terminating, …</summary>
    public static string Status(KubeObject pod) => Summarize(pod).Reason;

    /// <summary>The READY cell: ready containers / containers (restartable init containers included), "1/1".</summary>
    public static string Ready(KubeObject pod)
    {
        var summary = Summarize(pod);
        return string.Create(CultureInfo.InvariantCulture, $"{summary.Ready}/{summary.Total}");
    }

    /// <summary>
    /// The RESTARTS cell: "0", or "2 (5m ago)" when a restarted container's <c>lastState.terminated.finishedAt</c>
    /// is known, its age taken at <paramref name="now"/>.
    /// </summary>
    public static string Restarts(KubeObject pod, DateTimeOffset now) => Restarts(Summarize(pod), now);

    private static string Restarts(Summary summary, DateTimeOffset now)
    {
        var count = summary.Restarts.ToString(CultureInfo.InvariantCulture);
        return summary.Restarts != 0 && summary.LastRestart is { } last ? $"{count} ({HumanDuration.Since(last, now)} ago)" : count;
    }

    private static JsonNode?[] Cells(KubeObject pod, DateTimeOffset now)
    {
        var json = pod.Raw;
        var ip = TablePrinter.Objects(json["status"]?["podIPs"]).Select(p => p["ip"] is JsonValue v && v.TryGetValue<string>(out var s) ? s : string.Empty).FirstOrDefault()
                 ?? pod.GetString("status.podIP"); // the v1 → internal conversion fills podIPs from podIP
        // One walk over the container statuses gives READY, STATUS and RESTARTS, as printPod's single loop does.
        var summary = Summarize(pod);
        return
        [
            pod.Name,
            string.Create(CultureInfo.InvariantCulture, $"{summary.Ready}/{summary.Total}"),
            summary.Reason,
            Restarts(summary, now),
            TablePrinter.Age(pod, now),
            OrNone(ip),
            OrNone(pod.GetString("spec.nodeName")),
            OrNone(pod.GetString("status.nominatedNodeName")),
            ReadinessGates(json),
        ];
    }

    /// <summary>printPod's podSuccessConditions and podFailedConditions: a finished pod's row is Completed.</summary>
    private static JsonArray? RowConditions(KubeObject pod) => pod.GetString("status.phase") switch
    {
        "Succeeded" => [Completed("Succeeded", "The pod has completed successfully.")],
        "Failed" => [Completed("Failed", "The pod failed.")],
        _ => null,
    };

    private static JsonObject Completed(string reason, string message)
        => new() { ["type"] = "Completed", ["status"] = "True", ["reason"] = reason, ["message"] = message };

    private static string OrNone(string? value) => string.IsNullOrEmpty(value) ? "<none>" : value;

    private static string ReadinessGates(JsonObject pod)
    {
        var gates = TablePrinter.Objects(pod["spec"]?["readinessGates"]);
        if (gates.Count == 0)
        {
            return "<none>";
        }

        var conditions = TablePrinter.Objects(pod["status"]?["conditions"]);
        var met = gates.Count(g => conditions.FirstOrDefault(c => Str(c["type"]) == Str(g["conditionType"])) is { } c && Str(c["status"]) == "True");
        return string.Create(CultureInfo.InvariantCulture, $"{met}/{gates.Count}");
    }

    private static string? Str(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    private sealed record Summary(int Ready, int Total, string Reason, long Restarts, DateTimeOffset? LastRestart);

    /// <summary>printPod's walk over the init container statuses, then the container statuses from the last.</summary>
    private static Summary Summarize(KubeObject pod)
    {
        var json = pod.Raw;
        var spec = json["spec"] as JsonObject ?? [];
        var status = json["status"] as JsonObject ?? [];
        var phase = Str(status["phase"]) ?? string.Empty;
        var reason = Str(status["reason"]) is { Length: > 0 } r ? r : phase;
        var conditions = TablePrinter.Objects(status["conditions"]);
        if (conditions.Any(c => Str(c["type"]) == "PodScheduled" && Str(c["reason"]) == "SchedulingGated"))
        {
            reason = "SchedulingGated";
        }

        var total = TablePrinter.Objects(spec["containers"]).Count;
        var restartable = new HashSet<string>(StringComparer.Ordinal);
        var initContainers = TablePrinter.Objects(spec["initContainers"]);
        foreach (var init in initContainers.Where(c => Str(c["restartPolicy"]) == "Always"))
        {
            restartable.Add(Str(init["name"]) ?? string.Empty);
            total++;
        }

        var ready = 0;
        long restarts = 0;
        long restartableRestarts = 0;
        DateTimeOffset? lastRestart = null;
        DateTimeOffset? lastRestartableRestart = null;
        var initializing = false;
        var initStatuses = TablePrinter.Objects(status["initContainerStatuses"]);
        for (var i = 0; i < initStatuses.Count; i++)
        {
            var container = initStatuses[i];
            var count = TablePrinter.Integer(container["restartCount"]) ?? 0;
            var finished = TablePrinter.Timestamp(container["lastState"]?["terminated"]?["finishedAt"]);
            restarts += count;
            lastRestart = Later(lastRestart, finished);
            var isRestartable = restartable.Contains(Str(container["name"]) ?? string.Empty);
            if (isRestartable)
            {
                restartableRestarts += count;
                lastRestartableRestart = Later(lastRestartableRestart, finished);
            }

            var terminated = container["state"]?["terminated"] as JsonObject;
            var waitingReason = Str(container["state"]?["waiting"]?["reason"]);
            if (terminated is not null && (TablePrinter.Integer(terminated["exitCode"]) ?? 0) == 0)
            {
                continue;
            }

            if (isRestartable && container["started"] is JsonValue started && started.TryGetValue<bool>(out var s) && s)
            {
                if (IsTrue(container["ready"]))
                {
                    ready++;
                }

                continue;
            }

            if (terminated is not null)
            {
                reason = Str(terminated["reason"]) is { Length: > 0 } why
                    ? "Init:" + why
                    : TablePrinter.Integer(terminated["signal"]) is { } signal and not 0
                        ? string.Create(CultureInfo.InvariantCulture, $"Init:Signal:{signal}")
                        : string.Create(CultureInfo.InvariantCulture, $"Init:ExitCode:{TablePrinter.Integer(terminated["exitCode"]) ?? 0}");
            }
            else if (waitingReason is { Length: > 0 } && waitingReason != "PodInitializing")
            {
                reason = "Init:" + waitingReason;
            }
            else
            {
                reason = string.Create(CultureInfo.InvariantCulture, $"Init:{i}/{initContainers.Count}");
            }

            initializing = true;
            break;
        }

        if (!initializing || conditions.Any(c => Str(c["type"]) == "Initialized" && Str(c["status"]) == "True"))
        {
            restarts = restartableRestarts;
            lastRestart = lastRestartableRestart;
            var hasRunning = false;
            var statuses = TablePrinter.Objects(status["containerStatuses"]);
            for (var i = statuses.Count - 1; i >= 0; i--)
            {
                var container = statuses[i];
                restarts += TablePrinter.Integer(container["restartCount"]) ?? 0;
                lastRestart = Later(lastRestart, TablePrinter.Timestamp(container["lastState"]?["terminated"]?["finishedAt"]));
                var terminated = container["state"]?["terminated"] as JsonObject;
                if (Str(container["state"]?["waiting"]?["reason"]) is { Length: > 0 } waiting)
                {
                    reason = waiting;
                }
                else if (terminated is not null)
                {
                    reason = Str(terminated["reason"]) is { Length: > 0 } why
                        ? why
                        : TablePrinter.Integer(terminated["signal"]) is { } signal and not 0
                            ? string.Create(CultureInfo.InvariantCulture, $"Signal:{signal}")
                            : string.Create(CultureInfo.InvariantCulture, $"ExitCode:{TablePrinter.Integer(terminated["exitCode"]) ?? 0}");
                }
                else if (IsTrue(container["ready"]) && container["state"]?["running"] is not null)
                {
                    hasRunning = true;
                    ready++;
                }
            }

            // A pod with a container still running is Running (or NotReady), not Completed.
            if (reason == "Completed" && hasRunning)
            {
                reason = conditions.Any(c => Str(c["type"]) == "Ready" && Str(c["status"]) == "True") ? "Running" : "NotReady";
            }
        }

        if (pod.IsTerminating && Str(status["reason"]) == "NodeLost")
        {
            reason = "Unknown";
        }
        else if (pod.IsTerminating && phase is not ("Succeeded" or "Failed"))
        {
            reason = "Terminating";
        }

        return new Summary(ready, total, reason, restarts, lastRestart);
    }

    private static bool IsTrue(JsonNode? node) => node is JsonValue v && v.TryGetValue<bool>(out var b) && b;

    private static DateTimeOffset? Later(DateTimeOffset? a, DateTimeOffset? b) => a is null ? b : b is null ? a : (b > a ? b : a);
}
