using System.Text.Json.Nodes;
using Podnet.Cli.Output;
using Podnet.Tests.TestSupport;
using Podnet.World;

namespace Podnet.Tests.World;

/// <summary>
/// Issue 11 point 16 on the Kubernetes side: generated pod names, object UIDs and Service cluster IPs come from the
/// world's seed and each object's identity, so adding an unrelated Deployment and Service to a world changes none of
/// the others.
/// </summary>
public class StableNamesTests
{
    /// <summary>An unrelated namespace with a Deployment and its Service, put before every other document so that they are created first.</summary>
    private const string Unrelated = """
        apiVersion: v1
        kind: Namespace
        metadata: {name: unrelated}
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: other, namespace: unrelated}
        spec:
          replicas: 2
          selector: {matchLabels: {app: other}}
          template:
            metadata: {labels: {app: other}}
            spec:
              containers: [{name: app, image: public.ecr.aws/nginx/nginx:1.27}]
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: other, namespace: unrelated}
        spec:
          selector: {app: other}
          ports: [{port: 80}]
        """;

    /// <summary>
    /// Every object of <c>podnet run -o json</c> for the hello-eks example (its cluster with a Deployment of three
    /// and a Service), by kind, namespace and name: its UID, a Service's cluster IP, and with
    /// <paramref name="podIps"/> a pod's IP.
    /// </summary>
    private static Dictionary<string, string> Objects(bool podIps, string[] before, string[] after)
    {
        var folder = ExampleWorlds.Folder("hello-eks");
        var files = Directory.GetFiles(folder, "*.yaml").Order(StringComparer.Ordinal).Select(f => new WorldSource(f, File.ReadAllText(f)));
        var world = WorldLoader.Load([.. before.Select((text, i) => new WorldSource($"before-{i}.yaml", text)), .. files, .. after.Select((text, i) => new WorldSource($"after-{i}.yaml", text))]);
        var list = JsonNode.Parse(WorldJson.Render(world))!["kubernetes"]!["items"]!.AsArray();

        // Events aside: an Event is named after its object and the moment it happened (client-go's recorder), and
        // when an unrelated pod's image pull or start takes the kubelet's time, later events come at other moments.
        return list.Select(o => o!).Where(o => o["kind"]!.GetValue<string>() != "Event").ToDictionary(
            o => $"{o["kind"]} {o["metadata"]!["namespace"]}/{o["metadata"]!["name"]}",
            o => $"uid={o["metadata"]!["uid"]} clusterIP={o["spec"]?["clusterIP"]}" + (podIps ? $" podIP={o["status"]?["podIP"]}" : string.Empty),
            StringComparer.Ordinal);
    }

    /// <summary>
    /// Before every other document, the unrelated objects are created first: names, UIDs and cluster IPs stay, but not
    /// the pods' IPs, which ipamd hands out from its node's pool in the order pods reach the node (an unrelated pod
    /// scheduled there first takes an address), as the VPC CNI does. After every other document, the pods' IPs stay too.
    /// </summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void RunJson_AddingAnUnrelatedDeploymentAndService_KeepsEveryOtherNameUidAndIp(bool first)
    {
        var before = Objects(podIps: !first, [], []);
        var after = Objects(podIps: !first, first ? [Unrelated] : [], first ? [] : [Unrelated]);

        // Generated names among them: the shop's three pods and ReplicaSet, aws-node's and kube-proxy's pods.
        Assert.Equal(3, before.Keys.Count(k => k.StartsWith("Pod shop/web-", StringComparison.Ordinal)));
        Assert.Contains(before, o => o.Key.StartsWith("Service shop/web", StringComparison.Ordinal) && o.Value.Contains("clusterIP=10.100.", StringComparison.Ordinal));
        Assert.Empty(before.Where(o => !after.TryGetValue(o.Key, out var kept) || kept != o.Value).Select(o => $"{o.Key}: {o.Value} -> {after.GetValueOrDefault(o.Key)}"));

        // The unrelated objects themselves, and nothing else, are new.
        Assert.Contains(after.Keys, k => k.StartsWith("Pod unrelated/other-", StringComparison.Ordinal));
        Assert.DoesNotContain(after.Keys.Except(before.Keys), k => !k.Contains(" unrelated/", StringComparison.Ordinal) && k != "Namespace /unrelated");
    }
}
