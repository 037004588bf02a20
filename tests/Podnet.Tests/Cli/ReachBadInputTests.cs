using Podnet.Tests.TestSupport;

namespace Podnet.Tests.Cli;

/// <summary>FROM, TO and PORT that cannot be answered are errors (exit 2), not verdicts.</summary>
public class ReachBadInputTests
{
    private static readonly string World = Path.Combine(NetpolCorpus.Root, "knp-02-deny-ingress");

    [Fact]
    public void PortNamingTwoNumbers_IsAnError()
    {
        var (exit, output, error) = PodnetCli.Run("reach", World, "foo/a", "bar/b", "80/80");
        Assert.Equal((2, string.Empty), (exit, output));
        Assert.Equal($"error: {World}: port \"80/80\": expected a port number 1-65535, optionally with a protocol (80, 80/tcp, 53/udp, TCP/80)\n", error);
    }

    [Theory]
    [InlineData("10.1")]
    [InlineData("167772161")]
    [InlineData("300.1.1.1")]
    public void AddressKubernetesRejects_IsAnError(string address)
    {
        var (exit, _, error) = PodnetCli.Run("reach", World, "foo/a", address, "80");
        Assert.Equal((2, $"error: {World}: TO \"{address}\": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)\n"), (exit, error));
    }

    [Fact]
    public void Ipv6DestinationInAnIpv4World_IsAnError_NotAVerdict()
    {
        var (exit, _, error) = PodnetCli.Run("reach", World, "foo/a", "2001:db8::1", "80");
        Assert.Equal((2, $"error: {World}: TO \"2001:db8::1\": an IPv6 address, but this world is IPv4 only (no pod, node or VPC has an IPv6 address)\n"), (exit, error));
    }

    [Fact]
    public void PodAddressWithALeadingZero_IsThatPod()
    {
        var rows = NetpolCorpus.Rows(World);
        var manifests = File.ReadAllText(Path.Combine(World, "manifests.yaml"));
        var to = rows[0][1];
        var (_, byName, _) = PodnetCli.Run("reach", World, rows[0][0], to, rows[0][2], "-o", "json");
        var ip = System.Text.Json.Nodes.JsonNode.Parse(PodnetCli.Run("run", World, "-o", "json").Out)!["kubernetes"]!["items"]!.AsArray()
            .First(i => i!["kind"]!.GetValue<string>() == "Pod" && $"{i["metadata"]!["namespace"]}/{i["metadata"]!["name"]}" == to)!["status"]!["podIP"]!.GetValue<string>();
        Assert.Contains(ip, manifests, StringComparison.Ordinal);
        var padded = string.Join('.', ip.Split('.').Select((part, i) => i == 3 ? "0" + part : part));
        var (exit, byAddress, error) = PodnetCli.Run("reach", World, rows[0][0], padded, rows[0][2], "-o", "json");
        Assert.Equal(string.Empty, error);
        Assert.Equal(rows[0][3] == "allowed" ? 0 : 1, exit);
        Assert.Equal(
            System.Text.Json.Nodes.JsonNode.Parse(byName)!["hops"]!.ToJsonString(),
            System.Text.Json.Nodes.JsonNode.Parse(byAddress)!["hops"]!.ToJsonString());
    }

    [Fact]
    public void NodeWithoutAddress_IsAnError_NotACrash()
    {
        var dir = Directory.CreateTempSubdirectory("podnet-reach-").FullName;
        try
        {
            var world = Path.Combine(dir, "world.yaml");
            File.WriteAllText(world, """
                apiVersion: v1
                kind: Node
                metadata: {name: n1}
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: a, namespace: default}
                spec: {nodeName: n1, containers: [{name: c, image: nginx}]}
                status: {podIP: 10.0.0.1}
                """);
            Assert.Equal((2, string.Empty, $"error: {world}: FROM \"node/n1\": the node has no InternalIP address (status.addresses), so no connection from or to it can be judged\n"), PodnetCli.Run("reach", world, "node/n1", "default/a", "80"));
            Assert.Equal(2, PodnetCli.Run("reach", world, "default/a", "node/n1", "80").Exit);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
