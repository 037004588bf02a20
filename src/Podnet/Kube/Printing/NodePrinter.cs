using System.Text.Json.Nodes;
using Podnet.Kube.Api;

namespace Podnet.Kube.Printing;

/// <summary>
/// <c>kubectl get nodes</c>: NAME STATUS ROLES AGE VERSION | INTERNAL-IP EXTERNAL-IP OS-IMAGE KERNEL-VERSION
/// CONTAINER-RUNTIME, by pkg/printers/internalversion/printers.go printNode.
/// </summary>
public static class NodePrinter
{
    private const string RolePrefix = "node-role.kubernetes.io/";

    /// <summary>The node columns of printers.go AddHandlers.</summary>
    public static IReadOnlyList<TableColumn> Columns { get; } =
    [
        TableColumn.ObjectName,
        TableColumn.Text("Status", "The status of the node"),
        TableColumn.Text("Roles", "The roles of the node"),
        TableColumn.Age,
        TableColumn.Text("Version", "Kubelet Version reported by the node."),
        TableColumn.Wide("Internal-IP", "List of addresses reachable to the node. Queried from cloud provider, if available."),
        TableColumn.Wide("External-IP", "List of addresses reachable to the node. Queried from cloud provider, if available."),
        TableColumn.Wide("OS-Image", "OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy))."),
        TableColumn.Wide("Kernel-Version", "Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64)."),
        TableColumn.Wide("Container-Runtime", "ContainerRuntime Version reported by the node through runtime remote API (e.g. containerd://1.4.2)."),
    ];

    /// <summary>The node printer registered for core/v1 Node.</summary>
    public static TablePrinter Printer { get; } = new(Columns, Cells);

    /// <summary>
    /// The STATUS cell: "Ready" or "NotReady" from the Ready condition ("Unknown" without one), then
    /// ",SchedulingDisabled" for a cordoned node.
    /// </summary>
    public static string Status(KubeObject node)
    {
        ArgumentNullException.ThrowIfNull(node);
        var ready = TablePrinter.Objects(node.Peek("status.conditions")).LastOrDefault(c => c["type"] is JsonValue t && t.TryGetValue<string>(out var s) && s == "Ready");
        var status = ready is null ? "Unknown" : ready["status"] is JsonValue v && v.TryGetValue<string>(out var value) && value == "True" ? "Ready" : "NotReady";
        return node.Peek("spec.unschedulable") is JsonValue u && u.TryGetValue<bool>(out var cordoned) && cordoned ? status + ",SchedulingDisabled" : status;
    }

    /// <summary>
    /// The ROLES cell (findNodeRoles): the names after <c>node-role.kubernetes.io/</c> and the value of
    /// <c>kubernetes.io/role</c>, sorted and comma-joined, or <c>&lt;none&gt;</c>. (Go returns the set unsorted;
    /// sorted is the one order that does not change between requests.)
    /// </summary>
    public static string Roles(KubeObject node)
    {
        ArgumentNullException.ThrowIfNull(node);
        var roles = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var (key, value) in node.Labels)
        {
            if (key.StartsWith(RolePrefix, StringComparison.Ordinal) && key.Length > RolePrefix.Length)
            {
                roles.Add(key[RolePrefix.Length..]);
            }
            else if (key == "kubernetes.io/role" && value.Length > 0)
            {
                roles.Add(value);
            }
        }

        return roles.Count == 0 ? "<none>" : string.Join(",", roles);
    }

    private static JsonNode?[] Cells(KubeObject node, DateTimeOffset now)
    {
        string Address(string type) => TablePrinter.Objects(node.Peek("status.addresses"))
            .FirstOrDefault(a => a["type"] is JsonValue t && t.TryGetValue<string>(out var s) && s == type)?["address"] is JsonValue v && v.TryGetValue<string>(out var address)
            ? address
            : "<none>";
        string Info(string field) => node.GetString("status.nodeInfo." + field) is { Length: > 0 } value ? value : "<unknown>";
        return
        [
            node.Name,
            Status(node),
            Roles(node),
            TablePrinter.Age(node, now),
            TablePrinter.Text(node, "status.nodeInfo.kubeletVersion"),
            Address("InternalIP"),
            Address("ExternalIP"),
            Info("osImage"),
            Info("kernelVersion"),
            Info("containerRuntimeVersion"),
        ];
    }
}
