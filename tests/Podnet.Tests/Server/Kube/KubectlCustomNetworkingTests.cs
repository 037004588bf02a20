using Podnet.Aws.Ec2;
using Podnet.Tests.TestSupport;

namespace Podnet.Tests.Server.Kube;

/// <summary>
/// Seed 003's and seed 001's remaining kubectl forms against <c>podnet up</c> (a cluster of its own, since custom
/// networking changes the CNI's settings): k2 and k3 (describe aws-node piped through grep), k6/k7 (set env),
/// k21/k15 (ENIConfigs applied and listed), k12/k10/k11/k14 (get nodes and pods), k20 (a pod applied), k29
/// (label a namespace).
/// </summary>
public sealed class KubectlCustomNetworkingTests : IClassFixture<ServedWorld>
{
    private readonly ServedWorld _served;

    public KubectlCustomNetworkingTests(ServedWorld served)
    {
        _served = served;
    }

    [Fact]
    public async Task Seed003_CustomNetworkingSteps_AndSeed001Pod()
    {
        const string v = "1.32";

        // k2: the CNI image of the cluster, as the seed greps it.
        var describe = _served.KubectlOk(v, "describe", "daemonset", "aws-node", "-n", "kube-system");
        var cni = describe.Split('\n').Where(l => l.Contains("amazon-k8s-cni:", StringComparison.Ordinal)).Select(l => l.Split('/')[1]).ToList();
        Assert.Single(cni);
        Assert.StartsWith("amazon-k8s-cni:v1.", cni[0], StringComparison.Ordinal);

        // k3: nothing before the setting exists, then the setting (the seed decides its path by this output).
        Assert.DoesNotContain("ENI_CONFIG_ANNOTATION_DEF", describe, StringComparison.Ordinal);

        // k6, k7.
        Assert.Equal("daemonset.apps/aws-node env updated\n", _served.KubectlOk(v, "set", "env", "daemonset", "aws-node", "-n", "kube-system", "AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG=true"));
        Assert.Equal("daemonset.apps/aws-node env updated\n", _served.KubectlOk(v, "set", "env", "daemonset", "aws-node", "-n", "kube-system", "ENI_CONFIG_LABEL_DEF=topology.kubernetes.io/zone"));
        Assert.Matches(@"ENI_CONFIG_LABEL_DEF:\s+topology\.kubernetes\.io/zone", _served.KubectlOk(v, "describe", "daemonset", "aws-node", "-n", "kube-system"));

        // k21: one ENIConfig per zone, named after it, then k15 lists them.
        var world = _served.Server.Cluster.World;
        var clusterGroup = world.Cluster!.ResourcesVpcConfig.ClusterSecurityGroupId;
        var subnets = _served.Server.Cluster.Read(() => world.Cloud!.Ec2Backend.DescribeSubnets(DescribeRequest.ForIds([.. world.Cluster.ResourcesVpcConfig.SubnetIds])));
        var zones = subnets.GroupBy(s => s.AvailabilityZone).Select(g => (Zone: g.Key, Subnet: g.First().SubnetId)).OrderBy(z => z.Zone, StringComparer.Ordinal).ToList();
        Assert.NotEmpty(zones);
        foreach (var (zone, subnet) in zones)
        {
            var file = Path.Combine(_served.Directory, zone + ".yaml");
            await File.WriteAllTextAsync(file, $"""
                apiVersion: crd.k8s.amazonaws.com/v1alpha1
                kind: ENIConfig
                metadata:
                  name: {zone}
                spec:
                  securityGroups:
                    - {clusterGroup}
                  subnet: {subnet}
                """);
            Assert.Equal($"eniconfig.crd.k8s.amazonaws.com/{zone} created\n", _served.KubectlOk(v, "apply", "-f", file));
        }

        var eniConfigs = _served.KubectlOk(v, "get", "ENIConfigs").TrimEnd('\n').Split('\n');
        Assert.Matches(@"^NAME\s+AGE$", eniConfigs[0]);
        Assert.Equal(zones.Select(z => z.Zone), eniConfigs.Skip(1).Select(l => l.Split(' ')[0]));

        // k12, k10: the nodes, Ready.
        var nodes = _served.KubectlOk(v, "get", "nodes").TrimEnd('\n').Split('\n');
        Assert.Matches(@"^NAME\s+STATUS\s+ROLES\s+AGE\s+VERSION$", nodes[0]);
        Assert.Equal(4, nodes.Length);
        Assert.All(nodes.Skip(1), n => Assert.Matches(@"^ip-\S+\s+Ready\s+<none>\s+\S+\s+v1\.31\.7-eks-473151a$", n));

        // k20: seed 001's aws-cli pod (without its policy here), applied.
        var pod = Path.Combine(_served.Directory, "aws-cli.yaml");
        await File.WriteAllTextAsync(pod, """
            apiVersion: v1
            kind: Pod
            metadata:
              name: aws-cli
              namespace: default
              labels:
                role: demo-sg
            spec:
              containers:
              - name: aws-cli
                image: amazon/aws-cli:latest
                command:
                - sleep
                - infinity
                imagePullPolicy: IfNotPresent
              restartPolicy: Always
            """);
        Assert.Equal("pod/aws-cli created\n", _served.KubectlOk(v, "apply", "-f", pod));

        // k11, k14: kube-system's pods, then every pod with the wide columns (NAMESPACE first).
        var system = _served.KubectlOk(v, "-n", "kube-system", "get", "po").TrimEnd('\n').Split('\n');
        Assert.Matches(@"^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE$", system[0]);
        Assert.Contains(system, l => l.StartsWith("coredns-", StringComparison.Ordinal));
        var all = _served.KubectlOk(v, "get", "pods", "-A", "-o", "wide").TrimEnd('\n').Split('\n');
        Assert.Matches(@"^NAMESPACE\s+NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\s+IP\s+NODE\s+NOMINATED NODE\s+READINESS GATES$", all[0]);
        Assert.Contains(all, l => l.StartsWith("default ", StringComparison.Ordinal) && l.Contains("aws-cli", StringComparison.Ordinal));

        // k29: seed 004's namespace label.
        Assert.Equal("namespace/default labeled\n", _served.KubectlOk(v, "label", "namespace", "default", "networking/namespace=default"));
    }
}
