using System.Text.Json;
using Podnet.Cli;
using Podnet.Tests.TestSupport;

namespace Podnet.Tests.Cli;

public class RunCommandTests
{
    private static (int Exit, string Out, string Err) Podnet(params string[] args) => PodnetCli.Run(args);

    private static string Example(string name) => Path.Combine(PodnetCli.Examples(), name);

    [Fact]
    public void DefaultWorld_PrintsPodsNodesInterfacesAndSubnets()
    {
        var (exit, output, _) = Podnet("run");

        Assert.Equal(0, exit);
        Assert.Contains("NAMESPACE     NAME", output, StringComparison.Ordinal);
        var podLines = output.Split('\n').Where(l => l.StartsWith("kube-system ", StringComparison.Ordinal)).ToList();
        Assert.Equal(8, podLines.Count);
        Assert.All(podLines, l => Assert.Contains(" Running ", l, StringComparison.Ordinal));
        Assert.Equal(3, output.Split('\n').Count(l => l.StartsWith("ip-192-168-", StringComparison.Ordinal) && l.Contains(" Ready ", StringComparison.Ordinal) && l.Contains("m5.large", StringComparison.Ordinal)));
        Assert.Contains("$ aws ec2 describe-network-interfaces", output, StringComparison.Ordinal);
        Assert.Contains("private-us-west-2a", output, StringComparison.Ordinal);
        Assert.DoesNotContain("kubectl describe pod", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Example_ExplainsThePendingPod()
    {
        var (exit, output, _) = Podnet("run", Example("hello-eks"));

        Assert.Equal(0, exit);
        Assert.Equal(3, output.Split('\n').Count(l => l.StartsWith("shop ", StringComparison.Ordinal) && l.Contains("web-", StringComparison.Ordinal) && l.Contains(" Running ", StringComparison.Ordinal)));
        Assert.Contains("$ kubectl describe pod -n shop batch-giant", output, StringComparison.Ordinal);
        Assert.Contains("FailedScheduling", output, StringComparison.Ordinal);
        Assert.Contains("0/3 nodes are available: 3 Insufficient cpu.", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Json_HasAKubernetesListAndEc2Shapes()
    {
        var (exit, output, _) = Podnet("run", "-o", "json");

        Assert.Equal(0, exit);
        using var json = JsonDocument.Parse(output);
        var kube = json.RootElement.GetProperty("kubernetes");
        Assert.Equal("List", kube.GetProperty("kind").GetString());
        var kinds = kube.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("kind").GetString()).ToList();
        Assert.Equal(8, kinds.Count(k => k == "Pod"));
        Assert.Equal(3, kinds.Count(k => k == "Node"));
        var ec2 = json.RootElement.GetProperty("ec2");
        Assert.Equal(3, ec2.GetProperty("Instances").GetArrayLength());
        // Besides the nodes' interfaces, the default world's NAT gateway has its own (type nat_gateway, no attachment),
        // as in the VPC eksctl makes; the world had no routes before.
        var interfaces = ec2.GetProperty("NetworkInterfaces").EnumerateArray().ToList();
        Assert.Single(interfaces, e => e.GetProperty("InterfaceType").GetString() == "nat_gateway");
        var eni = interfaces.First(e => e.GetProperty("InterfaceType").GetString() != "nat_gateway");
        Assert.Equal("interface", eni.GetProperty("InterfaceType").GetString());
        Assert.StartsWith("sg-", eni.GetProperty("Groups")[0].GetProperty("GroupId").GetString(), StringComparison.Ordinal);
        Assert.StartsWith("i-", eni.GetProperty("Attachment").GetProperty("InstanceId").GetString(), StringComparison.Ordinal);
        Assert.Equal(4, ec2.GetProperty("Subnets").GetArrayLength());
    }

    [Fact]
    public void MissingWorld_IsAnErrorNamingThePath()
    {
        var (exit, _, error) = Podnet("run", "no/such/world");
        Assert.Equal(2, exit);
        Assert.Equal("error: no/such/world: no such file or directory\n", error.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void BadWorld_NamesFileDocumentAndField()
    {
        var file = Path.Combine(Path.GetTempPath(), $"podnet-bad-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(file, "apiVersion: aws.podnet.dev/v1alpha1\nkind: Vpc\nmetadata:\n  name: v\nspec:\n  CidrBlock: 10.0.0.0/16\n---\napiVersion: aws.podnet.dev/v1alpha1\nkind: Subnet\nmetadata:\n  name: s\nspec:\n  Vpc: v\n");
        try
        {
            var (exit, _, error) = Podnet("run", file);
            Assert.Equal(2, exit);
            Assert.Contains($"{file}: document 2 (line 7, Subnet s): spec.CidrBlock: Required value", error, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
