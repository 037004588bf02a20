using System.Net;
using Podnet.Kube;
using Podnet.Kube.Admission;
using Podnet.Kube.Api;
using Podnet.Net;

namespace Podnet.Tests.Kube.Admission;

public class ServiceClusterIpAllocatorTests
{
    private readonly ClusterHarness _c = new();

    private static string ServiceJson(string name, string extraSpec = "")
        => "{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\"" + name + "\",\"namespace\":\"default\"},"
           + "\"spec\":{" + extraSpec + "\"selector\":{\"app\":\"" + name + "\"},\"ports\":[{\"port\":80}]}}";

    private static List<string> Allocate(int seed, int count)
    {
        var c = new ClusterHarness(seed);
        return [.. Enumerable.Range(0, count).Select(i => c.Create(ServiceJson($"svc-{i}")).GetString("spec.clusterIP")!)];
    }

    [Fact]
    public void Bootstrap_KubernetesService_HasTheFirstAddress()
    {
        var kubernetes = _c.Store.Get("v1", "Service", "default", "kubernetes");
        Assert.Equal("10.100.0.1", kubernetes.GetString("spec.clusterIP"));
        Assert.Equal("""["10.100.0.1"]""", kubernetes["spec.clusterIPs"]!.ToJsonString());
    }

    [Fact]
    public void ExplicitClusterIp_IsKept()
    {
        var service = _c.Create(ServiceJson("dns", "\"clusterIP\":\"10.100.0.10\","));

        Assert.Equal("10.100.0.10", service.GetString("spec.clusterIP"));
        Assert.Equal("""["10.100.0.10"]""", service["spec.clusterIPs"]!.ToJsonString());
    }

    [Fact]
    public void DuplicateClusterIp_IsInvalid()
    {
        _c.Create(ServiceJson("dns", "\"clusterIP\":\"10.100.0.10\","));

        var error = _c.CreateFails(ServiceJson("dns2", "\"clusterIP\":\"10.100.0.10\","));

        Assert.Equal("Invalid", error.Reason);
        Assert.Equal(422, error.Code);
        Assert.Equal("Service \"dns2\" is invalid: spec.clusterIPs: Invalid value: []string{\"10.100.0.10\"}: failed to allocate IP 10.100.0.10: provided IP is already allocated", error.Message);
        Assert.Equal("spec.clusterIPs", Assert.Single(error.Causes).Field);
    }

    [Fact]
    public void KubernetesServiceAddress_IsAlreadyAllocated()
    {
        var error = _c.CreateFails(ServiceJson("sneaky", "\"clusterIP\":\"10.100.0.1\","));
        Assert.EndsWith("failed to allocate IP 10.100.0.1: provided IP is already allocated", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ClusterIpOutsideRange_IsInvalid()
    {
        var error = _c.CreateFails(ServiceJson("web", "\"clusterIP\":\"10.0.0.10\","));

        Assert.Equal(422, error.Code);
        Assert.Equal("Service \"web\" is invalid: spec.clusterIPs: Invalid value: []string{\"10.0.0.10\"}: failed to allocate IP 10.0.0.10: the provided IP (10.0.0.10) is not in the valid range. The range of valid IPs is 10.100.0.0/16", error.Message);
    }

    [Fact]
    public void ClusterIpNotAnAddress_IsInvalid()
    {
        var error = _c.CreateFails(ServiceJson("web", "\"clusterIP\":\"banana\","));
        Assert.StartsWith("Service \"web\" is invalid: spec.clusterIPs: Invalid value: []string{\"banana\"}: failed to allocate IP banana:", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AutomaticClusterIps_AreInsideTheRangeUniqueAndAboveTheReservedPart()
    {
        var cidr = CidrBlock.Parse("10.100.0.0/16");
        var reservedEnd = CidrBlock.Parse("10.100.0.0/24");

        var addresses = Allocate(seed: 3, count: 60);

        Assert.Equal(60, addresses.Distinct(StringComparer.Ordinal).Count());
        Assert.All(addresses, a =>
        {
            var ip = IPAddress.Parse(a);
            Assert.True(cidr.Contains(ip), a);
            Assert.False(reservedEnd.Contains(ip), a);
            Assert.NotEqual("10.100.255.255", a);
        });
    }

    [Fact]
    public void AutomaticClusterIps_AreReproducibleWithTheSameSeed()
    {
        Assert.Equal(Allocate(seed: 11, count: 10), Allocate(seed: 11, count: 10));
        Assert.NotEqual(Allocate(seed: 11, count: 10), Allocate(seed: 12, count: 10));
    }

    [Fact]
    public void AutomaticClusterIp_SetsClusterIps()
    {
        var service = _c.Create(ServiceJson("web"));

        Assert.Equal($"""["{service.GetString("spec.clusterIP")}"]""", service["spec.clusterIPs"]!.ToJsonString());
    }

    [Fact]
    public void HeadlessService_KeepsNone()
    {
        var service = _c.Create(ServiceJson("db", "\"clusterIP\":\"None\","));

        Assert.Equal("None", service.GetString("spec.clusterIP"));
        Assert.Null(service["spec.clusterIPs"]);
    }

    [Fact]
    public void ExternalNameService_GetsNoClusterIp()
    {
        var service = _c.Create("""{"apiVersion":"v1","kind":"Service","metadata":{"name":"ext","namespace":"default"},"spec":{"type":"ExternalName","externalName":"example.com"}}""");

        Assert.Null(service["spec.clusterIP"]);
    }

    [Fact]
    public void DeletedServiceAddress_CanBeReused()
    {
        var first = _c.Create(ServiceJson("a", "\"clusterIP\":\"10.100.0.20\","));
        _c.Store.Delete(first);

        Assert.Equal("10.100.0.20", _c.Create(ServiceJson("b", "\"clusterIP\":\"10.100.0.20\",")).GetString("spec.clusterIP"));
    }

    private string Allocate(ServiceClusterIpAllocator allocator, string name)
    {
        var service = KubeObject.Parse($$$"""{"apiVersion":"v1","kind":"Service","metadata":{"name":"{{{name}}}","namespace":"default"},"spec":{"ports":[{"port":80}]}}""");
        return allocator.Mutate(new AdmissionRequest(AdmissionOperation.Create, _c.Store.Resources.For("v1", "Service"), "default", name, service, null, "admin"))!.GetString("spec.clusterIP")!;
    }

    [Fact]
    public void AutomaticClusterIp_IsTheSameWhateverServicesCameBefore()
    {
        // The start of the scan is a hash of the seed and the Service's namespace and name, not the nth draw of a sequence.
        var quiet = new ClusterHarness(5);
        var busy = new ClusterHarness(5);
        foreach (var i in Enumerable.Range(0, 20))
        {
            busy.Create(ServiceJson($"other-{i}"));
        }

        Assert.Equal(quiet.Create(ServiceJson("web")).GetString("spec.clusterIP"), busy.Create(ServiceJson("web")).GetString("spec.clusterIP"));
        Assert.NotEqual(new ClusterHarness(5).Create(ServiceJson("web")).GetString("spec.clusterIP"), new ClusterHarness(6).Create(ServiceJson("web")).GetString("spec.clusterIP"));
    }

    [Fact]
    public void AutomaticClusterIp_ItsAddressTaken_ProbesToTheNextFreeOne()
    {
        var taken = new List<string>();
        var allocator = new ServiceClusterIpAllocator(CidrBlock.Parse("10.100.0.0/16"), () => taken, seed: 5);
        var first = Allocate(allocator, "web");
        taken.Add(first);

        var second = Allocate(allocator, "web");

        var cidr = CidrBlock.Parse("10.100.0.0/16");
        var next = cidr.OffsetOf(IPAddress.Parse(first)) + 1;
        Assert.Equal((next == cidr.Size - 1 ? cidr.AddressAt(257) : cidr.AddressAt(next)).ToString(), second);
    }

    [Fact]
    public void AutomaticClusterIps_UpperPartFull_TakeTheLowerPart()
    {
        // A /27: bits 0-15 (.1-.16) are the lower part, 16-29 (.17-.30) the upper one; .0 and .31 are never given.
        var taken = new List<string>();
        var allocator = new ServiceClusterIpAllocator(CidrBlock.Parse("10.0.0.0/27"), () => taken, seed: 5);
        for (var i = 0; i < 30; i++)
        {
            taken.Add(Allocate(allocator, $"s{i}"));
        }

        Assert.Equal(Enumerable.Range(17, 14).Select(n => $"10.0.0.{n}"), taken.Take(14).OrderBy(a => IPAddress.Parse(a).GetAddressBytes()[3]));
        Assert.Equal(Enumerable.Range(1, 16).Select(n => $"10.0.0.{n}"), taken.Skip(14).OrderBy(a => IPAddress.Parse(a).GetAddressBytes()[3]));
        var full = Assert.Throws<KubeException>(() => Allocate(allocator, "one-more"));
        Assert.Equal("Internal error occurred: failed to allocate a serviceIP: range is full", full.Message);
    }

    [Fact]
    public void SmallRange_AvoidsAddressesInUse()
    {
        var taken = new List<string>();
        var allocator = new ServiceClusterIpAllocator(CidrBlock.Parse("10.0.0.0/27"), () => taken, seed: 5);
        var services = _c.Store.Resources.For("v1", "Service");

        for (var i = 0; i < 10; i++)
        {
            var service = KubeObject.Parse($$$"""{"apiVersion":"v1","kind":"Service","metadata":{"name":"s{{{i}}}","namespace":"default"},"spec":{"ports":[{"port":80}]}}""");
            var allocated = allocator.Mutate(new AdmissionRequest(AdmissionOperation.Create, services, "default", service.Name, service, null, "admin"))!;
            taken.Add(allocated.GetString("spec.clusterIP")!);
        }

        Assert.Equal(10, taken.Distinct(StringComparer.Ordinal).Count());
        Assert.All(taken, a => Assert.True(CidrBlock.Parse("10.0.0.16/28").Contains(IPAddress.Parse(a)), a));
        Assert.Equal("10.100.0.0/16", ControlPlane.DefaultServiceCidr.ToString());
    }
}
