using Podnet.Kube.Api;
using Podnet.Kube.Printing;

namespace Podnet.Tests.Kube.Printing;

/// <summary>Services and Endpoints as printers.go printService and printEndpoints print them.</summary>
public class ServicePrintersTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 29, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Service_ClusterIp_ShowsPortsAndSelector()
    {
        var svc = KubeObject.Parse("""
            {"apiVersion":"v1","kind":"Service","metadata":{"name":"my-app","namespace":"default","creationTimestamp":"2026-11-29T11:00:00Z"},
             "spec":{"type":"ClusterIP","clusterIP":"10.100.12.7","clusterIPs":["10.100.12.7"],"selector":{"app":"my-app"},
                     "ports":[{"port":80,"targetPort":8080,"protocol":"TCP"},{"port":53,"protocol":"UDP"}]}}
            """);

        var cells = ServicePrinters.Service.Cells(svc, Now);

        Assert.Equal(["my-app", "ClusterIP", "10.100.12.7", "<none>", "80/TCP,53/UDP", "60m", "app=my-app"], cells.Select(c => c!.GetValue<string>()));
        Assert.Equal(["Name", "Type", "Cluster-IP", "External-IP", "Port(s)", "Age", "Selector"], ServicePrinters.Service.Columns.Select(c => c.Name));
    }

    [Fact]
    public void Service_NodePort_ShowsPortColonNodePort()
    {
        var svc = KubeObject.Parse("""
            {"apiVersion":"v1","kind":"Service","metadata":{"name":"web"},
             "spec":{"type":"NodePort","clusterIP":"10.100.0.9","ports":[{"port":80,"nodePort":30080,"protocol":"TCP"}]}}
            """);

        Assert.Equal("80:30080/TCP", ServicePrinters.Ports(svc));
        Assert.Equal("10.100.0.9", ServicePrinters.Service.Cells(svc, Now)[2]!.GetValue<string>());
    }

    [Fact]
    public void Service_LoadBalancerWithoutIngress_IsPending()
    {
        var svc = KubeObject.Parse("""{"apiVersion":"v1","kind":"Service","metadata":{"name":"lb"},"spec":{"type":"LoadBalancer","ports":[]}}""");

        var cells = ServicePrinters.Service.Cells(svc, Now);

        Assert.Equal("<pending>", cells[3]!.GetValue<string>());
        Assert.Equal("<none>", cells[4]!.GetValue<string>());
        Assert.Equal("<none>", cells[6]!.GetValue<string>());
    }

    [Fact]
    public void Endpoints_ShowThreeAddressesThenHowManyMore()
    {
        var ep = KubeObject.Parse("""
            {"apiVersion":"v1","kind":"Endpoints","metadata":{"name":"my-app"},
             "subsets":[{"addresses":[{"ip":"10.0.1.1"},{"ip":"10.0.1.2"},{"ip":"10.0.1.3"},{"ip":"10.0.1.4"}],"ports":[{"port":8080}]}]}
            """);

        Assert.Equal("10.0.1.1:8080,10.0.1.2:8080,10.0.1.3:8080 + 1 more...", ServicePrinters.Endpoints.Cells(ep, Now)[1]!.GetValue<string>());
    }
}
