using Podnet.Kube.Api;

namespace Podnet.Kube.Printing;

/// <summary>
/// The table of a built-in kind without a printer (ClusterRole, RoleBinding, CustomResourceDefinition, …):
/// NAME and CREATED AT, a <c>date</c> column whose cell is the RFC3339 creation time, as
/// k8s.io/apiserver pkg/registry/rest/table.go defaultTableConvertor sends it (kubectl prints it as it is:
/// <c>eniconfigs.crd.k8s.amazonaws.com   2026-11-29T06:50:47Z</c>).
/// </summary>
public static class DefaultPrinter
{
    /// <summary>NAME, CREATED AT.</summary>
    public static TablePrinter Printer { get; } = new(
        [TableColumn.ObjectName, new TableColumn("Created At", "date", string.Empty, TableColumn.CreationTimestampDescription)],
        // time.Time.UTC().Format(time.RFC3339); a missing timestamp is Go's zero time.
        (obj, _) => [obj.Name, obj.CreationTimestamp is { } created ? KubeObject.FormatTimestamp(created) : "0001-01-01T00:00:00Z"]);
}
