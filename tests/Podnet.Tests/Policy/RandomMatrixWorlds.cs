using System.Globalization;
using System.Text;
using Podnet.Net;
using Podnet.Tests.TestSupport;
using Podnet.World;

namespace Podnet.Tests.Policy;

/// <summary>
/// Randomised worlds for holding the algebraic matrix to the pairwise oracle, reproducible from a seed: pods with
/// labels and named container ports (TCP, UDP, SCTP), some on the host network or without an address, in namespaces
/// with labels; NetworkPolicies with every kind of peer (podSelector, namespaceSelector, both, ipBlock with except)
/// and port (numeric, named, endPort ranges, UDP, SCTP, all ports) and every policyTypes; and, in a cluster world,
/// security groups that reference each other, CIDRs and a managed prefix list on all protocols, SecurityGroupPolicies, an enforcing mode and
/// a NetworkPolicy enforcer (none, the VPC CNI's agent, Calico).
/// </summary>
internal static class RandomMatrixWorlds
{
    /// <summary>The ports every randomised world is asked about: plain, named, inside an endPort range, UDP and SCTP.</summary>
    public static readonly string[] Ports = ["TCP/80", "TCP/8080", "TCP/8050", "UDP/53", "SCTP/9000", "TCP/5432"];

    private static readonly string[] Apps = ["web", "api", "db"];

    private static readonly string[] ContainerPorts =
    [
        "{name: http, containerPort: 80}",
        "{name: http, containerPort: 8080}",
        "{name: alt, containerPort: 8050}",
        "{name: dns, containerPort: 53, protocol: UDP}",
        "{name: assoc, containerPort: 9000, protocol: SCTP}",
        "{name: pg, containerPort: 5432}",
    ];

    private static readonly string[] PolicyPorts =
    [
        "{port: 80}",
        "{port: http}",
        "{port: dns, protocol: UDP}",
        "{port: 53, protocol: UDP}",
        "{port: 8000, endPort: 8100}",
        "{port: 9000, protocol: SCTP}",
        "{protocol: SCTP}",
        "{port: pg}",
        "{port: assoc, protocol: SCTP}",
    ];

    /// <summary>
    /// A policy-only world: 3 namespaces, 10-24 pods (or <paramref name="pods"/>) with addresses in 10.0.0.0/15,
    /// 3-8 NetworkPolicies.
    /// </summary>
    public static Podnet.World.World PolicyOnly(int seed, int? pods = null)
    {
        var random = new Random(seed);
        var yaml = new StringBuilder();
        var namespaces = Namespaces(random, yaml, 3);
        pods ??= random.Next(10, 25);
        for (var i = 0; i < pods; i++)
        {
            var ip = random.Next(15) switch
            {
                0 => null,
                // Unique per pod (a world may not give two pods one address): the last octet and the block of 250 pods.
                _ => string.Create(CultureInfo.InvariantCulture, $"10.{random.Next(2)}.{((i / 250) * 4) + random.Next(4)}.{(i % 250) + 1}"),
            };
            Pod(random, yaml, namespaces[random.Next(namespaces.Length)], $"p{i}", ip, hostNetwork: random.Next(10) == 0);
        }

        Policies(random, yaml, namespaces, ["10.0.0.0/16", "10.0.1.0/24", "10.1.0.0/16", "0.0.0.0/0", "10.0.0.0/8"], ["10.0.1.0/26", "10.1.2.0/24", "10.0.3.0/24"]);
        return WorldLoader.Load([new WorldSource($"random-{seed}.yaml", yaml.ToString())]);
    }

    /// <summary>
    /// The security-groups-for-pods example (3 nodes, four replicas with a pod security group) with 6-12 more pods,
    /// three security groups, SecurityGroupPolicies and NetworkPolicies; <paramref name="mode"/> is the enforcing mode
    /// (strict or standard), <paramref name="enforcer"/> none, vpc-cni or calico.
    /// </summary>
    public static Podnet.World.World Cluster(int seed, string mode, string enforcer)
    {
        var random = new Random(seed);
        var yaml = new StringBuilder();
        var namespaces = Namespaces(random, yaml, 2);
        string[] groups = ["sg-00000000000000a01", "sg-00000000000000a02", "sg-00000000000000a03"];

        // A prefix list the groups' rules may name, with one to three of the pods' subnet blocks: it must split and
        // admit pods as the same CIDRs in the rules would.
        var entries = new[] { "192.168.64.0/19", "192.168.96.0/19", "192.168.72.0/22", "192.168.100.0/22", "10.0.0.0/8" }
            .OrderBy(_ => random.Next()).Take(random.Next(1, 4));
        yaml.Append(CultureInfo.InvariantCulture, $$"""
            apiVersion: aws.podnet.dev/v1alpha1
            kind: ManagedPrefixList
            metadata: {name: random-list}
            spec: {AddressFamily: IPv4, MaxEntries: 3, Entries: [{{string.Join(", ", entries.Select(e => $"{{Cidr: {e}}}"))}}]}
            ---

            """);
        for (var g = 0; g < groups.Length; g++)
        {
            yaml.Append(CultureInfo.InvariantCulture, $$"""
                apiVersion: aws.podnet.dev/v1alpha1
                kind: SecurityGroup
                metadata: {name: group-{{g}} }
                spec:
                  Vpc: podnet-vpc
                  GroupId: {{groups[g]}}
                  Description: random group {{g}}
                  IpPermissions: [{{GroupPermissions(random, groups, random.Next(1, 4))}}]

                """);
            if (random.Next(3) == 0)
            {
                yaml.Append(CultureInfo.InvariantCulture, $"  IpPermissionsEgress: [{GroupPermissions(random, groups, random.Next(0, 3))}]\n");
            }

            yaml.Append("---\n");
        }

        foreach (var ns in namespaces)
        {
            for (var r = 1; r <= 2; r++)
            {
                var ids = groups.Where(_ => random.Next(2) == 0).DefaultIfEmpty(groups[0]);
                yaml.Append(CultureInfo.InvariantCulture, $$"""
                    apiVersion: vpcresources.k8s.aws/v1beta1
                    kind: SecurityGroupPolicy
                    metadata: {name: sgp-{{r}}, namespace: {{ns}} }
                    spec:
                      podSelector: {matchLabels: {role: r{{r}} } }
                      securityGroups: {groupIds: [{{string.Join(", ", ids)}}]}
                    ---

                    """);
            }
        }

        var pods = random.Next(6, 13);
        for (var i = 0; i < pods; i++)
        {
            Pod(random, yaml, namespaces[random.Next(namespaces.Length)], $"p{i}", ip: null, hostNetwork: random.Next(8) == 0);
        }

        Policies(random, yaml, [.. namespaces, "my-namespace", "kube-system"], ["192.168.64.0/19", "192.168.96.0/19", "192.168.0.0/16", "0.0.0.0/0"], ["192.168.64.0/24", "192.168.100.0/22", "192.168.80.0/20"]);
        string Edit(string text)
        {
            text = ExampleWorlds.WithCniEnv(text, ("POD_SECURITY_GROUP_ENFORCING_MODE", mode));
            return enforcer == "vpc-cni"
                ? text.Replace("  ConfigurationValues:\n    env:", "  ConfigurationValues:\n    enableNetworkPolicy: \"true\"\n    env:", StringComparison.Ordinal)
                : text;
        }

        return enforcer == "calico"
            ? ExampleWorlds.Load("security-groups-for-pods", Edit, yaml.ToString(), ExampleWorlds.CalicoDaemonSet)
            : ExampleWorlds.Load("security-groups-for-pods", Edit, yaml.ToString());
    }

    /// <summary>Up to <paramref name="count"/> permissions; EC2 refuses a rule twice (same protocol and peer), so none repeats.</summary>
    private static string GroupPermissions(Random random, string[] groups, int count)
    {
        var used = new HashSet<(string, string)>();
        var permissions = new List<string>();
        for (var i = 0; i < count; i++)
        {
            var protocol = random.Next(6) switch
            {
                0 => "IpProtocol: \"-1\"",
                1 => "IpProtocol: tcp, FromPort: 80, ToPort: 80",
                2 => "IpProtocol: tcp, FromPort: 8000, ToPort: 8100",
                3 => "IpProtocol: udp, FromPort: 53, ToPort: 53",
                4 => "IpProtocol: \"132\"",
                _ => "IpProtocol: \"6\", FromPort: 5000, ToPort: 6000",
            };
            var group = groups[random.Next(groups.Length)];
            var cidr = random.Next(2) == 0
                ? new[] { "192.168.64.0/19", "192.168.96.0/19", "192.168.0.0/16", "10.0.0.0/8" }[random.Next(4)]
                : string.Create(CultureInfo.InvariantCulture, $"192.168.{random.Next(16, 32) * 4}.0/22");
            var peers = new List<string>();
            var kind = random.Next(3);
            if (kind != 1 && used.Add((protocol, group)))
            {
                peers.Add($"UserIdGroupPairs: [{{GroupId: {group}}}]");
            }

            if (kind != 0 && used.Add((protocol, cidr)))
            {
                peers.Add($"IpRanges: [{{CidrIp: {cidr}}}]");
            }

            if (random.Next(3) == 0 && used.Add((protocol, "random-list")))
            {
                peers.Add("PrefixListIds: [{PrefixListId: random-list}]");
            }

            if (peers.Count > 0)
            {
                permissions.Add($"{{{protocol}, {string.Join(", ", peers)}}}");
            }
        }

        return string.Join(", ", permissions);
    }

    private static string[] Namespaces(Random random, StringBuilder yaml, int count)
    {
        var names = Enumerable.Range(0, count).Select(n => $"n{n}").ToArray();
        foreach (var name in names)
        {
            yaml.Append(CultureInfo.InvariantCulture, $$"""
                apiVersion: v1
                kind: Namespace
                metadata: {name: {{name}}, labels: {team: {{(random.Next(2) == 0 ? "a" : "b")}}, env: {{(random.Next(2) == 0 ? "prod" : "dev")}} } }
                ---

                """);
        }

        return names;
    }

    private static void Pod(Random random, StringBuilder yaml, string ns, string name, string? ip, bool hostNetwork)
    {
        var labels = new List<string> { $"app: {Apps[random.Next(Apps.Length)]}" };
        if (random.Next(2) == 0)
        {
            labels.Add($"tier: {(random.Next(2) == 0 ? "front" : "back")}");
        }

        if (random.Next(3) != 0)
        {
            labels.Add($"role: r{random.Next(1, 3)}");
        }

        var ports = ContainerPorts.Where(_ => random.Next(3) == 0).ToList();
        yaml.Append(CultureInfo.InvariantCulture, $$"""
            apiVersion: v1
            kind: Pod
            metadata: {name: {{name}}, namespace: {{ns}}, labels: { {{string.Join(", ", labels)}} } }
            spec: {hostNetwork: {{(hostNetwork ? "true" : "false")}}, containers: [{name: main, image: nginx, ports: [{{string.Join(", ", ports)}}]}]}

            """);
        if (ip is not null)
        {
            yaml.Append(CultureInfo.InvariantCulture, $"status: {{podIP: {ip}}}\n");
        }

        yaml.Append("---\n");
    }

    private static void Policies(Random random, StringBuilder yaml, string[] namespaces, string[] cidrs, string[] excepts)
    {
        var count = random.Next(3, 9);
        for (var p = 0; p < count; p++)
        {
            var types = random.Next(4) switch
            {
                0 => string.Empty,
                1 => "\n  policyTypes: [Ingress]",
                2 => "\n  policyTypes: [Egress]",
                _ => "\n  policyTypes: [Ingress, Egress]",
            };
            yaml.Append(CultureInfo.InvariantCulture, $$"""
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: np-{{p}}, namespace: {{namespaces[random.Next(namespaces.Length)]}} }
                spec:
                  podSelector: {{Selector(random, pod: true)}}{{types}}
                  ingress: [{{Rules(random, "from", cidrs, excepts)}}]
                  egress: [{{Rules(random, "to", cidrs, excepts)}}]
                ---

                """);
        }
    }

    private static string Rules(Random random, string field, string[] cidrs, string[] excepts)
        => string.Join(", ", Enumerable.Range(0, random.Next(3)).Select(_ =>
        {
            var parts = new List<string>();
            if (random.Next(4) != 0)
            {
                parts.Add($"{field}: [{string.Join(", ", Enumerable.Range(0, random.Next(1, 3)).Select(_ => Peer(random, cidrs, excepts)))}]");
            }

            if (random.Next(3) != 0)
            {
                parts.Add($"ports: [{string.Join(", ", Enumerable.Range(0, random.Next(1, 3)).Select(_ => PolicyPorts[random.Next(PolicyPorts.Length)]))}]");
            }

            return $"{{{string.Join(", ", parts)}}}";
        }));

    private static string Peer(Random random, string[] cidrs, string[] excepts) => random.Next(4) switch
    {
        0 => $"{{podSelector: {Selector(random, pod: true)}}}",
        1 => $"{{namespaceSelector: {Selector(random, pod: false)}}}",
        2 => $"{{namespaceSelector: {Selector(random, pod: false)}, podSelector: {Selector(random, pod: true)}}}",
        _ => random.Next(2) == 0
            ? $"{{ipBlock: {{cidr: {cidrs[random.Next(cidrs.Length)]}}}}}"
            : IpBlockWithExcept(cidrs[random.Next(cidrs.Length)], excepts[random.Next(excepts.Length)]),
    };

    /// <summary>An ipBlock with an except, which the API server takes only inside the CIDR; else the CIDR alone.</summary>
    private static string IpBlockWithExcept(string cidr, string except)
    {
        var (block, inner) = (CidrBlock.Parse(cidr), CidrBlock.Parse(except));
        return block.Contains(inner) && inner.PrefixLength > block.PrefixLength
            ? $"{{ipBlock: {{cidr: {cidr}, except: [{except}]}}}}"
            : $"{{ipBlock: {{cidr: {cidr}}}}}";
    }

    private static string Selector(Random random, bool pod) => (pod, random.Next(5)) switch
    {
        (_, 0) => "{}",
        (true, 1) => $"{{matchLabels: {{app: {Apps[random.Next(Apps.Length)]}}}}}",
        (true, 2) => "{matchExpressions: [{key: tier, operator: In, values: [front]}]}",
        (true, 3) => "{matchExpressions: [{key: tier, operator: DoesNotExist}]}",
        (true, _) => $"{{matchLabels: {{role: r{random.Next(1, 3)}}}}}",
        (false, 1) => $"{{matchLabels: {{team: {(random.Next(2) == 0 ? "a" : "b")}}}}}",
        (false, 2) => "{matchExpressions: [{key: env, operator: NotIn, values: [prod]}]}",
        (false, 3) => "{matchLabels: {kubernetes.io/metadata.name: kube-system}}",
        (false, _) => "{matchExpressions: [{key: team, operator: Exists}]}",
    };
}
