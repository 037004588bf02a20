using Podnet.Aws.Ec2;
using Podnet.Kube.Printing;
using Podnet.Kube.Views;
using Podnet.Lint;
using Podnet.Tests.TestSupport;
using Podnet.World;

namespace Podnet.Tests.World;

/// <summary>
/// The regions and Kubernetes versions the seeds use: seed 001's cluster runs Kubernetes 1.22 in eu-west-1
/// (<c>ip-192-168-31-166.eu-west-1.compute.internal Ready &lt;none&gt; 111m v1.22.12-eks-ba74326</c>). A world takes
/// its region from its subnets' zones, and a version EKS no longer offers loads with a lint warning.
/// </summary>
public class RegionAndVersionTests
{
    /// <summary>The default world moved to eu-west-1 (zones a and b) on Kubernetes <paramref name="version"/>.</summary>
    private static string Seed001(string version = "1.22")
        => ExampleWorlds.Text("hello-eks", "cluster.yaml")
            .Replace("us-west-2", "eu-west-1", StringComparison.Ordinal)
            .Replace("Version: \"1.31\"", $"Version: \"{version}\"", StringComparison.Ordinal);

    [Fact]
    public void Seed001World_InEuWest1OnKubernetes122_Runs_AndLintWarnsAboutTheVersion()
    {
        var dir = Directory.CreateTempSubdirectory("podnet-region-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(dir, "cluster.yaml"), Seed001());
            var world = WorldLoader.Load([new WorldSource("cluster.yaml", Seed001())]);
            Assert.Equal("eu-west-1", world.Cloud!.Options.Region);
            var nodes = world.ControlPlane.Store.List("v1", "Node").Items.Select(n => new NodeView(n)).ToList();
            Assert.Equal(3, nodes.Count);
            Assert.All(nodes, n =>
            {
                Assert.True(n.IsReady);
                Assert.Matches(@"^ip-192-168-\d+-\d+\.eu-west-1\.compute\.internal$", n.Name);
                Assert.StartsWith("eu-west-1", n.Object.Labels["topology.kubernetes.io/zone"], StringComparison.Ordinal);
                Assert.Equal("eu-west-1", n.Object.Labels["topology.kubernetes.io/region"]);
                Assert.StartsWith("euw1-az", n.Object.Labels["topology.k8s.aws/zone-id"], StringComparison.Ordinal);
                Assert.Equal("v1.22.12-eks-ba74326", n.Object["status.nodeInfo.kubeletVersion"]!.GetValue<string>());
                Assert.StartsWith("aws:///eu-west-1", n.ProviderId, StringComparison.Ordinal);
            });
            Assert.StartsWith("arn:aws:eks:eu-west-1:123456789012:cluster/podnet", world.Cluster!.Arn, StringComparison.Ordinal);
            var awsNode = world.ControlPlane.Store.Get(world.ControlPlane.Store.Resources.For("apps/v1", "DaemonSet"), "kube-system", "aws-node");
            Assert.Equal("602401143452.dkr.ecr.eu-west-1.amazonaws.com/amazon-k8s-cni:v1.19.2-eksbuild.1", awsNode["spec.template.spec.containers"]![0]!["image"]!.GetValue<string>());

            // run shows it; lint warns (exit 0: a warning), and reach works on it.
            var run = PodnetCli.Run("run", dir).Out;
            Assert.Contains("v1.22.12-eks-ba74326   192.168.64.4   eu-west-1a   m5.large", run, StringComparison.Ordinal);
            var (exit, lint, _) = PodnetCli.Run("lint", dir);
            Assert.Equal(0, exit);
            Assert.Equal($"""
                warning  Cluster podnet  [{EksVersionNotOffered.Id}]
                  spec.Version: Kubernetes 1.22 is no longer offered by Amazon EKS (it offers 1.28, 1.29, 1.30, 1.31, 1.32, 1.33, 1.34, 1.35): `aws eks create-cluster --kubernetes-version 1.22` answers InvalidParameterException: unsupported Kubernetes version 1.22, and EKS upgrades a cluster still on it when its extended support ends
                  fix: rehearse on a version EKS offers, e.g. `Version: "1.35"`; upgrade a real cluster one minor version at a time (`aws eks update-cluster-version --name podnet --kubernetes-version …`)

                1 finding: 0 error(s), 1 warning(s)

                """, lint);
            Assert.Equal(0, PodnetCli.Run("reach", dir, $"node/{nodes[0].Name}", "deploy/kube-system/coredns", "53/udp").Exit);

            // A version EKS offers gets no warning.
            File.WriteAllText(Path.Combine(dir, "cluster.yaml"), Seed001("1.35"));
            Assert.Equal((0, "no findings\n"), Lint(dir));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static (int Exit, string Out) Lint(string dir)
    {
        var (exit, output, _) = PodnetCli.Run("lint", dir);
        return (exit, output);
    }

    /// <summary>
    /// Seed 001's nodes run <c>v1.22.12-eks-ba74326</c>, the kubelet of amazon-eks-node-1.22-v20221104: eksctl's
    /// managed node group on Kubernetes 1.22 got EKS's default AMI type then, Amazon Linux 2 (kernel
    /// 5.4.219-126.411.amzn2, Docker 20.10.17), which <c>kubectl get nodes -o wide</c> shows.
    /// </summary>
    [Fact]
    public void Seed001World_NodeGroupWithoutAmiType_IsAmazonLinux2_AsKubectlGetNodesWideShows()
    {
        var world = ExampleWorlds.Load("seed-001-pod-eni-trunk-label");

        Assert.Equal("AL2_x86_64", world.Cloud!.Eks.DescribeNodegroup("ironman-2022", "ng1-public-ssh").AmiType);
        var nodes = world.ControlPlane.Store.List("v1", "Node").Items;
        Assert.Equal(4, nodes.Count);
        Assert.All(nodes, n => Assert.Equal(
            ["Amazon Linux 2", "5.4.219-126.411.amzn2.x86_64", "docker://20.10.17"],
            NodePrinter.Printer.Cells(n, world.Time.GetUtcNow()).TakeLast(3).Select(c => c!.GetValue<string>())));
    }

    [Fact]
    public void NodeGroup_AmiTypeWithoutAnAmiForTheVersion_IsEksInvalidParameter_OnSpecAmiType()
    {
        static string WithAmiType(string text, string amiType) => text.Replace("  DesiredSize: 3", $"  AmiType: {amiType}\n  DesiredSize: 3", StringComparison.Ordinal);

        var al2023 = Assert.Throws<WorldException>(() => WorldLoader.Load([new WorldSource("cluster.yaml", WithAmiType(Seed001(), "AL2023_x86_64_STANDARD"))]));
        Assert.Equal("cluster.yaml: document 7 (line 65, NodeGroup ng-1): spec.AmiType: InvalidParameterException: AMI Type AL2023_x86_64_STANDARD is only supported for kubernetes versions 1.23 or later (Kubernetes 1.22: leave AmiType out for EKS's default, AL2_x86_64)", al2023.Message);

        var al2 = Assert.Throws<WorldException>(() => WorldLoader.Load([new WorldSource("cluster.yaml", WithAmiType(Seed001("1.33"), "AL2_x86_64"))]));
        Assert.Equal("cluster.yaml: document 7 (line 65, NodeGroup ng-1): spec.AmiType: InvalidParameterException: AMI Type AL2_x86_64 is only supported for kubernetes versions 1.32 or earlier (Kubernetes 1.33: leave AmiType out for EKS's default, AL2023_x86_64_STANDARD)", al2.Message);

        // Where EKS has the AMI, it is taken: AL2 on 1.32, AL2023 on 1.23.
        Assert.Equal("AL2_x86_64", WorldLoader.Load([new WorldSource("cluster.yaml", WithAmiType(Seed001("1.32"), "AL2_x86_64"))]).Cloud!.Eks.DescribeNodegroup("podnet", "ng-1").AmiType);
        Assert.Equal("AL2023_x86_64_STANDARD", WorldLoader.Load([new WorldSource("cluster.yaml", WithAmiType(Seed001("1.23"), "AL2023_x86_64_STANDARD"))]).Cloud!.Eks.DescribeNodegroup("podnet", "ng-1").AmiType);
    }

    [Fact]
    public void VersionEksNeverOffered_IsAnError_ThatListsTheVersions()
    {
        var error = Assert.Throws<WorldException>(() => WorldLoader.Load([new WorldSource("cluster.yaml", Seed001("1.99"))]));
        Assert.Equal("cluster.yaml: document 6 (line 57, Cluster podnet): InvalidParameterException: unsupported Kubernetes version 1.99 (Amazon EKS offers 1.28, 1.29, 1.30, 1.31, 1.32, 1.33, 1.34, 1.35; a world may also describe a cluster of a version EKS offered before, 1.10 to 1.27)", error.Message);
    }

    [Fact]
    public void ZonesFollowTheRegion_ByNameOrId_AndOneWorldIsOneRegion()
    {
        // eu-west-1 has three zones: a fourth is EC2's InvalidParameterValue with the zones there are.
        var d = Assert.Throws<WorldException>(() => WorldLoader.Load([new WorldSource("cluster.yaml", Seed001().Replace("AvailabilityZone: eu-west-1b", "AvailabilityZone: eu-west-1d", StringComparison.Ordinal))]));
        Assert.EndsWith("InvalidParameterValue: Value (eu-west-1d) for parameter availabilityZone is invalid. Subnets can currently only be created in the following availability zones: eu-west-1a, eu-west-1b, eu-west-1c.", d.Message, StringComparison.Ordinal);

        // A zone ID names the region too (euw1-az2 is eu-west-1b).
        var byId = WorldLoader.Load([new WorldSource("cluster.yaml", Seed001().Replace("AvailabilityZone: eu-west-1b", "AvailabilityZoneId: euw1-az2", StringComparison.Ordinal))]);
        Assert.Equal("eu-west-1", byId.Cloud!.Options.Region);
        Assert.Contains(byId.Cloud.Ec2Backend.DescribeSubnets(), s => s.AvailabilityZone == "eu-west-1b" && s.AvailabilityZoneId == "euw1-az2");

        var mixed = Assert.Throws<WorldException>(() => WorldLoader.Load([new WorldSource("cluster.yaml", Seed001().Replace("AvailabilityZone: eu-west-1b", "AvailabilityZone: us-west-2b", StringComparison.Ordinal))]));
        Assert.Equal("cluster.yaml: document 3 (line 23, Subnet public-eu-west-1b): spec.AvailabilityZone: Invalid value: \"us-west-2b\": a world is one region, and cluster.yaml: document 2 (line 11, Subnet public-eu-west-1a) is in eu-west-1 (eu-west-1a)", mixed.Message);

        var nowhere = Assert.Throws<WorldException>(() => WorldLoader.Load([new WorldSource("cluster.yaml", Seed001().Replace("AvailabilityZone: eu-west-1b", "AvailabilityZone: mars-1b", StringComparison.Ordinal))]));
        Assert.StartsWith("cluster.yaml: document 3 (line 23, Subnet public-eu-west-1b): spec.AvailabilityZone: Invalid value: \"mars-1b\": not a zone of an AWS region (regions: us-east-1, us-east-2, us-west-1, us-west-2, ", nowhere.Message, StringComparison.Ordinal);

        // Without zones in the world, it is in us-west-2 as before.
        Assert.Equal("us-west-2", WorldLoader.LoadDefault().Cloud!.Options.Region);
    }
}
