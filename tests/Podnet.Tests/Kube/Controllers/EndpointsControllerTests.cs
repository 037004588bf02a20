using System.Net;
using System.Text.Json.Nodes;
using Podnet.Kube;
using Podnet.Kube.Api;
using Podnet.Kube.Selectors;

namespace Podnet.Tests.Kube.Controllers;

public class EndpointsControllerTests
{
    private static JsonObject ServiceJson(string name, string app, JsonNode targetPort, string? portName = null)
    {
        var port = new JsonObject { ["port"] = 80, ["targetPort"] = targetPort };
        if (portName is not null)
        {
            port["name"] = portName;
        }

        return new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Service",
            ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = "default" },
            ["spec"] = new JsonObject { ["selector"] = new JsonObject { ["app"] = app }, ["ports"] = new JsonArray(port) },
        };
    }

    private static TestCluster WebCluster(int replicas = 2)
    {
        var cluster = new TestCluster();
        cluster.AddNode("node-1");
        var deployment = TestCluster.DeploymentJson("web", replicas);
        deployment["spec"]!["template"]!["spec"]!["containers"]![0]!["ports"] = new JsonArray(new JsonObject { ["name"] = "http", ["containerPort"] = 8080 });
        cluster.Create(deployment);
        cluster.Create(ServiceJson("web", "web", "http", "web"));
        cluster.Run();
        return cluster;
    }

    private static KubeObject Endpoints(TestCluster cluster, string name = "web") => cluster.Get("v1", "Endpoints", name);

    private static KubeObject Slice(TestCluster cluster, string name = "web")
        => Assert.Single(cluster.Store.List("discovery.k8s.io/v1", "EndpointSlice", "default", LabelSelector.Parse($"kubernetes.io/service-name={name}")).Items);

    private static List<string> Ips(JsonNode? addresses) => [.. (addresses as JsonArray ?? []).Select(a => a!["ip"]!.GetValue<string>())];

    [Fact]
    public void Service_Create_GetsClusterIpFromServiceCidr()
    {
        var cluster = new TestCluster();
        var service = cluster.Create(ServiceJson("web", "web", 8080));

        var ip = IPAddress.Parse(service.GetString("spec.clusterIP")!);
        Assert.True(ControlPlane.DefaultServiceCidr.Contains(ip));
        Assert.NotEqual("10.100.0.1", ip.ToString());
        Assert.Equal(ip.ToString(), service["spec.clusterIPs"]![0]!.GetValue<string>());
        Assert.Equal("10.100.0.1", cluster.Get("v1", "Service", "kubernetes").GetString("spec.clusterIP"));
    }

    [Fact]
    public void Endpoints_ReadyPods_ListedWithResolvedNamedPort()
    {
        var cluster = WebCluster();

        var pods = cluster.Pods("app=web");
        var endpoints = Endpoints(cluster);
        var subset = Assert.Single((JsonArray)endpoints["subsets"]!)!;
        Assert.Equal(pods.Select(p => p.GetString("status.podIP")!).Order(StringComparer.Ordinal), Ips(subset["addresses"]));
        Assert.Null(subset["notReadyAddresses"]);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""[{"port":8080,"protocol":"TCP","name":"web"}]"""), subset["ports"]));
        var address = (JsonObject)subset["addresses"]![0]!;
        var pod = pods.Single(p => p.GetString("status.podIP") == address["ip"]!.GetValue<string>());
        Assert.Equal("node-1", address["nodeName"]!.GetValue<string>());
        Assert.Equal("Pod", address["targetRef"]!["kind"]!.GetValue<string>());
        Assert.Equal(pod.Name, address["targetRef"]!["name"]!.GetValue<string>());
        Assert.Equal(pod.Uid, address["targetRef"]!["uid"]!.GetValue<string>());
    }

    [Fact]
    public void Endpoints_NotReadyPod_ListedAsNotReady()
    {
        var cluster = WebCluster();
        var pods = cluster.Pods("app=web").OrderBy(p => p.GetString("status.podIP"), StringComparer.Ordinal).ToList();

        // A failing readiness probe: the kubelet reports Ready=False.
        var unready = pods[0];
        cluster.Store.UpdateStatus(unready.With(json =>
        {
            foreach (var condition in ((JsonArray)json["status"]!["conditions"]!).OfType<JsonObject>().Where(c => c["type"]!.GetValue<string>() is "Ready" or "ContainersReady"))
            {
                condition["status"] = "False";
            }
        }));
        cluster.Run();

        var subset = Assert.Single((JsonArray)Endpoints(cluster)["subsets"]!)!;
        Assert.Equal([pods[1].GetString("status.podIP")!], Ips(subset["addresses"]));
        Assert.Equal([unready.GetString("status.podIP")!], Ips(subset["notReadyAddresses"]));

        var endpoint = ((JsonArray)Slice(cluster)["endpoints"]!).OfType<JsonObject>().Single(e => e["targetRef"]!["name"]!.GetValue<string>() == unready.Name);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"ready":false,"serving":false,"terminating":false}"""), endpoint["conditions"]));
    }

    [Fact]
    public void EndpointSlice_LabelledWithServiceName_ListsEndpoints()
    {
        var cluster = WebCluster();

        var slice = Slice(cluster);
        Assert.StartsWith("web-", slice.Name, StringComparison.Ordinal);
        Assert.Equal("endpointslice-controller.k8s.io", slice.Labels["endpointslice.kubernetes.io/managed-by"]);
        Assert.Equal("IPv4", slice.GetString("addressType"));
        var service = cluster.Get("v1", "Service", "web");
        Assert.Equal(new OwnerReference("v1", "Service", "web", service.Uid!, true, true), Assert.Single(slice.OwnerReferences));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""[{"port":8080,"protocol":"TCP","name":"web"}]"""), slice["ports"]));

        var endpoints = ((JsonArray)slice["endpoints"]!).OfType<JsonObject>().ToList();
        Assert.Equal(
            cluster.Pods("app=web").Select(p => p.GetString("status.podIP")!).Order(StringComparer.Ordinal),
            endpoints.Select(e => e["addresses"]![0]!.GetValue<string>()));
        Assert.All(endpoints, e =>
        {
            Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"ready":true,"serving":true,"terminating":false}"""), e["conditions"]));
            Assert.Equal("node-1", e["nodeName"]!.GetValue<string>());
            Assert.Equal("Pod", e["targetRef"]!["kind"]!.GetValue<string>());
        });
    }

    [Fact]
    public void Endpoints_PodDeleted_AddressGoes()
    {
        var cluster = WebCluster(3);
        var victim = cluster.Pods("app=web")[0];

        // A bare pod of the service that nobody recreates.
        var loner = TestCluster.PodJson("loner", labels: new JsonObject { ["app"] = "web" });
        loner["spec"]!["containers"]![0]!["ports"] = new JsonArray(new JsonObject { ["name"] = "http", ["containerPort"] = 8080 });
        cluster.Create(loner);
        cluster.Run();
        var lonerIp = cluster.Pod("loner").GetString("status.podIP")!;
        Assert.Contains(lonerIp, Ips(Endpoints(cluster)["subsets"]![0]!["addresses"]));

        // Terminating pods leave the endpoints at once; they are gone after their grace period (fidelity fix, issue 9).
        cluster.Store.Delete(victim);
        cluster.Store.Delete(cluster.Pod("loner"));
        cluster.Settle();

        var addresses = Ips(Endpoints(cluster)["subsets"]![0]!["addresses"]);
        Assert.Equal(3, addresses.Count);
        Assert.DoesNotContain(lonerIp, addresses);
        Assert.Equal(cluster.Pods("app=web").Select(p => p.GetString("status.podIP")!).Order(StringComparer.Ordinal), addresses);
        Assert.DoesNotContain(victim.Name, ((JsonArray)Slice(cluster)["endpoints"]!).Select(e => e!["targetRef"]!["name"]!.GetValue<string>()));
    }

    [Fact]
    public void Endpoints_TerminatingPod_LeavesEndpointsButStaysInSliceAsTerminating()
    {
        var cluster = WebCluster(1);

        // A finalizer keeps the pod Terminating after its kubelet is done with it.
        var loner = TestCluster.PodJson("loner", labels: new JsonObject { ["app"] = "web" });
        loner["metadata"]!["finalizers"] = new JsonArray("example.com/hold");
        loner["spec"]!["containers"]![0]!["ports"] = new JsonArray(new JsonObject { ["name"] = "http", ["containerPort"] = 8080 });
        cluster.Create(loner);
        cluster.Run();
        var lonerIp = cluster.Pod("loner").GetString("status.podIP")!;

        cluster.Store.Delete(cluster.Pod("loner"));
        cluster.Run();
        Assert.True(cluster.Pod("loner").IsTerminating);

        var subset = Assert.Single((JsonArray)Endpoints(cluster)["subsets"]!)!;
        Assert.DoesNotContain(lonerIp, Ips(subset["addresses"]));
        Assert.DoesNotContain(lonerIp, Ips(subset["notReadyAddresses"]));
        var endpoint = ((JsonArray)Slice(cluster)["endpoints"]!).OfType<JsonObject>().Single(e => e["targetRef"]!["name"]!.GetValue<string>() == "loner");
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"ready":false,"serving":true,"terminating":true}"""), endpoint["conditions"]));
    }

    [Fact]
    public void Endpoints_NumericTargetPort_UsedAsIs()
    {
        var cluster = new TestCluster();
        cluster.AddNode("node-1");
        cluster.Create(TestCluster.DeploymentJson("api", 1));
        cluster.Create(ServiceJson("api", "api", 9090));
        cluster.Run();

        var subset = Assert.Single((JsonArray)Endpoints(cluster, "api")["subsets"]!)!;
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""[{"port":9090,"protocol":"TCP"}]"""), subset["ports"]));
    }

    [Fact]
    public void Endpoints_NoMatchingPods_HasNoSubsets()
    {
        var cluster = new TestCluster();
        cluster.Create(ServiceJson("empty", "nothing", 80));
        cluster.Run();

        Assert.Null(Endpoints(cluster, "empty")["subsets"]);
        Assert.Empty((JsonArray)Slice(cluster, "empty")["endpoints"]!);
    }
}
