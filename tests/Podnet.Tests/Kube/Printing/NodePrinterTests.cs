using Podnet.Kube.Api;
using Podnet.Kube.Printing;

namespace Podnet.Tests.Kube.Printing;

/// <summary>The node table as printers.go printNode fills it.</summary>
public class NodePrinterTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 29, 12, 0, 0, TimeSpan.Zero);

    private static KubeObject Node(string labels, string extra = "") => KubeObject.Parse($$"""
        {"apiVersion":"v1","kind":"Node","metadata":{"name":"ip-192-168-31-166.eu-west-1.compute.internal","creationTimestamp":"2026-11-26T08:30:00Z","labels":{{labels}}},
         "spec":{ {{extra}} },
         "status":{"conditions":[{"type":"MemoryPressure","status":"False"},{"type":"Ready","status":"True"}],
                   "addresses":[{"type":"InternalIP","address":"192.168.31.166"},{"type":"Hostname","address":"ip-192-168-31-166"}],
                   "nodeInfo":{"kubeletVersion":"v1.32.3-eks-473151a","osImage":"Amazon Linux 2023.6.20250203","kernelVersion":"6.1.127-135.201.amzn2023.x86_64","containerRuntimeVersion":"containerd://1.7.25"} } }
        """);

    [Fact]
    public void Node_WithoutRoleLabels_ShowsRolesNone()
    {
        var cells = NodePrinter.Printer.Cells(Node("""{"kubernetes.io/os":"linux"}"""), Now);

        Assert.Equal(
            ["ip-192-168-31-166.eu-west-1.compute.internal", "Ready", "<none>", "3d3h", "v1.32.3-eks-473151a", "192.168.31.166", "<none>", "Amazon Linux 2023.6.20250203", "6.1.127-135.201.amzn2023.x86_64", "containerd://1.7.25"],
            cells.Select(c => c!.GetValue<string>()));
        Assert.Equal(["Name", "Status", "Roles", "Age", "Version", "Internal-IP", "External-IP", "OS-Image", "Kernel-Version", "Container-Runtime"], NodePrinter.Columns.Select(c => c.Name));
    }

    [Fact]
    public void Node_RoleLabels_AreListedSorted()
    {
        var node = Node("""{"node-role.kubernetes.io/worker":"","node-role.kubernetes.io/control-plane":"","kubernetes.io/role":"infra"}""");

        Assert.Equal("control-plane,infra,worker", NodePrinter.Roles(node));
    }

    [Fact]
    public void Node_Cordoned_IsReadySchedulingDisabled()
    {
        Assert.Equal("Ready,SchedulingDisabled", NodePrinter.Status(Node("{}", "\"unschedulable\":true")));
    }

    [Fact]
    public void Node_WithoutAReadyCondition_IsUnknown()
    {
        var node = KubeObject.Parse("""{"apiVersion":"v1","kind":"Node","metadata":{"name":"n"}}""");

        Assert.Equal("Unknown", NodePrinter.Status(node));
        Assert.Equal("<unknown>", NodePrinter.Printer.Cells(node, Now)[7]!.GetValue<string>());
    }
}
