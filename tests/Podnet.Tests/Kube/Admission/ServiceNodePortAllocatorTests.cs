using System.Text.Json.Nodes;
using Podnet.Kube.Admission;
using Podnet.Kube.Api;

namespace Podnet.Tests.Kube.Admission;

/// <summary>
/// Node ports as the Service storage gives them (pkg/registry/core/service/storage/alloc.go <c>initNodePorts</c>,
/// pkg/registry/core/service/portallocator): from 30000–32767, the upper band first, a port asked for checked.
/// </summary>
public class ServiceNodePortAllocatorTests
{
    private readonly ClusterHarness _c = new();

    private static string ServiceJson(string name, string type, string ports = "[{\"port\":80}]", string extraSpec = "")
        => "{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\"" + name + "\",\"namespace\":\"default\"},"
           + "\"spec\":{\"type\":\"" + type + "\"," + extraSpec + "\"selector\":{\"app\":\"" + name + "\"},\"ports\":" + ports + "}}";

    private static List<int?> NodePorts(KubeObject service)
        => [.. ((JsonArray)service["spec.ports"]!).Select(p => p!["nodePort"]?.GetValue<int>())];

    [Fact]
    public void NodePortService_GetsAPortOfTheUpperBand_ReproduciblyFromTheSeed()
    {
        // calculateRangeOffset: min(max(16, 2768/32), 128) = 86 ports, 30000-30085, kept for ports asked for by number.
        var ports = Enumerable.Range(0, 40).Select(i => NodePorts(_c.Create(ServiceJson($"svc-{i}", "NodePort")))[0]!.Value).ToList();

        Assert.Equal(40, ports.Distinct().Count());
        Assert.All(ports, p => Assert.InRange(p, 30086, 32767));
        var again = new ClusterHarness();
        Assert.Equal(ports, Enumerable.Range(0, 40).Select(i => NodePorts(again.Create(ServiceJson($"svc-{i}", "NodePort")))[0]!.Value));
        var otherSeed = new ClusterHarness(seed: 2);
        Assert.NotEqual(ports, Enumerable.Range(0, 40).Select(i => NodePorts(otherSeed.Create(ServiceJson($"svc-{i}", "NodePort")))[0]!.Value));
    }

    [Fact]
    public void AServicesPort_DoesNotDependOnOtherServices()
    {
        var alone = NodePorts(new ClusterHarness().Create(ServiceJson("web", "NodePort")));
        var c = new ClusterHarness();
        c.Create(ServiceJson("other", "NodePort"));

        Assert.Equal(alone, NodePorts(c.Create(ServiceJson("web", "NodePort"))));
    }

    [Fact]
    public void AskedForPort_IsKept_AndTakenOnce()
    {
        Assert.Equal([30080], NodePorts(_c.Create(ServiceJson("web", "NodePort", "[{\"port\":80,\"nodePort\":30080}]"))));

        var error = _c.CreateFails(ServiceJson("web2", "NodePort", "[{\"port\":80,\"nodePort\":30080}]"));

        Assert.Equal(422, error.Code);
        Assert.Equal("Service \"web2\" is invalid: spec.ports[0].nodePort: Invalid value: 30080: provided port is already allocated", error.Message);
    }

    [Fact]
    public void AskedForPortOutsideTheRange_IsInvalid_InTheApiServersWords()
    {
        var error = _c.CreateFails(ServiceJson("web", "NodePort", "[{\"name\":\"a\",\"port\":80,\"nodePort\":31000},{\"name\":\"b\",\"port\":81,\"nodePort\":8080}]"));

        Assert.Equal("Service \"web\" is invalid: spec.ports[1].nodePort: Invalid value: 8080: provided port is not in the valid range. The range of valid ports is 30000-32767", error.Message);
        Assert.Equal("spec.ports[1].nodePort", Assert.Single(error.Causes).Field);
    }

    [Fact]
    public void TcpAndUdpOfOnePortNumber_ShareOneNodePort()
    {
        var service = _c.Create(ServiceJson("dns", "NodePort", "[{\"name\":\"udp\",\"port\":53,\"protocol\":\"UDP\"},{\"name\":\"tcp\",\"port\":53,\"protocol\":\"TCP\"},{\"name\":\"web\",\"port\":80}]"));

        var ports = NodePorts(service);
        Assert.Equal(ports[0], ports[1]);
        Assert.NotEqual(ports[0], ports[2]);
    }

    [Theory]
    [InlineData("ClusterIP", "", false)]
    [InlineData("LoadBalancer", "", true)]
    [InlineData("LoadBalancer", "\"allocateLoadBalancerNodePorts\":false,", false)]
    public void OnlyNodePortAndLoadBalancerServices_GetNodePorts(string type, string extraSpec, bool expected)
        => Assert.Equal(expected, NodePorts(_c.Create(ServiceJson("web", type, extraSpec: extraSpec)))[0] is not null);

    [Fact]
    public void Range_IsTheApiServersDefault()
        => Assert.Equal(("30000-32767", true, false), (ServiceNodePortAllocator.Range, ServiceNodePortAllocator.InRange(32767), ServiceNodePortAllocator.InRange(32768)));
}
