using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Podnet.Kube.Api;
using Podnet.Kube.Serialization;
using Podnet.Policy.NetworkPolicies;
using Podnet.Tests.TestSupport;
using Podnet.World;

namespace Podnet.Tests.Policy.NetworkPolicies;

/// <summary>
/// The shared NetworkPolicy corpus (<c>../shared/netpol-cases</c>, see its README): one row per case directory; every
/// expected verdict of the case must match.
/// </summary>
public class NetworkPolicyCasesTests
{
    [Fact]
    public void Corpus_HasAllCases()
    {
        var root = NetpolCorpus.Root;
        Assert.True(Directory.Exists(root), $"NetworkPolicy cases not found: expected them at {root}");
        var dirs = Directory.GetDirectories(root);
        Assert.Equal(44, dirs.Length);
        var rows = dirs.Sum(d => NetpolCorpus.Rows(d).Count);
        Assert.Equal(41801, rows);
    }

    [Theory]
    [MemberData(nameof(NetpolCorpus.Cases), MemberType = typeof(NetpolCorpus))]
    public void Case_AllVerdictsMatch(string name)
    {
        var dir = NetpolCorpus.Case(name);

        var world = WorldLoader.Load([new WorldSource($"{name}/manifests.yaml", File.ReadAllText(Path.Combine(dir, "manifests.yaml")))]);
        var store = world.ControlPlane.Store;
        var peers = PolicyPeer.FromPods(store.List("v1", "Pod", null).Items, store.List("v1", "Namespace", null).Items);
        var engine = new NetworkPolicyEngine(store.List("networking.k8s.io/v1", "NetworkPolicy", null).Items);

        // The same policies as written, without the API server's defaults (policyTypes, protocol): same verdicts.
        var raw = new NetworkPolicyEngine(YamlManifests.Parse(File.ReadAllText(Path.Combine(dir, "manifests.yaml")), name)
            .Select(d => d.Content).OfType<JsonObject>()
            .Where(o => o["kind"]?.GetValue<string>() == "NetworkPolicy")
            .Select(KubeObject.From));

        var rows = 0;
        var mismatches = new List<string>();
        foreach (var line in File.ReadLines(Path.Combine(dir, "expected.tsv")))
        {
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var fields = line.Split('\t');
            Assert.True(fields.Length == 4, $"{name}: malformed row '{line}'");
            var (from, to, probe, expected) = (fields[0], fields[1], fields[2], fields[3]);
            var slash = probe.IndexOf('/', StringComparison.Ordinal);
            var protocol = probe[..slash];
            var port = int.Parse(probe.AsSpan(slash + 1), System.Globalization.CultureInfo.InvariantCulture);
            var verdict = engine.Evaluate(Resolve(peers, name, from), Resolve(peers, name, to), protocol, port);
            var actual = verdict.Allowed ? "allowed" : "denied";
            Assert.Equal(verdict.Allowed, engine.IsAllowed(Resolve(peers, name, from), Resolve(peers, name, to), protocol, port));
            if (raw.IsAllowed(Resolve(peers, name, from), Resolve(peers, name, to), protocol, port) != verdict.Allowed)
            {
                mismatches.Add($"{name} {from} {to} {probe} (policies without admission defaults disagree)");
            }

            rows++;
            if (actual != expected)
            {
                mismatches.Add($"{name} {from} {to} {probe} {expected} {actual}");
            }
        }

        Assert.True(rows > 0, $"{name}: expected.tsv has no rows");
        if (mismatches.Count > 0)
        {
            var message = new StringBuilder()
                .AppendLine(System.Globalization.CultureInfo.InvariantCulture, $"{mismatches.Count} of {rows} verdicts differ (case from to PROTOCOL/port expected actual):")
                .AppendJoin(Environment.NewLine, mismatches)
                .AppendLine()
                .AppendLine("problems: " + string.Join("; ", engine.Problems));
            Assert.Fail(message.ToString());
        }
    }

    private static PolicyPeer Resolve(IReadOnlyDictionary<string, PolicyPeer> pods, string name, string endpoint)
    {
        if (endpoint.Contains('/', StringComparison.Ordinal))
        {
            Assert.True(pods.TryGetValue(endpoint, out var pod), $"{name}: pod {endpoint} is not in manifests.yaml");
            return pod!;
        }

        Assert.True(IPAddress.TryParse(endpoint, out var ip), $"{name}: '{endpoint}' is neither namespace/pod nor an IP address");
        return PolicyPeer.External(ip!);
    }
}
