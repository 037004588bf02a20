using System.Text.Json.Nodes;
using Podnet.Kube.Api;
using Podnet.Kube.Serialization;
using Podnet.Tests.TestSupport;
using static Podnet.Tests.Policy.NetworkPolicies.EgressPolicyGeneratorTests;

namespace Podnet.Tests.Cli;

/// <summary><c>podnet netpol egress-for PATH</c>: seed 004's mirrored egress policies as YAML that parses back.</summary>
public sealed class NetpolCommandTests : IDisposable
{
    private const string Namespace = """
        apiVersion: v1
        kind: Namespace
        metadata: {name: shop}
        """;

    private const string IpBlockIngress = """
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: allow-lb, namespace: shop}
        spec:
          podSelector: {}
          ingress:
          - from: [{ipBlock: {cidr: 192.168.0.0/16}}]
        """;

    private readonly string _dir = Path.Combine(Path.GetTempPath(), $"podnet-netpol-{Guid.NewGuid():N}");

    public NetpolCommandTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    private static List<KubeObject> ParseBack(string output)
        => [.. YamlManifests.Parse(output, "stdout").Where(d => d.Content is not null).Select(d => KubeObject.From((JsonObject)d.Content!))];

    [Fact]
    public void OneFile_WithOtherKinds_PrintsTheMirrors_ThatParseBack_NotesAsComments()
    {
        var path = Write("policies.yaml", string.Join("\n---\n", Namespace, SameNamespaceIngress, IpBlockIngress, CrossNamespaceIngress) + "\n");

        var (exit, output, error) = PodnetCli.Run("netpol", "egress-for", path);

        Assert.Equal(0, exit);
        Assert.Empty(error);
        var policies = ParseBack(output);
        Assert.Equal(2, policies.Count);
        AssertSame(SameNamespaceEgress, policies[0]);
        AssertSame(CrossNamespaceEgress, policies[1]);

        var comments = output.Split('\n').TakeWhile(l => l.StartsWith('#')).ToList();
        Assert.Contains(comments, l => l.StartsWith("#   shop/allow-lb: ingress rule 1, peer 1 (ipBlock 192.168.0.0/16) names addresses, not pods", StringComparison.Ordinal));
        Assert.Contains("# egress for ingress policy api/allow-web\n", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Directory_ReadsEveryYamlFileInNameOrder_AndAListOfPolicies()
    {
        Write("b/cross.yml", CrossNamespaceIngress);
        Write("a.yaml", $"apiVersion: v1\nkind: List\nitems:\n- {YamlManifests.ToYaml(YamlManifests.ParseSingle(SameNamespaceIngress, "x")).Replace("\n", "\n  ", StringComparison.Ordinal).TrimEnd()}\n");
        Write("notes.txt", "not yaml: [");

        var (exit, output, error) = PodnetCli.Run("netpol", "egress-for", _dir);

        Assert.True(exit == 0, error);
        Assert.Equal(["shop/allow-frontend-egress", "web/allow-web-egress-to-api"], ParseBack(output).Select(p => $"{p.Namespace}/{p.Name}"));
    }

    [Fact]
    public void OnlyNotes_PrintsOnlyComments()
    {
        var (exit, output, _) = PodnetCli.Run("netpol", "egress-for", Write("lb.yaml", IpBlockIngress));
        Assert.Equal(0, exit);
        Assert.Empty(ParseBack(output));
        Assert.All(output.TrimEnd('\n').Split('\n'), l => Assert.StartsWith("#", l, StringComparison.Ordinal));
    }

    [Fact]
    public void Errors_GoToStderr_WithExitCode2()
    {
        var missing = PodnetCli.Run("netpol", "egress-for", Path.Combine(_dir, "missing.yaml"));
        Assert.Equal(2, missing.Exit);
        Assert.Empty(missing.Out);
        Assert.StartsWith("error: ", missing.Err, StringComparison.Ordinal);

        var bad = PodnetCli.Run("netpol", "egress-for", Write("bad.yaml", "a: [\n"));
        Assert.Equal(2, bad.Exit);
        Assert.StartsWith("error: ", bad.Err, StringComparison.Ordinal);
        Assert.Contains("bad.yaml:", bad.Err, StringComparison.Ordinal);

        var none = PodnetCli.Run("netpol", "egress-for", Write("ns.yaml", Namespace));
        Assert.Equal(2, none.Exit);
        Assert.EndsWith("no networking.k8s.io/v1 NetworkPolicy found\n", none.Err, StringComparison.Ordinal);
    }
}
