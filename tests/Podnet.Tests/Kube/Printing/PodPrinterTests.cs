using Podnet.Kube.Api;
using Podnet.Kube.Printing;

namespace Podnet.Tests.Kube.Printing;

/// <summary>The pod table as printers.go printPod fills it.</summary>
public class PodPrinterTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 29, 12, 0, 0, TimeSpan.Zero);

    private static KubeObject Pod(string spec, string status) => KubeObject.Parse($$"""
        {"apiVersion":"v1","kind":"Pod","metadata":{"name":"web","namespace":"default","creationTimestamp":"2026-11-29T11:50:00Z"},
         "spec":{{spec}},"status":{{status}}}
        """);

    private static readonly KubeObject Running = Pod(
        """{"nodeName":"ip-10-0-1-5","containers":[{"name":"app","image":"nginx"}]}""",
        """{"phase":"Running","podIP":"10.0.1.77","podIPs":[{"ip":"10.0.1.77"}],"conditions":[{"type":"Ready","status":"True"}], "containerStatuses":[{"name":"app","ready":true,"restartCount":0,"state":{"running":{"startedAt":"2026-11-29T11:51:00Z"}}}]}""");

    [Fact]
    public void Pod_RunningOneOfOne_ShowsReadyStatusRestartsAndAge()
    {
        var cells = PodPrinter.Printer.Cells(Running, Now);

        Assert.Equal(["web", "1/1", "Running", "0", "10m"], cells.Take(5).Select(c => c!.GetValue<string>()));
    }

    [Fact]
    public void Pod_WideColumnsShowIpAndNode()
    {
        var columns = PodPrinter.Printer.Columns;
        var cells = PodPrinter.Printer.Cells(Running, Now);

        Assert.Equal(["Name", "Ready", "Status", "Restarts", "Age", "IP", "Node", "Nominated Node", "Readiness Gates"], columns.Select(c => c.Name));
        Assert.Equal([0, 0, 0, 0, 0, 1, 1, 1, 1], columns.Select(c => c.Priority));
        Assert.Equal("name", columns[0].Format);
        Assert.Equal(["10.0.1.77", "ip-10-0-1-5", "<none>", "<none>"], cells.Skip(5).Select(c => c!.GetValue<string>()));
    }

    [Fact]
    public void Pod_WaitingOnItsFirstInitContainer_IsInitZeroOfOne()
    {
        var pod = Pod(
            """{"initContainers":[{"name":"setup","image":"busybox"}],"containers":[{"name":"app","image":"nginx"}]}""",
            """{"phase":"Pending","initContainerStatuses":[{"name":"setup","ready":false,"restartCount":0,"state":{"running":{}}}], "containerStatuses":[{"name":"app","ready":false,"restartCount":0,"state":{"waiting":{"reason":"PodInitializing"}}}]}""");

        Assert.Equal("Init:0/1", PodPrinter.Status(pod));
        Assert.Equal("0/1", PodPrinter.Ready(pod));
    }

    [Fact]
    public void Pod_InitDoneAndContainerWaiting_IsPodInitializing()
    {
        var pod = Pod(
            """{"initContainers":[{"name":"setup","image":"busybox"}],"containers":[{"name":"app","image":"nginx"}]}""",
            """{"phase":"Pending","conditions":[{"type":"Initialized","status":"True"}], "initContainerStatuses":[{"name":"setup","ready":true,"restartCount":0,"state":{"terminated":{"exitCode":0,"reason":"Completed"}}}], "containerStatuses":[{"name":"app","ready":false,"restartCount":0,"state":{"waiting":{"reason":"PodInitializing"}}}]}""");

        Assert.Equal("PodInitializing", PodPrinter.Status(pod));
    }

    [Fact]
    public void Pod_WaitingForItsSandbox_IsContainerCreating()
    {
        var pod = Pod(
            """{"containers":[{"name":"app","image":"nginx"}]}""",
            """{"phase":"Pending","containerStatuses":[{"name":"app","ready":false,"restartCount":0,"state":{"waiting":{"reason":"ContainerCreating"}}}]}""");

        Assert.Equal("ContainerCreating", PodPrinter.Status(pod));
        Assert.Equal("0/1", PodPrinter.Ready(pod));
    }

    [Fact]
    public void Pod_RestartedContainer_ShowsHowLongAgoItLastRestarted()
    {
        var pod = Pod(
            """{"containers":[{"name":"app","image":"nginx"},{"name":"sidecar","image":"envoy"}]}""",
            """{"phase":"Running","containerStatuses":[ {"name":"app","ready":true,"restartCount":2,"state":{"running":{}},"lastState":{"terminated":{"exitCode":1,"finishedAt":"2026-11-29T11:55:00Z"}}}, {"name":"sidecar","ready":true,"restartCount":0,"state":{"running":{}}}]}""");

        Assert.Equal("2 (5m ago)", PodPrinter.Restarts(pod, Now));
        Assert.Equal("2/2", PodPrinter.Ready(pod));
    }

    [Fact]
    public void Pod_RestartsWithoutAFinishTime_AreACountOnly()
    {
        var pod = Pod(
            """{"containers":[{"name":"app","image":"nginx"}]}""",
            """{"phase":"Running","containerStatuses":[{"name":"app","ready":false,"restartCount":3,"state":{"waiting":{"reason":"CrashLoopBackOff"}}}]}""");

        Assert.Equal("3", PodPrinter.Restarts(pod, Now));
        Assert.Equal("CrashLoopBackOff", PodPrinter.Status(pod));
    }

    [Fact]
    public void Pod_BeingDeleted_IsTerminatingUnlessItFinished()
    {
        var deleting = Running.WithMetadata("deletionTimestamp", "2026-11-29T11:59:00Z");
        var finished = Pod("""{"containers":[{"name":"app","image":"nginx"}]}""", """{"phase":"Succeeded"}""").WithMetadata("deletionTimestamp", "2026-11-29T11:59:00Z");

        Assert.Equal("Terminating", PodPrinter.Status(deleting));
        Assert.Equal("Succeeded", PodPrinter.Status(finished));
    }

    [Fact]
    public void Pod_SidecarInitContainer_CountsAsAContainer()
    {
        var pod = Pod(
            """{"initContainers":[{"name":"proxy","image":"envoy","restartPolicy":"Always"}],"containers":[{"name":"app","image":"nginx"}]}""",
            """{"phase":"Running","conditions":[{"type":"Initialized","status":"True"}], "initContainerStatuses":[{"name":"proxy","ready":true,"started":true,"restartCount":1,"state":{"running":{}}}], "containerStatuses":[{"name":"app","ready":true,"restartCount":0,"state":{"running":{}}}]}""");

        Assert.Equal("2/2", PodPrinter.Ready(pod));
        Assert.Equal("Running", PodPrinter.Status(pod));
        Assert.Equal("1", PodPrinter.Restarts(pod, Now));
    }

    [Fact]
    public void Pod_ReadinessGates_CountTheTrueConditions()
    {
        var pod = Pod(
            """{"containers":[{"name":"app","image":"nginx"}],"readinessGates":[{"conditionType":"example.com/lb"},{"conditionType":"example.com/dns"}]}""",
            """{"phase":"Running","conditions":[{"type":"example.com/lb","status":"True"},{"type":"example.com/dns","status":"False"}]}""");

        Assert.Equal("1/2", PodPrinter.Printer.Cells(pod, Now)[8]!.GetValue<string>());
    }
}
