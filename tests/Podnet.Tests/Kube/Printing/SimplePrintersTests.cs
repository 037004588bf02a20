using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Podnet.Kube.Api;
using Podnet.Kube.Printing;

namespace Podnet.Tests.Kube.Printing;

/// <summary>The one-field kinds and events as printers.go prints them.</summary>
public class SimplePrintersTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 29, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void ConfigMap_DataCountsDataAndBinaryData()
    {
        var cm = KubeObject.Parse("""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"amazon-vpc-cni","creationTimestamp":"2026-11-29T11:59:00Z"},"data":{"a":"1","b":"2"},"binaryData":{"c":"AA=="}}""");

        Assert.Equal("""["amazon-vpc-cni",3,"60s"]""", Json(SimplePrinters.ConfigMap.Cells(cm, Now)));
    }

    [Fact]
    public void Secret_ServiceAccountLeaseAndNetworkPolicy()
    {
        var secret = KubeObject.Parse("""{"apiVersion":"v1","kind":"Secret","metadata":{"name":"s"},"type":"Opaque","data":{"k":"dg=="}}""");
        var sa = KubeObject.Parse("""{"apiVersion":"v1","kind":"ServiceAccount","metadata":{"name":"default"}}""");
        var lease = KubeObject.Parse("""{"apiVersion":"coordination.k8s.io/v1","kind":"Lease","metadata":{"name":"n1"},"spec":{"holderIdentity":"n1"}}""");
        var policy = KubeObject.Parse("""{"apiVersion":"networking.k8s.io/v1","kind":"NetworkPolicy","metadata":{"name":"deny"},"spec":{"podSelector":{}}}""");

        Assert.Equal("""["s","Opaque",1,"<unknown>"]""", Json(SimplePrinters.Secret.Cells(secret, Now)));
        Assert.Equal("""["default",0,"<unknown>"]""", Json(SimplePrinters.ServiceAccount.Cells(sa, Now)));
        Assert.Equal("""["n1","n1","<unknown>"]""", Json(SimplePrinters.Lease.Cells(lease, Now)));
        Assert.Equal("""["deny","<none>","<unknown>"]""", Json(SimplePrinters.NetworkPolicy.Cells(policy, Now)));
    }

    [Fact]
    public void Event_ShowsLastSeenTypeReasonObjectAndTheWideColumns()
    {
        var ev = KubeObject.Parse("""
            {"apiVersion":"v1","kind":"Event","metadata":{"name":"web.181a","namespace":"default"},
             "involvedObject":{"kind":"Pod","name":"web","fieldPath":"spec.containers{app}"},
             "reason":"FailedCreatePodSandBox","message":" failed to assign an IP address \n","type":"Warning",
             "source":{"component":"kubelet","host":"ip-10-0-1-5"},"count":4,
             "firstTimestamp":"2026-11-29T11:50:00Z","lastTimestamp":"2026-11-29T11:59:30Z"}
            """);

        Assert.Equal(
            """["30s","Warning","FailedCreatePodSandBox","pod/web","spec.containers{app}","kubelet, ip-10-0-1-5","failed to assign an IP address","10m",4,"web.181a"]""",
            Json(EventPrinter.Printer.Cells(ev, Now)));
        Assert.Equal(["Last Seen", "Type", "Reason", "Object", "Message"], EventPrinter.Columns.Where(c => c.Priority == 0).Select(c => c.Name));
    }

    [Fact]
    public void Event_OfTheEventsApi_PrintsAsTheCoreEvent()
    {
        var ev = KubeObject.Parse("""
            {"apiVersion":"events.k8s.io/v1","kind":"Event","metadata":{"name":"n1.1"},"eventTime":"2026-11-29T11:58:00.000000Z",
             "regarding":{"kind":"Node","name":"n1"},"note":"Node n1 status is now: NodeReady","reason":"NodeReady","type":"Normal",
             "reportingController":"kubelet","reportingInstance":"n1"}
            """);

        Assert.Equal("""["2m","Normal","NodeReady","node/n1","","kubelet, n1","Node n1 status is now: NodeReady","2m",1,"n1.1"]""", Json(EventPrinter.Printer.Cells(ev, Now)));
    }

    // Unescaped, as the cells read ("<unknown>", not "\u003Cunknown\u003E").
    private static readonly JsonSerializerOptions Plain = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static string Json(IReadOnlyList<JsonNode?> cells) => new JsonArray([.. cells.Select(c => c?.DeepClone())]).ToJsonString(Plain);
}
