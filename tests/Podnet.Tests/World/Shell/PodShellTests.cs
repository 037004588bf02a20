using Podnet.Aws.Ec2;
using Podnet.Kube.Views;
using Podnet.Tests.TestSupport;
using Podnet.World.Shell;

namespace Podnet.Tests.World.Shell;

/// <summary>
/// Seed 000 inside the pod: <c>kubectl exec -it … -- /bin/bash</c>, then <c>curl my-app</c> before and after the DNS
/// rules of the cluster security group are revoked, on the security-groups-for-pods example (seed 000's world).
/// </summary>
public class PodShellTests
{
    private const string Example = "security-groups-for-pods";

    private const string DenyAllIngress = """
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: deny-all-ingress, namespace: my-namespace}
        spec: {podSelector: {}, policyTypes: [Ingress]}
        """;

    private static List<PodView> Replicas(Podnet.World.World world)
        => [.. world.ControlPlane.Store.List("v1", "Pod", "my-namespace").Items.Select(p => PodView.Of(p)).OrderBy(p => p.Name, StringComparer.Ordinal)];

    private static PodShell ShellIn(Podnet.World.World world, PodView pod) => new(world, pod.Namespace, pod.Name);

    /// <summary>aws ec2 revoke-security-group-ingress of the cluster group's DNS rules, as seed 000 does by rule id.</summary>
    private static void RevokeDnsRules(Podnet.World.World world)
    {
        var ec2 = world.Cloud!.Ec2Backend;
        var cluster = world.Cluster!.ResourcesVpcConfig.ClusterSecurityGroupId;
        var dns = ec2.DescribeSecurityGroupRules().Where(r => r.GroupId == cluster && !r.IsEgress && r.FromPort == 53).Select(r => r.SecurityGroupRuleId).ToList();
        Assert.Equal(2, dns.Count);
        ec2.RevokeSecurityGroupIngress(new RevokeSecurityGroupRequest(cluster, SecurityGroupRuleIds: dns));
    }

    [Fact]
    public void Curl_ServiceName_AnswersNginxWelcomePage()
    {
        var world = ExampleWorlds.Load(Example);
        var result = ShellIn(world, Replicas(world)[0]).Exec(["curl", "my-app"]);

        Assert.Equal((NginxPages.WelcomePage, string.Empty, 0), (result.Stdout, result.Stderr, result.ExitCode));
        Assert.StartsWith("<!DOCTYPE html>\n<html>\n<head>\n<title>Welcome to nginx!</title>\n", result.Stdout, StringComparison.Ordinal);
        Assert.Equal(615, System.Text.Encoding.UTF8.GetByteCount(result.Stdout));
        Assert.Contains(result.Reach.SelectMany(r => r.Hops), h => h.Step == "dns" && h.Allowed && h.Detail.StartsWith("my-app.my-namespace.svc.cluster.local resolves to ", StringComparison.Ordinal));
    }

    [Fact]
    public void Curl_EveryReplica_ReachesTheServiceByItsNameForms()
    {
        var world = ExampleWorlds.Load(Example);
        var replicas = Replicas(world);
        Assert.NotEmpty(replicas);
        string[] urls = ["my-app", "my-app:80", "http://my-app/", "http://my-app:80/index.html", "my-app.my-namespace", "my-app.my-namespace.svc.cluster.local", "http://my-app.my-namespace.svc.cluster.local."];
        foreach (var replica in replicas)
        {
            foreach (var url in urls)
            {
                var result = ShellIn(world, replica).Exec(["curl", "-s", url]);
                Assert.True(result.ExitCode == 0, $"{replica.Name} curl {url}: {result.Stderr}\n{result.Explanation}");
                Assert.Equal(NginxPages.WelcomePage, result.Stdout);
            }
        }
    }

    [Fact]
    public void Curl_AfterTheDnsRulesAreRevoked_CannotResolveTheName_ButThePodIpStillAnswers()
    {
        var world = ExampleWorlds.Load(Example);
        var replicas = Replicas(world);
        var shell = ShellIn(world, replicas[0]);
        Assert.Equal(0, shell.Exec(["curl", "my-app"]).ExitCode);

        RevokeDnsRules(world);

        var byName = shell.Exec(["curl", "my-app"]);
        Assert.Equal((string.Empty, "curl: (6) Could not resolve host: my-app\n", 6), (byName.Stdout, byName.Stderr, byName.ExitCode));
        Assert.Contains("- dns: the DNS query (UDP/53) to CoreDNS is denied", byName.Explanation, StringComparison.Ordinal);

        var byIp = shell.Exec(["curl", replicas[1].PodIP!]);
        Assert.Equal((NginxPages.WelcomePage, 0), (byIp.Stdout, byIp.ExitCode));

        var silent = shell.Exec(["curl", "-s", "my-app"]);
        Assert.Equal((string.Empty, 6), (silent.Stderr, silent.ExitCode));
        var limited = shell.Exec(["curl", "-m", "5", "my-app"]);
        Assert.Equal(("curl: (28) Resolving timed out after 5000 milliseconds\n", 28), (limited.Stderr, limited.ExitCode));
    }

    [Fact]
    public void Curl_IngressDeniedByNetworkPolicy_TimesOut()
    {
        var world = ExampleWorlds.Load(Example, text => text.Replace("    env:\n      ENABLE_POD_ENI", "    enableNetworkPolicy: \"true\"\n    env:\n      ENABLE_POD_ENI", StringComparison.Ordinal), DenyAllIngress);
        var replicas = Replicas(world);
        var shell = ShellIn(world, replicas[0]);
        var ip = replicas[1].PodIP!;

        var result = shell.Exec(["curl", ip]);
        Assert.Equal((string.Empty, $"curl: (28) Failed to connect to {ip} port 80: Connection timed out\n", 28), (result.Stdout, result.Stderr, result.ExitCode));
        Assert.Contains("- networkpolicy: ", result.Explanation, StringComparison.Ordinal);
        Assert.DoesNotContain("networkpolicy", result.Stderr, StringComparison.Ordinal);

        var limited = shell.Exec(["curl", "--connect-timeout", "3", "-w", "%{http_code}\\n", $"http://{ip}/"]);
        Assert.Equal(("000\n", "curl: (28) Connection timed out after 3000 milliseconds\n", 28), (limited.Stdout, limited.Stderr, limited.ExitCode));

        var wget = shell.Exec(["wget", "-qO-", ip]);
        Assert.Equal(($"wget: can't connect to remote host ({ip}): Connection timed out\n", 1), (wget.Stderr, wget.ExitCode));
    }

    [Fact]
    public void Curl_APortNothingListensOn_IsRefused()
    {
        var world = ExampleWorlds.Load(Example);
        var replicas = Replicas(world);
        var result = ShellIn(world, replicas[0]).Exec(["curl", $"{replicas[1].PodIP}:8080"]);

        Assert.Equal(($"curl: (7) Failed to connect to {replicas[1].PodIP} port 8080: Connection refused\n", 7), (result.Stderr, result.ExitCode));
        Assert.Contains("declares no containerPort 8080", result.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void Curl_OptionsForHeadersStatusAndUnknownPaths()
    {
        var world = ExampleWorlds.Load(Example);
        var shell = ShellIn(world, Replicas(world)[0]);

        var code = shell.Exec(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "my-app"]);
        Assert.Equal(("200", 0), (code.Stdout, code.ExitCode));

        var head = shell.Exec(["curl", "-sI", "my-app"]);
        Assert.StartsWith("HTTP/1.1 200 OK\r\nServer: nginx/1.23\r\n", head.Stdout, StringComparison.Ordinal);
        Assert.Contains("Content-Length: 615\r\n", head.Stdout, StringComparison.Ordinal);
        Assert.EndsWith("\r\n\r\n", head.Stdout, StringComparison.Ordinal);

        var missing = shell.Exec(["curl", "-f", "my-app/nothing"]);
        Assert.Equal(("curl: (22) The requested URL returned error: 404 Not Found\n", 22), (missing.Stderr, missing.ExitCode));

        var unknown = shell.Exec(["curl", "--bogus", "my-app"]);
        Assert.Equal(2, unknown.ExitCode);
        Assert.StartsWith("curl: option --bogus: is unknown\n", unknown.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Curl_ANameThatDoesNotExist_CannotBeResolved()
    {
        var world = ExampleWorlds.Load(Example);
        var result = ShellIn(world, Replicas(world)[0]).Exec(["curl", "no-such-app"]);

        Assert.Equal(("curl: (6) Could not resolve host: no-such-app\n", 6), (result.Stderr, result.ExitCode));
        Assert.Contains("resolves to nothing (NXDOMAIN)", result.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void Wget_ServiceName_AnswersTheWelcomePage_AndABadAddressWhenDnsIsBlocked()
    {
        var world = ExampleWorlds.Load(Example);
        var shell = ShellIn(world, Replicas(world)[0]);
        var ok = shell.Exec(["wget", "-qO-", "http://my-app"]);
        Assert.Equal((NginxPages.WelcomePage, string.Empty, 0), (ok.Stdout, ok.Stderr, ok.ExitCode));

        RevokeDnsRules(world);
        var blocked = shell.Exec(["wget", "-qO-", "my-app"]);
        Assert.Equal(("wget: bad address 'my-app'\n", 1), (blocked.Stderr, blocked.ExitCode));
    }

    [Fact]
    public void Nslookup_ServiceName_PrintsTheServerAndTheClusterIp()
    {
        var world = ExampleWorlds.Load(Example);
        var store = world.ControlPlane.Store;
        var clusterIp = store.Get("v1", "Service", "my-namespace", "my-app").GetString("spec.clusterIP");
        var dns = store.Get("v1", "Service", "kube-system", "kube-dns").GetString("spec.clusterIP");
        var shell = ShellIn(world, Replicas(world)[0]);

        var found = shell.Exec(["nslookup", "my-app"]);
        Assert.Equal(($"Server:\t\t{dns}\nAddress:\t{dns}#53\n\nName:\tmy-app.my-namespace.svc.cluster.local\nAddress: {clusterIp}\n\n", 0), (found.Stdout, found.ExitCode));

        var missing = shell.Exec(["nslookup", "nope"]);
        Assert.Equal(($"Server:\t\t{dns}\nAddress:\t{dns}#53\n\n** server can't find nope: NXDOMAIN\n\n", 1), (missing.Stdout, missing.ExitCode));

        RevokeDnsRules(world);
        var blocked = shell.Exec(["nslookup", "my-app"]);
        Assert.Equal((";; connection timed out; no servers could be reached\n\n", 1), (blocked.Stdout, blocked.ExitCode));
    }

    [Fact]
    public void GetentHosts_ServiceName_PrintsTheAddressAndTheCanonicalName()
    {
        var world = ExampleWorlds.Load(Example);
        var clusterIp = world.ControlPlane.Store.Get("v1", "Service", "my-namespace", "my-app").GetString("spec.clusterIP")!;
        var shell = ShellIn(world, Replicas(world)[0]);

        var found = shell.Exec(["getent", "hosts", "my-app"]);
        Assert.Equal(($"{clusterIp.PadRight(15)} my-app.my-namespace.svc.cluster.local\n", 0), (found.Stdout, found.ExitCode));
        Assert.Equal(2, shell.Exec(["getent", "hosts", "nope"]).ExitCode);
    }

    [Fact]
    public void ResolvConf_IsTheKubeletsForAClusterFirstPod()
    {
        var world = ExampleWorlds.Load(Example);
        var dns = world.ControlPlane.Store.Get("v1", "Service", "kube-system", "kube-dns").GetString("spec.clusterIP");
        var result = ShellIn(world, Replicas(world)[0]).Exec(["cat", "/etc/resolv.conf"]);

        Assert.Equal($"search my-namespace.svc.cluster.local svc.cluster.local cluster.local us-west-2.compute.internal\nnameserver {dns}\noptions ndots:5\n", result.Stdout);
    }

    [Fact]
    public void Exec_LocalCommands_AndAnUnknownProgram()
    {
        var world = ExampleWorlds.Load(Example);
        var replica = Replicas(world)[0];
        var shell = ShellIn(world, replica);

        Assert.Equal(replica.Name + "\n", shell.Exec(["hostname"]).Stdout);
        Assert.Equal("a b\n", shell.Exec(["echo", "a", "b"]).Stdout);
        Assert.Equal("nginx", shell.Container);

        var unknown = shell.Exec(["foo"]);
        Assert.Equal(127, unknown.ExitCode);
        Assert.Contains("exec: \"foo\": executable file not found in $PATH", unknown.Stderr, StringComparison.Ordinal);

        var viaSh = shell.Exec(["sh", "-c", "foo bar"]);
        Assert.Equal(("sh: 1: foo: not found\n", 127), (viaSh.Stderr, viaSh.ExitCode));
        Assert.Equal(NginxPages.WelcomePage, shell.Exec(["/bin/sh", "-c", "curl -s my-app"]).Stdout);
    }

    private const string Extras = """
        apiVersion: v1
        kind: Pod
        metadata: {name: echo, namespace: my-namespace, labels: {app: echo, role: my-role}}
        spec: {containers: [{name: agnhost, image: registry.k8s.io/e2e-test-images/agnhost:2.39, args: [serve-hostname, --port, "8080"], ports: [{containerPort: 8080}]}]}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: empty, namespace: my-namespace}
        spec: {selector: {app: nothing}, ports: [{port: 80, targetPort: 80}]}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: client, namespace: default}
        spec: {containers: [{name: client, image: public.ecr.aws/docker/library/busybox:1.36, command: [sleep, "3600"]}]}
        """;

    [Fact]
    public void Curl_AnImageOtherThanNginx_AnswersWithThePodsHostname()
    {
        var world = ExampleWorlds.Load(Example, null, Extras);
        var echo = PodView.Of(world.ControlPlane.Store.Get("v1", "Pod", "my-namespace", "echo"));
        var result = ShellIn(world, Replicas(world)[0]).Exec(["curl", "-s", $"http://{echo.PodIP}:8080/"]);

        Assert.Equal(("echo\n", 0), (result.Stdout, result.ExitCode));
    }

    [Fact]
    public void Curl_AServiceWithoutEndpoints_IsRefused()
    {
        var world = ExampleWorlds.Load(Example, null, Extras);
        var result = ShellIn(world, Replicas(world)[0]).Exec(["curl", "empty"]);

        Assert.Equal(("curl: (7) Failed to connect to empty port 80: Connection refused\n", 7), (result.Stderr, result.ExitCode));
        Assert.Contains("has no ready endpoints", result.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void Curl_FromAClientPodWithoutThePodSecurityGroup_ResolvesButTimesOut()
    {
        var world = ExampleWorlds.Load(Example, null, Extras);
        var client = PodView.Of(world.ControlPlane.Store.Get("v1", "Pod", "default", "client"));
        var shell = ShellIn(world, client);

        var lookup = shell.Exec(["getent", "hosts", "my-app.my-namespace"]);
        Assert.Equal(0, lookup.ExitCode);
        var result = shell.Exec(["curl", "-sS", "-m", "2", "my-app.my-namespace"]);
        Assert.Equal(("curl: (28) Connection timed out after 2000 milliseconds\n", 28), (result.Stderr, result.ExitCode));
        Assert.Contains("no ingress rule of sg-05b1d815d1e4a1b2c (my-pod-security-group) allows TCP/80", result.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void Curl_Localhost_IsThePodItself_WithoutTheNetwork()
    {
        var world = ExampleWorlds.Load(Example);
        var replica = Replicas(world)[0];
        var shell = ShellIn(world, replica);

        Assert.Equal(NginxPages.WelcomePage, shell.Exec(["curl", "-s", "localhost"]).Stdout);
        Assert.Equal(NginxPages.WelcomePage, shell.Exec(["curl", "-s", replica.Name]).Stdout);
        Assert.Equal(7, shell.Exec(["curl", "-s", "localhost:8080"]).ExitCode);
    }

    [Fact]
    public void PodShell_ForAMissingPodOrContainer_Throws()
    {
        var world = ExampleWorlds.Load(Example);
        Assert.Throws<ArgumentException>(() => new PodShell(world, "my-namespace", "nope"));
        Assert.Throws<ArgumentException>(() => new PodShell(world, "my-namespace", Replicas(world)[0].Name, "sidecar"));
    }
}
