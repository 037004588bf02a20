using System.Text.Json.Nodes;
using Podnet.Cli.Output;
using Podnet.Kube.Api;
using Podnet.Tests.TestSupport;

namespace Podnet.Tests.Cli;

/// <summary>
/// <c>podnet run</c>'s text shows what the seeds show: the security groups with their rules (the aws CLI's text
/// output), <c>kubectl describe</c> of any pod or node asked for, pods filtered by <c>-l</c> as kubectl does, and no
/// stale FailedScheduling for the not-ready taint on the workloads of a fresh world.
/// </summary>
public class RunTextOutputTests
{
    private const string SgExample = "security-groups-for-pods";

    private static string Example(string name) => Path.Combine(PodnetCli.Examples(), name);

    [Fact]
    public void SecurityGroups_AreTheAwsClisTextOutput_WithTheirRules()
    {
        var (exit, output, _) = PodnetCli.Run("run", Example(SgExample));

        Assert.Equal(0, exit);
        var section = output[output.IndexOf("$ aws ec2 describe-security-groups --output text\n", StringComparison.Ordinal)..];
        section = section.IndexOf("\n\n", StringComparison.Ordinal) is var end and > 0 ? section[..end] : section;
        var lines = section.Split('\n');

        // SECURITYGROUPS: Description, GroupId, GroupName, OwnerId, SecurityGroupArn, VpcId (sorted keys), then the
        // rules; the pod group admits itself on every protocol and keeps EC2's default egress.
        var group = Array.FindIndex(lines, l => l.StartsWith("SECURITYGROUPS\tMy pod security group\tsg-05b1d815d1e4a1b2c\tmy-pod-security-group\t", StringComparison.Ordinal));
        Assert.True(group > 0, section);
        Assert.Equal("IPPERMISSIONS\t-1", lines[group + 1]);
        Assert.StartsWith("USERIDGROUPPAIRS\tsg-05b1d815d1e4a1b2c\t", lines[group + 2], StringComparison.Ordinal);
        Assert.Equal("IPPERMISSIONSEGRESS\t-1", lines[group + 3]);
        Assert.Equal("IPRANGES\t0.0.0.0/0", lines[group + 4]);

        // The cluster security group's DNS rules from the pod group: one IPPERMISSIONS line per port range,
        // FromPort, IpProtocol, ToPort.
        Assert.Contains("IPPERMISSIONS\t53\ttcp\t53", lines);
        Assert.Contains("IPPERMISSIONS\t53\tudp\t53", lines);
    }

    [Fact]
    public void AwsText_ObjectsOfAListShareTheirScalarKeys_AsTheAwsCliDoes()
    {
        var response = JsonNode.Parse("""{"SecurityGroups": [{"GroupId": "sg-1", "IpPermissions": [{"IpProtocol": "-1", "IpRanges": [], "UserIdGroupPairs": [{"GroupId": "sg-1", "UserId": "111122223333"}]}, {"FromPort": 80, "IpProtocol": "tcp", "ToPort": 80, "IpRanges": [{"CidrIp": "10.0.0.0/8", "Description": "web"}]}], "Tags": [{"Key": "Name", "Value": "a"}]}]}""");

        Assert.Equal(
            "SECURITYGROUPS\tsg-1\n"
            + "IPPERMISSIONS\t\t-1\t\n"
            + "USERIDGROUPPAIRS\tsg-1\t111122223333\n"
            + "IPPERMISSIONS\t80\ttcp\t80\n"
            + "IPRANGES\t10.0.0.0/8\tweb\n"
            + "TAGS\tName\ta\n",
            AwsText.Format(response));
    }

    [Fact]
    public void Describe_AnyRunningPodAndAnyNode_OnRequest()
    {
        var world = ExampleWorlds.Load(SgExample);
        var pod = world.ControlPlane.Store.List("v1", "Pod").Items.First(p => p.Namespace == "my-namespace");
        var node = pod.GetString("spec.nodeName")!;

        var (exit, output, _) = PodnetCli.Run("run", Example(SgExample), "--describe", $"my-namespace/{pod.Name}", "--describe", $"node/{node}");

        Assert.Equal(0, exit);
        Assert.Contains($"$ kubectl describe pod -n my-namespace {pod.Name}\nName:", output, StringComparison.Ordinal);
        Assert.Contains("vpc.amazonaws.com/pod-eni:", output, StringComparison.Ordinal);
        Assert.Contains($"$ kubectl describe node {node}\nName:", output, StringComparison.Ordinal);
        Assert.DoesNotContain("$ kubectl describe", PodnetCli.Run("run", Example(SgExample)).Out, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("my-namespace/nope", "error: --describe \"my-namespace/nope\": Error from server (NotFound): pods \"nope\" not found in namespace \"my-namespace\"\n")]
    [InlineData("node/ip-1-2-3-4", "error: --describe \"node/ip-1-2-3-4\": Error from server (NotFound): nodes \"ip-1-2-3-4\" not found\n")]
    [InlineData("just-a-name", "error: --describe \"just-a-name\": name a pod as NAMESPACE/NAME or a node as node/NAME\n")]
    public void Describe_OfWhatTheWorldDoesNotHave_IsOneErrorLine(string target, string expected)
    {
        var (exit, output, error) = PodnetCli.Run("run", Example(SgExample), "--describe", target);

        Assert.Equal(2, exit);
        Assert.Empty(output);
        Assert.Equal(expected, error);
    }

    [Fact]
    public void Selector_FiltersPodsAsKubectlGetPodsL()
    {
        var (exit, output, _) = PodnetCli.Run("run", Example(SgExample), "-l", "app=my-app");

        Assert.Equal(0, exit);
        Assert.Contains("$ kubectl get pods -A -o wide -l app=my-app\n", output, StringComparison.Ordinal);
        var podLines = output[..output.IndexOf("$ kubectl get nodes", StringComparison.Ordinal)].Split('\n').Where(l => l.StartsWith("my-namespace ", StringComparison.Ordinal) || l.StartsWith("kube-system ", StringComparison.Ordinal)).ToList();
        Assert.Equal(4, podLines.Count);
        Assert.All(podLines, l => Assert.StartsWith("my-namespace ", l, StringComparison.Ordinal));

        var (_, none, _) = PodnetCli.Run("run", Example(SgExample), "-l", "app in (nothing)");
        Assert.Contains("$ kubectl get pods -A -o wide -l app in (nothing)\nNo resources found\n", none, StringComparison.Ordinal);
    }

    [Fact]
    public void Selector_ThatDoesNotParse_IsApimachinerysError()
    {
        var (exit, _, error) = PodnetCli.Run("run", Example(SgExample), "-l", "app in");

        Assert.Equal(2, exit);
        Assert.Equal("error: --selector \"app in\": unable to parse requirement: found '' expected: '('\n", error);
    }

    [Theory]
    [InlineData("-l", "app=my-app", "error: --selector applies to the text output; -o json prints the whole world\n")]
    [InlineData("--describe", "node/x", "error: --describe applies to the text output; -o json prints the whole world\n")]
    public void TextOnlyFlags_WithJsonOutput_AreRefused_NotIgnored(string flag, string value, string expected)
    {
        var (exit, output, error) = PodnetCli.Run("run", Example(SgExample), "-o", "json", flag, value);

        Assert.Equal(2, exit);
        Assert.Empty(output);
        Assert.Equal(expected, error);
    }

    [Theory]
    [InlineData(SgExample)]
    [InlineData("hello-eks")]
    [InlineData("subnet-exhaustion")]
    public void FreshWorld_WorkloadsAreScheduledOnReadyNodes_WithoutANotReadyFailedScheduling(string example)
    {
        var world = ExampleWorlds.Load(example);
        var events = world.ControlPlane.Store.List("v1", "Event").Items
            .Where(e => e.GetString("reason") == "FailedScheduling" && (e.GetString("message") ?? string.Empty).Contains("node.kubernetes.io/not-ready", StringComparison.Ordinal))
            .Select(e => e.GetString("involvedObject.name")!)
            .ToList();

        // Only CoreDNS, which EKS creates with the cluster, before its nodes are Ready, has one (as on a new EKS cluster).
        Assert.All(events, name => Assert.StartsWith("coredns-", name, StringComparison.Ordinal));
        Assert.Equal(2, events.Count);
    }
}
