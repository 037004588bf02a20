using System.Text.RegularExpressions;
using Podnet.Tests.TestSupport;

namespace Podnet.Tests.Examples;

/// <summary>
/// The seed tutorials as executable examples (examples/seed-*/run.sh), run with the real kubectl and aws against
/// <c>podnet up</c>, checked for the outputs the seeds show.
/// </summary>
public class SeedScriptTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(8);

    [Fact]
    public void Seed000_SecurityGroupsForPods_AsTheSeedShows()
    {
        var (exit, transcript) = SeedScript.Run("seed-000-security-groups-for-pods", Timeout);

        Assert.True(exit == 0, transcript);
        var lines = transcript.Split('\n');

        // The role the seed attaches the resource controller's policy to, and the trunk label on every node.
        Assert.Contains("arn:aws:iam::123456789012:role/podnet-cluster-role", lines);
        Assert.Contains("daemonset.apps/aws-node env updated", lines);
        var trunkNodes = lines.SkipWhile(l => !l.StartsWith("$ kubectl get nodes -o wide -l vpc.amazonaws.com/has-trunk-attached=true", StringComparison.Ordinal)).Skip(1).TakeWhile(l => !l.StartsWith("$ ", StringComparison.Ordinal)).ToList();
        Assert.Equal(4, trunkNodes.Count(l => l.Length > 0));

        // Four pods Running 1/1 with VPC addresses; the first carries its branch interface in the pod-eni annotation.
        Assert.Equal(4, lines.Count(l => l.StartsWith("my-deployment-", StringComparison.Ordinal) && System.Text.RegularExpressions.Regex.IsMatch(l, @"\s1/1\s+Running\s+0\s+\S+\s+192\.168\.")));
        var annotation = Array.FindIndex(lines, l => l.StartsWith("Annotations:", StringComparison.Ordinal) && l.EndsWith("vpc.amazonaws.com/pod-eni:", StringComparison.Ordinal));
        Assert.True(annotation > 0, transcript);
        Assert.StartsWith("[{\"eniId\":\"eni-", lines[annotation + 1].Trim(), StringComparison.Ordinal);
        Assert.Contains(lines, l => Regex.IsMatch(l, @"Normal\s+SecurityGroupRequested\s+.*vpc-resource-controller\s+Pod will get the following Security Groups \[sg-"));

        // curl my-app answers before the revoke; after it, the name no longer resolves while a pod's IP answers.
        var revoke = Array.FindIndex(lines, l => l.StartsWith("$ aws ec2 revoke-security-group-ingress", StringComparison.Ordinal));
        Assert.True(revoke > 0, transcript);
        Assert.Contains(lines.Take(revoke), l => l.Contains("<title>Welcome to nginx!</title>", StringComparison.Ordinal));
        Assert.Contains(lines.Skip(revoke), l => l == "curl: (6) Could not resolve host: my-app");
        Assert.Contains(lines.Skip(revoke), l => l.Contains("<title>Welcome to nginx!</title>", StringComparison.Ordinal));
        Assert.Contains("namespace \"my-namespace\" deleted", lines);

        // A security group deleted while the deleted pods' branch interfaces still hold it (the resource controller
        // deletes them only after its cooldown): EC2 refuses, then, once they are gone, deletes it.
        var deleted = Array.FindIndex(lines, l => l == "namespace \"my-namespace\" deleted");
        Assert.Contains(lines.Skip(deleted), l => Regex.IsMatch(l, @"^An error occurred \(DependencyViolation\) when calling the DeleteSecurityGroup operation: resource sg-[0-9a-f]{17} has a dependent object$"));
        Assert.Equal("$ podnet down", lines.Last(l => l.StartsWith("$ ", StringComparison.Ordinal)));
        Assert.StartsWith("$ aws ec2 delete-security-group", lines.Last(l => l.StartsWith("$ aws", StringComparison.Ordinal)), StringComparison.Ordinal);
    }

    [Fact]
    public void Seed001_TrunkLabelAndPodEni_AsTheSeedShows()
    {
        var (exit, transcript) = SeedScript.Run("seed-001-pod-eni-trunk-label", Timeout);

        Assert.True(exit == 0, transcript);
        var lines = transcript.Split('\n');

        // The seed's cluster: VPC CNI v1.10.1 and eksctl's service role.
        Assert.Contains("amazon-k8s-cni-init:v1.10.1-eksbuild.1", lines);
        Assert.Contains("amazon-k8s-cni:v1.10.1-eksbuild.1", lines);
        Assert.Contains("arn:aws:iam::123456789012:role/eksctl-ironman-2022-cluster-ServiceRole-33QTRI4AJ85B", lines);
        Assert.Contains("daemonset.apps/aws-node env updated", lines);

        // All four nodes carry the trunk label, named in eu-west-1 and running 1.22.
        var trunkNodes = Output(lines, "$ kubectl get nodes -l vpc.amazonaws.com/has-trunk-attached=true");
        Assert.Equal(4, trunkNodes.Count(l => Regex.IsMatch(l, @"^ip-192-168-\d+-\d+\.eu-west-1\.compute\.internal\s+Ready\s+<none>\s+\S+\s+v1\.22\.")));

        Assert.Contains("securitygrouppolicy.vpcresources.k8s.aws/my-security-group-policy-demo created", lines);
        Assert.Contains("pod/aws-cli created", lines);

        // describe po: the branch interface in the annotation, one pod-eni as limit and request, the controller's events.
        var pod = Output(lines, "$ kubectl describe po aws-cli");
        Assert.Contains(pod, l => l.Contains("[{\"eniId\":\"eni-", StringComparison.Ordinal));
        Assert.Equal(2, pod.Count(l => Regex.IsMatch(l, @"^\s+vpc\.amazonaws\.com/pod-eni:\s+1$")));
        Assert.Contains(pod, l => l.Contains("vpc.amazonaws.com/pod-eni:NoSchedule op=Exists", StringComparison.Ordinal));
        Assert.Contains(pod, l => Regex.IsMatch(l, @"Normal\s+SecurityGroupRequested\s+.*Pod will get the following Security Groups \[sg-079157a483bcb371f\]"));
        Assert.Contains(pod, l => Regex.IsMatch(l, @"Normal\s+ResourceAllocated\s+.*Allocated \[\{""eniId"":""eni-"));

        // The first sandbox fails (the branch is not in the pod's annotation yet); the node runs Docker (Kubernetes 1.22),
        // which keeps it, so the next sync says it replaces it before the pod starts: the seed's order.
        var failed = pod.FindIndex(l => Regex.IsMatch(l, @"Warning\s+FailedCreatePodSandBox\s+.*network for pod ""aws-cli"": networkPlugin cni failed to set up pod ""aws-cli_default"" network: add cmd: failed to assign an IP address to container$"));
        var changed = pod.FindIndex(l => Regex.IsMatch(l, @"Normal\s+SandboxChanged\s+.*kubelet\s+Pod sandbox changed, it will be killed and re-created\.$"));
        var started = pod.FindIndex(l => Regex.IsMatch(l, @"Normal\s+Started\s+.*Started container aws-cli$"));
        Assert.True(failed >= 0 && failed < changed && changed < started, string.Join('\n', pod));

        // describe no: eksctl's labels, the trunk label, an m5.large's nine branch interfaces, one of them allocated.
        var node = Output(lines, "$ kubectl describe no ip-");
        Assert.Contains(node, l => l.EndsWith("alpha.eksctl.io/cluster-name=ironman-2022", StringComparison.Ordinal));
        Assert.Contains(node, l => l.Trim() == "vpc.amazonaws.com/has-trunk-attached=true");
        Assert.Equal(2, node.Count(l => Regex.IsMatch(l, @"^\s+vpc\.amazonaws\.com/pod-eni:\s+9$")));
        Assert.Contains(node, l => Regex.IsMatch(l, @"^\s+vpc\.amazonaws\.com/pod-eni\s+1\s+1$"));
    }

    [Fact]
    public void Seed002_PodSecurityGroup_AsTheSeedShows()
    {
        var (exit, transcript) = SeedScript.Run("seed-002-pod-security-group", Timeout);

        Assert.True(exit == 0, transcript);
        var lines = transcript.Split('\n');

        Assert.Contains("daemonset.apps/aws-node env updated", lines);
        var trunkNodes = Output(lines, "$ kubectl get nodes -o wide -l vpc.amazonaws.com/has-trunk-attached=true");
        Assert.Equal(3, trunkNodes.Count(l => l.StartsWith("ip-", StringComparison.Ordinal) && l.Contains(" Ready ", StringComparison.Ordinal)));
        Assert.Contains("daemonset.apps/aws-node patched", lines);
        Assert.Contains("securitygrouppolicy.vpcresources.k8s.aws/nginx-security-group-policy created", lines);

        // The selected pod gets both groups of the policy, on a branch interface.
        var pod = Regex.Match(transcript, @"pod_security_group_id=(sg-[0-9a-f]{17})").Groups[1].Value;
        var node = Regex.Match(transcript, @"node_security_group_id=(sg-[0-9a-f]{17})").Groups[1].Value;
        Assert.NotEqual(string.Empty, pod);
        Assert.NotEqual(string.Empty, node);
        Assert.Contains(lines, l => l.EndsWith($"Pod will get the following Security Groups [{pod} {node}]", StringComparison.Ordinal));
        Assert.Contains($"{pod}\t{node}", lines);

        // With the nodes' group on it, the pod still resolves names through CoreDNS.
        Assert.Contains("Name:\tkubernetes.default.svc.cluster.local", lines);
    }

    [Fact]
    public void Seed004_EgressPolicies_NarrowDnsToKubeDns_AsPodnetReachDecides()
    {
        var (exit, transcript) = SeedScript.Run("seed-004-egress-network-policies", Timeout);

        Assert.True(exit == 0, transcript);
        var lines = transcript.Split('\n');

        Assert.Contains("namespace/kube-system labeled", lines);
        Assert.Equal(2, lines.Count(l => l == "networkpolicy.networking.k8s.io/default-deny-all-egress created"));
        Assert.Contains("networkpolicy.networking.k8s.io/internet-egress created", lines);
        Assert.Contains("namespace/team-a labeled", lines);
        Assert.Contains("namespace/team-b labeled", lines);

        // Each try inside a pod, in order: what the pod's shell printed.
        var tries = Tries(lines);
        Assert.Equal(
            [
                ("team-b", "api", "curl -sS -m 5 web.team-a", "<title>Welcome to nginx!</title>"),
                ("team-a", "web", "nslookup api.team-b", "Name:\tapi.team-b.svc.cluster.local"),
                ("team-a", "web", "curl -sS -m 5 api.team-b", "curl: (28) Connection timed out after 5000 milliseconds"),
                ("team-a", "web", "curl -sS -m 5 API:53", "curl: (7) Failed to connect to API port 53: Connection refused"),
                ("team-b", "api", "nslookup web.team-a", "Name:\tweb.team-a.svc.cluster.local"),
                ("team-b", "api", "curl -sS -m 5 web.team-a", "curl: (28) Connection timed out after 5000 milliseconds"),
                ("team-b", "api", "curl -sS -m 5 WEB:53", "curl: (28) Connection timed out after 5000 milliseconds"),
                ("team-b", "crawler", "curl -sS -m 5 web.team-a", "<title>Welcome to nginx!</title>"),
                ("team-b", "api", "curl -sS -m 5 web.team-a", "curl: (28) Connection timed out after 5000 milliseconds"),
            ],
            tries);

        // The network policy controller's PolicyEndpoints for team-b: the narrowed DNS rule resolved to the two CoreDNS
        // pods and the kube-dns Service's cluster IP, internet-egress's empty rule to both address families.
        var endpoints = Output(lines, "$ kubectl get policyendpoints");
        Assert.Equal(3, endpoints.Count(l => l.Length > 0));
        Assert.Matches(@"^POLICY\s+PODS\s+EGRESS$", endpoints[0]);
        Assert.Matches(@"^default-deny-all-egress\s+api-\S+,crawler-\S+\s+\d+\.\d+\.\d+\.\d+,\d+\.\d+\.\d+\.\d+,10\.100\.0\.10$", endpoints[1]);
        Assert.Matches(@"^internet-egress\s+crawler-\S+\s+0\.0\.0\.0/0,::/0$", endpoints[2]);

        // podnet reach decides the same on examples/egress-policies, the same three policies as a policy-only world.
        var world = Path.Combine(PodnetCli.Examples(), "egress-policies");
        string Reach(string from, string to, string port) => PodnetCli.Run("reach", world, from, to, port).Out.Split('\n')[0];
        Assert.Equal("ALLOWED", Reach("team-b/api", "kube-system/coredns", "53/udp"));
        Assert.Equal("DENIED", Reach("team-b/api", "team-a/web", "8080"));
        Assert.Equal("DENIED", Reach("team-b/api", "team-a/web", "53/tcp"));
        Assert.Equal("ALLOWED", Reach("team-a/web", "team-b/api", "53/tcp"));
        Assert.Equal("DENIED", Reach("team-a/web", "team-b/api", "8080"));
        Assert.Equal("ALLOWED", Reach("team-b/crawler", "team-a/web", "8080"));
    }

    /// <summary>The output of the first command that starts with <paramref name="command"/>, up to the next command.</summary>
    private static List<string> Output(string[] lines, string command)
        => [.. lines.SkipWhile(l => !l.StartsWith(command, StringComparison.Ordinal)).Skip(1).TakeWhile(l => !l.StartsWith("$ ", StringComparison.Ordinal))];

    /// <summary>
    /// Seed 004's tries inside pods: each <c>echo '…' | kubectl exec -i -n NS deploy/NAME</c> with the first line of
    /// the output that tells the result; the pods' addresses are written API and WEB.
    /// </summary>
    private static List<(string Namespace, string Pod, string Command, string Result)> Tries(string[] lines)
    {
        var web = lines.Select(l => Regex.Match(l, @"^\$ web_ip=(\S+)$")).First(m => m.Success).Groups[1].Value;
        var api = lines.Select(l => Regex.Match(l, @"^\$ api_ip=(\S+)$")).First(m => m.Success).Groups[1].Value;
        string Named(string s) => s.Replace(web, "WEB", StringComparison.Ordinal).Replace(api, "API", StringComparison.Ordinal);
        var tries = new List<(string, string, string, string)>();
        for (var i = 0; i < lines.Length; i++)
        {
            var exec = Regex.Match(lines[i], @"^\$ kubectl exec -i -n (\S+) deploy/(\S+) -- /bin/bash$");
            if (!exec.Success)
            {
                continue;
            }

            // bash's xtrace prints a pipeline's commands as each starts, in any order: the echo is among the run of
            // "$ " lines around the exec, and the pod's output follows that run.
            var first = i;
            while (first > 0 && lines[first - 1].StartsWith("$ ", StringComparison.Ordinal))
            {
                first--;
            }

            var last = i;
            while (last + 1 < lines.Length && lines[last + 1].StartsWith("$ ", StringComparison.Ordinal))
            {
                last++;
            }

            var command = lines[first..(last + 1)].Single(l => l.StartsWith("$ echo ", StringComparison.Ordinal))["$ echo ".Length..].Trim('\'', '"');
            var output = lines.Skip(last + 1).TakeWhile(l => !l.StartsWith("$ ", StringComparison.Ordinal));
            var result = output.First(l => l.StartsWith("<title>", StringComparison.Ordinal) || l.StartsWith("curl: ", StringComparison.Ordinal) || l.StartsWith("Name:", StringComparison.Ordinal));
            tries.Add((exec.Groups[1].Value, exec.Groups[2].Value, Named(command), Named(result)));
        }

        return tries;
    }

    [Fact]
    public void Seed003_CustomNetworking_FromAnEmptyAccountAndBack_AsTheSeedShows()
    {
        var (exit, transcript) = SeedScript.Run("seed-003-custom-networking", Timeout);

        Assert.True(exit == 0, transcript);
        var lines = transcript.Split('\n');
        string[] After(string command) => [.. lines.SkipWhile(l => !l.StartsWith(command, StringComparison.Ordinal)).Skip(1).TakeWhile(l => !l.StartsWith("$ ", StringComparison.Ordinal))];

        // The stack, then the cluster: polled until CREATE_COMPLETE and "ACTIVE" (the served clock skips the wait).
        Assert.Contains("\"ACTIVE\"", lines);
        Assert.Contains(lines, l => l.StartsWith("Added new context arn:aws:eks:us-west-2:123456789012:cluster/my-custom-networking-cluster to ", StringComparison.Ordinal));

        // The DescribeVpcs table: one associated block, then two; six subnets, the new ones in the old ones' zones.
        var tables = lines.Select((l, i) => (l, i)).Where(p => p.l.StartsWith("$ aws ec2 describe-vpcs", StringComparison.Ordinal))
            .Select(p => lines.Skip(p.i + 1).TakeWhile(l => !l.StartsWith("$ ", StringComparison.Ordinal)).ToArray()).ToList();
        Assert.Equal(2, tables.Count);
        Assert.Equal(["192.168.0.0/24"], tables[0].Where(l => l.Contains("associated", StringComparison.Ordinal)).Select(l => l.Split('|', StringSplitOptions.TrimEntries)[1]));
        Assert.Equal(["192.168.0.0/24", "192.168.1.0/24"], tables[1].Where(l => l.Contains("associated", StringComparison.Ordinal)).Select(l => l.Split('|', StringSplitOptions.TrimEntries)[1]));
        var subnets = After("$ aws ec2 describe-subnets --region").Where(l => l.Contains("subnet-", StringComparison.Ordinal)).ToList();
        Assert.Equal(6, subnets.Count);
        Assert.Equal(2, subnets.Count(l => l.Contains("192.168.1.", StringComparison.Ordinal)));

        // The new subnets' routes: no table is associated with them, and the main table has only the local routes.
        var routes = lines.Select((l, i) => (l, i)).Where(p => p.l.StartsWith("$ aws ec2 describe-route-tables", StringComparison.Ordinal))
            .Select(p => lines.Skip(p.i + 1).TakeWhile(l => !l.StartsWith("$ ", StringComparison.Ordinal)).Where(l => l.Length > 0).ToArray()).ToList();
        Assert.Equal(2, routes.Count);
        Assert.Empty(routes[0]);
        Assert.Equal(["192.168.0.0/24\tlocal\tactive", "192.168.1.0/24\tlocal\tactive"], routes[1]);

        // Custom networking: the ENIConfigs per zone; two nodes Ready; CoreDNS on addresses of the new 192.168.1.0/24 subnets.
        Assert.Equal(3, After("$ kubectl get ENIConfigs").Count(l => l.Length > 0));
        Assert.Equal(2, After("$ kubectl get nodes").Count(l => Regex.IsMatch(l, @"^ip-192-168-0-\d+\.us-west-2\.compute\.internal\s+Ready\s")));
        var pods = After("$ kubectl get pods -A -o wide");
        Assert.Equal(2, pods.Count(l => Regex.IsMatch(l, @"^kube-system\s+coredns-\S+\s+1/1\s+Running\s+0\s+\S+\s+192\.168\.1\.\d+\s")));
        Assert.Equal(2, pods.Count(l => Regex.IsMatch(l, @"^kube-system\s+aws-node-\S+\s+2/2\s+Running\s+0\s+\S+\s+192\.168\.0\.\d+\s")));

        // The max-pods calculator for the launch-template path: t3.medium with custom networking has 2 usable ENIs of 6
        // addresses, (3 - 1) × (6 - 1) + 2 = 12; the seed's note: 110 for an m5.large with prefix delegation. The tutorial's
        // nodes (no launch template) keep EKS's table value for t3.medium, 17.
        Assert.Equal(["12"], After("$ podnet maxpods --instance-type t3.medium"));
        Assert.Equal(["110"], After("$ podnet maxpods --instance-type m5.large"));
        var maxPods = After("$ kubectl get nodes -o custom-columns=NAME:.metadata.name,MAX-PODS:.status.allocatable.pods").Skip(1).Where(l => l.Length > 0).ToList();
        Assert.Equal(2, maxPods.Count);
        Assert.All(maxPods, l => Assert.EndsWith(" 17", l, StringComparison.Ordinal));

        // Teardown: the seed's two ResourceNotFoundException lines, the stack gone, no network interface left.
        Assert.Contains("An error occurred (ResourceNotFoundException) when calling the DescribeNodegroup operation: No node group found for name: my-nodegroup.", lines);
        Assert.Contains("An error occurred (ResourceNotFoundException) when calling the DescribeCluster operation: No cluster found for name: my-custom-networking-cluster.", lines);
        Assert.Contains("An error occurred (ValidationError) when calling the DescribeStacks operation: Stack with id my-eks-custom-networking-vpc does not exist", lines);
        Assert.DoesNotContain(After("$ aws ec2 describe-network-interfaces"), l => l.Length > 0);
    }
}
