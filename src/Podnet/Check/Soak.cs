using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Podnet.Aws.Ec2.Faults;
using Podnet.Kube.Store;
using Podnet.Kube.Views;
using Podnet.World;

namespace Podnet.Check;

/// <summary>
/// The soak of issue 15: a cluster of m5.xlarge nodes (20 pods a node, as the scale worlds) with security groups for
/// pods on, whose Deployments of 50 pods — every other one matched by a SecurityGroupPolicy, so half the pods run on
/// branch interfaces — are scaled down and up in waves (pods deleted, then created) while EC2 fails calls at the
/// given rates (the world's <c>Account</c> <c>spec.Faults</c>). In the end every pod must be Running and
/// <see cref="Invariants"/> must hold: no leaked interface, no duplicate address or VLAN.
/// </summary>
public static class Soak
{
    /// <summary>Pods per node, as in the scale worlds: m5.xlarge takes 18 branch interfaces, so 10 pods with security groups fit.</summary>
    public const int PodsPerNode = 20;

    private const int ReplicasPerDeployment = 50;
    private const int NodesPerGroup = 450;

    /// <summary>The share of each Deployment's pods kept by each wave's scale-down, in turn.</summary>
    private static readonly double[] Keep = [0.3, 0.0, 0.6, 0.1];

    /// <summary>Loads the soak world of <paramref name="pods"/> pods, runs <paramref name="waves"/> waves, settles and checks.</summary>
    /// <param name="pods">Pods when every Deployment is at full size (at least 100).</param>
    /// <param name="faults">The EC2 faults to inject, from the world's first controller call on.</param>
    /// <param name="waves">Scale-downs, each followed by a scale-up to full size.</param>
    /// <param name="seed">The world's seed: the same seed fails the same calls.</param>
    /// <param name="progress">Told each step (a line of text), or null.</param>
    public static SoakResult Run(int pods, Ec2FaultSettings faults, int waves = 4, int seed = 1, Action<string>? progress = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(pods, 100);
        ArgumentNullException.ThrowIfNull(faults);
        var wall = Stopwatch.StartNew();
        var world = WorldLoader.Load([new WorldSource($"soak-{pods.ToString(CultureInfo.InvariantCulture)}.yaml", WorldYaml(pods, faults))], seed);
        progress?.Invoke($"loaded: {Running(world)}/{pods} pods Running, {Virtual(world)} virtual, {wall.Elapsed.TotalSeconds:0.0} s");
        var deleted = 0;
        var created = 0;
        for (var wave = 0; wave < waves; wave++)
        {
            var keep = Keep[wave % Keep.Length];
            deleted += Scale(world, pods, keep);
            world.Settle(TimeSpan.FromMinutes(3));
            progress?.Invoke($"wave {wave + 1}: scaled to {(int)(keep * 100)}%, {Running(world)} pods Running, {Virtual(world)} virtual, {wall.Elapsed.TotalSeconds:0.0} s");
            created += Scale(world, pods, 1.0);
            world.Settle(TimeSpan.FromMinutes(3));
            progress?.Invoke($"wave {wave + 1}: scaled back up, {Running(world)}/{pods} pods Running, {Virtual(world)} virtual, {wall.Elapsed.TotalSeconds:0.0} s");
        }

        // Long enough for every cooldown, the resource controller's retries and two garbage-collection passes.
        var settled = world.Settle(TimeSpan.FromHours(2)).Settled;
        var violations = Invariants.Check(world);
        var interfaces = world.Cloud!.Ec2View.DescribeNetworkInterfaces(Aws.Ec2.DescribeRequest.All);
        return new SoakResult(
            pods,
            Running(world),
            deleted,
            created,
            violations,
            world.Cloud.Faults.Calls,
            world.Cloud.Faults.Injected,
            interfaces.Count(e => e.InterfaceType == Aws.Ec2.NetworkInterfaceTypes.Branch),
            settled,
            world.Time.GetUtcNow() - World.World.Epoch,
            wall.Elapsed);
    }

    /// <summary>
    /// The soak world: a VPC with a /16 subnet in each of two zones (addresses never run out), one EKS cluster,
    /// node groups of m5.xlarge (<see cref="PodsPerNode"/> pods a node), the vpc-cni add-on with ENABLE_POD_ENI,
    /// a security group for pods, and Deployments of 50 pods, every other one labelled <c>role: sg</c>.
    /// </summary>
    public static string WorldYaml(int pods, Ec2FaultSettings faults)
    {
        ArgumentNullException.ThrowIfNull(faults);
        var text = new StringBuilder();
        void Doc(string yaml) => text.Append(yaml.TrimEnd('\n')).Append("\n---\n");
        static string I(int value) => value.ToString(CultureInfo.InvariantCulture);
        var faultMap = string.Join(", ", faults.ToString().Split(',', StringSplitOptions.RemoveEmptyEntries).Select(p => p.Replace("=", ": ", StringComparison.Ordinal)).Select(p => p.EndsWith('%') ? p.Replace(": ", ": \"", StringComparison.Ordinal) + "\"" : p));
        Doc($$"""
            apiVersion: aws.podnet.dev/v1alpha1
            kind: Account
            metadata: {name: soak}
            spec:
              Region: us-west-2
              Faults: { {{faultMap}} }
            """);
        Doc("""
            apiVersion: aws.podnet.dev/v1alpha1
            kind: Vpc
            metadata: {name: soak-vpc}
            spec: {CidrBlock: 10.0.0.0/16, SecondaryCidrBlocks: [10.1.0.0/16, 10.2.0.0/16]}
            """);
        string[] zones = ["us-west-2a", "us-west-2b"];
        for (var z = 0; z < zones.Length; z++)
        {
            Doc($$"""
                apiVersion: aws.podnet.dev/v1alpha1
                kind: Subnet
                metadata: {name: private-{{zones[z]}}}
                spec: {Vpc: soak-vpc, CidrBlock: 10.{{I(z + 1)}}.0.0/16, AvailabilityZone: {{zones[z]}}}
                """);
        }

        Doc("""
            apiVersion: aws.podnet.dev/v1alpha1
            kind: Cluster
            metadata: {name: soak}
            spec: {Version: "1.31", Subnets: [private-us-west-2a, private-us-west-2b]}
            """);
        var nodes = Math.Max(2, (pods + PodsPerNode - 1) / PodsPerNode);
        for (var group = 0; group * NodesPerGroup < nodes; group++)
        {
            var size = I(Math.Min(NodesPerGroup, nodes - (group * NodesPerGroup)));
            Doc($$"""
                apiVersion: aws.podnet.dev/v1alpha1
                kind: NodeGroup
                metadata: {name: ng-{{I(group)}}}
                spec: {Cluster: soak, InstanceTypes: [m5.xlarge], Subnets: [private-us-west-2a, private-us-west-2b], DesiredSize: {{size}}, MinSize: {{size}}, MaxSize: {{size}}}
                """);
        }

        Doc("""
            apiVersion: aws.podnet.dev/v1alpha1
            kind: Addon
            metadata: {name: vpc-cni}
            spec:
              ConfigurationValues:
                env: {ENABLE_POD_ENI: "true"}
            """);
        Doc("""
            apiVersion: aws.podnet.dev/v1alpha1
            kind: SecurityGroup
            metadata: {name: pods}
            spec:
              Vpc: soak-vpc
              GroupId: sg-0a11b22c33d44e55f
              Description: Pods with security groups
              IpPermissions:
              - IpProtocol: "-1"
                UserIdGroupPairs: [{GroupId: pods}]
            """);
        Doc("""
            apiVersion: v1
            kind: Namespace
            metadata: {name: soak}
            """);
        Doc("""
            apiVersion: vpcresources.k8s.aws/v1beta1
            kind: SecurityGroupPolicy
            metadata: {name: sg-pods, namespace: soak}
            spec:
              podSelector: {matchLabels: {role: sg} }
              securityGroups: {groupIds: [sg-0a11b22c33d44e55f]}
            """);
        for (var d = 0; d * ReplicasPerDeployment < pods; d++)
        {
            Doc($$"""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: app-{{I(d)}}, namespace: soak}
                spec:
                  replicas: {{I(Math.Min(ReplicasPerDeployment, pods - (d * ReplicasPerDeployment)))}}
                  selector: {matchLabels: {app: app-{{I(d)}} } }
                  template:
                    metadata: {labels: {app: app-{{I(d)}}, role: {{(d % 2 == 0 ? "sg" : "plain")}} } }
                    spec:
                      containers:
                      - name: app
                        image: public.ecr.aws/nginx/nginx:1.27
                        resources: {requests: {cpu: 10m, memory: 16Mi} }
                """);
        }

        return text.ToString(0, text.Length - "---\n".Length);
    }

    /// <summary>Scales every soak Deployment to <paramref name="share"/> of its full size; returns how many pods that adds or removes.</summary>
    private static int Scale(World.World world, int pods, double share)
    {
        var store = world.ControlPlane.Store;
        var deployments = store.Resources.For("apps/v1", "Deployment");
        var changed = 0;
        foreach (var deployment in store.List(deployments, "soak").Items)
        {
            var index = int.Parse(deployment.Name["app-".Length..], CultureInfo.InvariantCulture);
            var full = Math.Min(ReplicasPerDeployment, pods - (index * ReplicasPerDeployment));
            var replicas = (int)Math.Round(full * share);
            var current = deployment["spec.replicas"]?.GetValue<int>() ?? 1;
            changed += Math.Abs(current - replicas);
            store.Patch(deployments, "soak", deployment.Name, PatchType.Merge, new JsonObject { ["spec"] = new JsonObject { ["replicas"] = replicas } }, new RequestContext("kubernetes-admin"));
        }

        return changed;
    }

    private static int Running(World.World world)
        => world.ControlPlane.Store.List("v1", "Pod", "soak").Items.Select(p => PodView.Of(p)).Count(p => p.Phase == "Running" && !p.IsTerminating);

    private static string Virtual(World.World world) => Kube.Printing.HumanDuration.Format(world.Time.GetUtcNow() - World.World.Epoch);
}

/// <summary>
/// What a soak ended with: the pods wanted and Running, pods deleted and created by the waves, the invariants'
/// violations, the EC2 calls that met the fault injection and the faults injected (by error code), the branch
/// interfaces left, whether the world settled, and the virtual and real (wall-clock) time taken.
/// </summary>
public sealed record SoakResult(
    int Pods,
    int Running,
    int Deleted,
    int Created,
    IReadOnlyList<Violation> Violations,
    long Ec2Calls,
    IReadOnlyDictionary<string, long> Injected,
    int BranchInterfaces,
    bool Settled,
    TimeSpan VirtualTime,
    TimeSpan RealTime);
