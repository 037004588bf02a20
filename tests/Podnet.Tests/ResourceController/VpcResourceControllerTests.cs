using System.Text.Json.Nodes;
using Podnet.Aws.Ec2;
using Podnet.Kube.Api;
using Podnet.Kube.Store;
using Podnet.Kube.Views;
using Podnet.ResourceController;
using Podnet.Tests.TestSupport;
using Podnet.World;

namespace Podnet.Tests.ResourceController;

/// <summary>Security groups for pods in whole worlds: the acceptance cases of security-groups-for-pods.md §10 for Linux.</summary>
public class VpcResourceControllerTests
{
    private const string PodSecurityGroup = "sg-05b1d815d1e4a1b2c";

    private static List<PodView> Pods(Podnet.World.World world, string ns)
        => [.. world.ControlPlane.Store.List("v1", "Pod", ns).Items.Select(p => PodView.Of(p))];

    private static IReadOnlyList<string> Reasons(Podnet.World.World world, KubeObject obj)
        => [.. world.ControlPlane.Events.About(obj).Select(e => e.GetString("reason")!)];

    [Fact]
    public void ManagedNode_GetsTrunk_Capacity_Label_AndEvents()
    {
        var world = ExampleWorlds.Load("security-groups-for-pods");
        var ec2 = world.Cloud!.Ec2Backend;
        foreach (var node in world.ControlPlane.Store.List("v1", "Node").Items)
        {
            var view = new NodeView(node);
            Assert.Equal("true", node.Labels["vpc.amazonaws.com/has-trunk-attached"]);
            Assert.Equal(9, (int)view.Capacity["vpc.amazonaws.com/pod-eni"]);
            Assert.Equal(9, (int)view.Allocatable["vpc.amazonaws.com/pod-eni"]);
            var trunk = Assert.Single(ec2.DescribeNetworkInterfaces(DescribeRequest.Where(new Filter("attachment.instance-id", view.InstanceId!), new Filter("interface-type", "trunk"))));
            Assert.Equal("aws-k8s-trunk-eni", trunk.Description);
            Assert.True(trunk.Attachment!.DeleteOnTermination);
            Assert.Equal(2, trunk.Attachment.DeviceIndex);
            Assert.Contains(new Tag("eks:eni:owner", "eks-vpc-resource-controller"), trunk.TagSet);
            var events = world.ControlPlane.Events.About(node).Where(e => e.GetString("source.component") == "vpc-resource-controller").ToList();
            Assert.Equal("The node is managed by VPC resource controller version v1.7.19", events.Single(e => e.GetString("reason") == "ControllerVersionNotice").GetString("message"));
            Assert.Equal("The node has trunk interface initialized successfully", events.Single(e => e.GetString("reason") == "NodeTrunkInitiated").GetString("message"));
        }
    }

    [Fact]
    public void MatchingPods_RunOnBranchInterfaces_WithTheAnnotationAndEvents()
    {
        var world = ExampleWorlds.Load("security-groups-for-pods");
        var ec2 = world.Cloud!.Ec2Backend;
        var pods = Pods(world, "my-namespace");
        Assert.Equal(4, pods.Count);
        foreach (var pod in pods)
        {
            Assert.Equal("Running", pod.Phase);
            Assert.Equal("1", pod.Containers[0]["resources"]!["limits"]!["vpc.amazonaws.com/pod-eni"]!.GetValue<string>());
            var annotation = JsonNode.Parse(pod.Object.Annotations["vpc.amazonaws.com/pod-eni"])!.AsArray();
            var branch = Assert.Single(annotation)!.AsObject();
            Assert.Equal(["eniId", "ifAddress", "privateIp", "ipv6Addr", "vlanId", "subnetCidr", "subnetV6Cidr", "associationID"], branch.Select(p => p.Key));
            Assert.Equal(pod.PodIP, branch["privateIp"]!.GetValue<string>());

            var eni = ec2.DescribeNetworkInterfaces(DescribeRequest.ForIds(branch["eniId"]!.GetValue<string>()))[0];
            Assert.Equal(("branch", "aws-k8s-branch-eni", "in-use"), (eni.InterfaceType, eni.Description, eni.Status));
            Assert.Equal(PodSecurityGroup, Assert.Single(eni.Groups).GroupId);
            Assert.Equal(branch["ifAddress"]!.GetValue<string>(), eni.MacAddress);
            Assert.Contains(new Tag("vpcresources.k8s.aws/vlan-id", branch["vlanId"]!.ToString()), eni.TagSet);
            Assert.StartsWith("trunk-assoc-", branch["associationID"]!.GetValue<string>(), StringComparison.Ordinal);

            var events = world.ControlPlane.Events.About(pod.Object).Where(e => e.GetString("source.component") == "vpc-resource-controller").ToList();
            Assert.Equal($"Pod will get the following Security Groups [{PodSecurityGroup}]", events.Single(e => e.GetString("reason") == "SecurityGroupRequested").GetString("message"));
            Assert.Equal($"Allocated {pod.Object.Annotations["vpc.amazonaws.com/pod-eni"]} to the pod", events.Single(e => e.GetString("reason") == "ResourceAllocated").GetString("message"));
        }

        // VLANs are the lowest free per trunk.
        var vlansPerNode = pods.GroupBy(p => p.NodeName).Select(g => g.Select(p => JsonNode.Parse(p.Object.Annotations["vpc.amazonaws.com/pod-eni"])![0]!["vlanId"]!.GetValue<int>()).Order().ToList());
        Assert.All(vlansPerNode, vlans => Assert.Equal(Enumerable.Range(1, vlans.Count), vlans));
    }

    [Fact]
    public void MissingGroup_BranchAllocationFails_WithEc2sMessage_AndNothingLeaks()
    {
        var world = ExampleWorlds.Load("sgp-missing-group");
        var pod = Pods(world, "default").Single(p => p.Name == "my-pod");
        Assert.Null(pod.PodIP);
        // The first try and five retries, six events: each message carries the failed call's own request ID, as the
        // controller's do. Fidelity: the worker pool (pkg/worker/worker.go) gives up once NumRequeues has reached
        // WorkQueueDefaultMaxRetries (5), after its sixth failure; Podnet gave up after the fifth before.
        var failed = world.ControlPlane.Events.About(pod.Object).Where(e => e.GetString("reason") == "BranchAllocationFailed").ToList();
        Assert.Equal(6, failed.Count);
        Assert.All(failed, e => Assert.Matches(
            @"^failed to allocate branch ENI to pod: creating network interface, operation error EC2: CreateNetworkInterface, https response error StatusCode: 400, RequestID: [0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}, api error InvalidSecurityGroupID\.NotFound: The securityGroup ID 'sg-abc123' does not exist$",
            e.GetString("message")));
        Assert.Equal(6, failed.Select(e => e.GetString("message")).Distinct().Count());
        Assert.All(failed, e => Assert.Equal("Warning", e.GetString("type")));
        Assert.Empty(world.Cloud!.Ec2Backend.DescribeNetworkInterfaces(DescribeRequest.Where(new Filter("interface-type", "branch"))));
        Assert.All(world.ResourceController!.Trunks.Values, t => Assert.Equal((0, 0), (t.InUse, t.DeleteQueue.Count)));
    }

    [Fact]
    public void FortySixthPod_StaysPending_UntilAnotherGoes()
    {
        var world = ExampleWorlds.Load("sgp-capacity");
        var pods = Pods(world, "default");
        Assert.Equal(45, pods.Count(p => p.Phase == "Running"));
        var pending = pods.Single(p => p.NodeName is null);
        var message = world.ControlPlane.Events.About(pending.Object).Last(e => e.GetString("reason") == "FailedScheduling").GetString("message");
        Assert.Equal("0/5 nodes are available: 5 Insufficient vpc.amazonaws.com/pod-eni.", message);

        // A deleted pod's branch counts until its cooldown has passed; then the 46th runs.
        var store = world.ControlPlane.Store;
        var victim = pods.First(p => p.Phase == "Running");
        store.Delete(victim.Object, DeleteOptions.Now);
        world.Settle(TimeSpan.FromSeconds(20));
        Assert.Null(PodView.Of(store.Get("v1", "Pod", "default", pending.Name)).PodIP);
        world.Settle(TimeSpan.FromMinutes(5));
        var now = PodView.Of(store.Get("v1", "Pod", "default", pending.Name));
        Assert.Equal("Running", now.Phase);
    }

    [Fact]
    public void DeletedPod_BranchGoesAfterTheCooldown_AndItsVlanIsReused()
    {
        var world = ExampleWorlds.Load("security-groups-for-pods");
        var store = world.ControlPlane.Store;
        var ec2 = world.Cloud!.Ec2Backend;
        var pod = Pods(world, "my-namespace")[0];
        var branchId = JsonNode.Parse(pod.Object.Annotations["vpc.amazonaws.com/pod-eni"])![0]!["eniId"]!.GetValue<string>();

        store.Delete(pod.Object);
        world.Settle(TimeSpan.FromSeconds(45));
        Assert.Single(ec2.DescribeNetworkInterfaces(DescribeRequest.ForIds(branchId)));

        world.Settle(TimeSpan.FromMinutes(3));
        Assert.Equal("InvalidNetworkInterfaceID.NotFound", Assert.Throws<Podnet.Aws.AwsException>(() => ec2.DescribeNetworkInterfaces(DescribeRequest.ForIds(branchId))).Code);
        Assert.Equal(4, Pods(world, "my-namespace").Count(p => p.Phase == "Running"));
    }

    /// <summary>
    /// The delete event carries the pod that went (pod_controller.go isDeleteEvent): its branch is released even when a
    /// pod of the same name is created before the controller gets to the key, and that pod gets a branch of its own.
    /// </summary>
    [Fact]
    public void DeletedPod_RecreatedUnderItsName_TheOldBranchIsReleased_TheNewPodGetsItsOwn()
    {
        var world = ExampleWorlds.Load("security-groups-for-pods");
        var store = world.ControlPlane.Store;
        var pod = Pods(world, "my-namespace")[0];
        var trunk = world.ResourceController!.Trunks[pod.NodeName!];
        var queuedBefore = trunk.DeleteQueue.Count;
        var oldBranch = JsonNode.Parse(pod.Object.Annotations["vpc.amazonaws.com/pod-eni"])![0]!["eniId"]!.GetValue<string>();
        var again = new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Pod",
            ["metadata"] = new JsonObject { ["name"] = pod.Name, ["namespace"] = pod.Namespace, ["labels"] = pod.Object.Raw["metadata"]!["labels"]!.DeepClone() },
            ["spec"] = new JsonObject { ["containers"] = pod.Object.Raw["spec"]!["containers"]!.DeepClone() },
        };

        store.Delete(pod.Object, DeleteOptions.Now);
        var recreated = store.Create(KubeObject.From(again));
        world.Settle(TimeSpan.FromSeconds(20));

        Assert.False(trunk.HasPod(pod.Object.Uid!));
        Assert.Equal(queuedBefore + 1, trunk.DeleteQueue.Count);
        var running = PodView.Of(store.Get("v1", "Pod", "my-namespace", pod.Name));
        Assert.Equal((recreated.Uid, "Running"), (running.Object.Uid, running.Phase));
        var newBranch = JsonNode.Parse(running.Object.Annotations["vpc.amazonaws.com/pod-eni"])![0]!["eniId"]!.GetValue<string>();
        Assert.NotEqual(oldBranch, newBranch);
    }

    [Fact]
    public void CooldownFromTheConfigMap_NeverUnder30Seconds_AndAnnounced()
    {
        var world = ExampleWorlds.Load("security-groups-for-pods");
        var store = world.ControlPlane.Store;
        var configMap = store.Get("v1", "ConfigMap", "kube-system", "amazon-vpc-cni");
        store.Update(configMap.With(j => j["data"]!["branch-eni-cooldown"] = "10"));
        world.Settle(TimeSpan.FromSeconds(5));

        Assert.Equal(TimeSpan.FromSeconds(30), world.ResourceController!.Cooldown);
        var node = store.List("v1", "Node").Items[0];
        Assert.Contains(world.ControlPlane.Events.About(node), e => e.GetString("reason") == "BranchENICoolDownPeriodUpdated" && e.GetString("message") == "Branch ENI cool down period has been updated to 30s");
    }

    [Fact]
    public void ClusterRoleWithoutVpcResourceControllerPolicy_TrunkCreationFails_WithTheHint()
    {
        const string role = """
            ---
            apiVersion: aws.podnet.dev/v1alpha1
            kind: Role
            metadata: {name: eksClusterRole}
            spec:
              ManagedPolicies: [AmazonEKSClusterPolicy]
            """;
        var world = ExampleWorlds.Load("security-groups-for-pods", text => text.Contains("kind: Cluster", StringComparison.Ordinal)
            ? text.Replace("  Version: \"1.31\"", "  Version: \"1.31\"\n  Role: eksClusterRole", StringComparison.Ordinal) + role
            : text);

        foreach (var node in world.ControlPlane.Store.List("v1", "Node").Items)
        {
            var failed = world.ControlPlane.Events.About(node).First(e => e.GetString("reason") == "TrunkENICreationFailed");
            Assert.Equal("Failed to create trunk interface: Error Code: UnauthorizedOperation: Please verify the cluster IAM role has AmazonEKSVPCResourceController policy", failed.GetString("message"));
            Assert.Contains("NodeTrunkFailedInit", Reasons(world, node));
            Assert.False(node.Labels.ContainsKey("vpc.amazonaws.com/has-trunk-attached"));
        }

        Assert.All(Pods(world, "my-namespace"), p => Assert.Null(p.NodeName));
    }

    [Fact]
    public void PodAskingForTwoBranches_WithoutAPolicy_GetsTwoVlansAndTheInstanceGroups()
    {
        var world = ExampleWorlds.Load("security-groups-for-pods");
        var store = world.ControlPlane.Store;
        store.Create(KubeObject.From(JsonNode.Parse("""
            {"apiVersion":"v1","kind":"Pod","metadata":{"name":"two","namespace":"default"},
             "spec":{"containers":[{"name":"c","image":"busybox","resources":{"limits":{"vpc.amazonaws.com/pod-eni":"2"},"requests":{"vpc.amazonaws.com/pod-eni":"2"}}}]}}
            """)!.AsObject()));
        world.Settle(TimeSpan.FromMinutes(2));

        var pod = PodView.Of(store.Get("v1", "Pod", "default", "two"));
        var branches = JsonNode.Parse(pod.Object.Annotations["vpc.amazonaws.com/pod-eni"])!.AsArray();
        Assert.Equal(2, branches.Count);
        var trunk = world.ResourceController!.Trunks[pod.NodeName!];
        Assert.Equal(trunk.Groups, world.Cloud!.Ec2Backend.DescribeNetworkInterfaces(DescribeRequest.ForIds(branches[0]!["eniId"]!.GetValue<string>()))[0].Groups.Select(g => g.GroupId));
        var requested = world.ControlPlane.Events.About(pod.Object).Single(e => e.GetString("reason") == "SecurityGroupRequested");
        Assert.Equal(("Warning", "Pod will get the instance security group as the pod didn't match any Security Group from SecurityGroupPolicy"), (requested.GetString("type"), requested.GetString("message")));
    }

    [Fact]
    public void FinishedPod_ReleasesItsBranch_ThoughTheObjectRemains()
    {
        var world = ExampleWorlds.Load("security-groups-for-pods");
        var store = world.ControlPlane.Store;
        var pod = Pods(world, "my-namespace")[0];
        var branchId = JsonNode.Parse(pod.Object.Annotations["vpc.amazonaws.com/pod-eni"])![0]!["eniId"]!.GetValue<string>();
        store.UpdateStatus(pod.Object.With(j => j["status"]!["phase"] = "Succeeded"));
        world.Settle(TimeSpan.FromMinutes(3));
        Assert.Equal("InvalidNetworkInterfaceID.NotFound", Assert.Throws<Podnet.Aws.AwsException>(() => world.Cloud!.Ec2Backend.DescribeNetworkInterfaces(DescribeRequest.ForIds(branchId))).Code);
    }

    [Fact]
    public void T3Node_MarkedForTrunking_IsUnsupported_AndGetsNoTrunk()
    {
        var world = ExampleWorlds.Load("security-groups-for-pods", text => text.Replace("InstanceTypes: [m5.large]", "InstanceTypes: [t3.medium]", StringComparison.Ordinal));
        var store = world.ControlPlane.Store;
        var node = store.List("v1", "Node").Items[0];
        store.Update(node.WithLabel("vpc.amazonaws.com/has-trunk-attached", "false"));
        world.Settle(TimeSpan.FromMinutes(1));

        var unsupported = world.ControlPlane.Events.About(node).Single(e => e.GetString("reason") == "Unsupported");
        Assert.Equal(("Warning", "The instance type t3.medium is not supported for trunk interface (Security Group for Pods)"), (unsupported.GetString("type"), unsupported.GetString("message")));
        Assert.False(new NodeView(store.Get("v1", "Node", null, node.Name)).Capacity.ContainsKey("vpc.amazonaws.com/pod-eni"));
        Assert.Empty(world.Cloud!.Ec2Backend.DescribeNetworkInterfaces(DescribeRequest.Where(new Filter("interface-type", "trunk"))));
    }

    /// <summary>
    /// pod_controller.go hands a pod's branches back on its delete event, once it has completed, or once its node is
    /// gone (isDeleteEvent || hasPodCompleted || nodeDeletedInCluster): a pod that is only terminating keeps its branch
    /// interface, and its address, through its grace period; the cooldown starts when the pod is gone.
    /// </summary>
    [Fact]
    public void TerminatingPod_KeepsItsBranchThroughItsGrace_TheCooldownStartsWhenItIsGone()
    {
        var world = ExampleWorlds.Load("security-groups-for-pods");
        var store = world.ControlPlane.Store;
        var pod = Pods(world, "my-namespace")[0];
        var trunk = world.ResourceController!.Trunks[pod.NodeName!];
        var queuedBefore = trunk.DeleteQueue.Count;

        store.Delete(pod.Object);
        world.Settle(TimeSpan.FromSeconds(20));
        Assert.True(PodView.Of(store.Get("v1", "Pod", "my-namespace", pod.Name)).IsTerminating);
        Assert.True(trunk.HasPod(pod.Object.Uid!));
        Assert.Equal(queuedBefore, trunk.DeleteQueue.Count);

        // Settle runs what falls due within its horizon: the end of the grace period (30 s after the delete), not the
        // branch's deletion a cooldown after that.
        world.Settle(TimeSpan.FromSeconds(45));
        Assert.Null(store.TryGet(store.Resources.For("v1", "Pod"), "my-namespace", pod.Name));
        Assert.False(trunk.HasPod(pod.Object.Uid!));
        Assert.Equal(queuedBefore + 1, trunk.DeleteQueue.Count);
    }

    [Fact]
    public void DeletedNode_ItsBranchesGoAMinuteLater()
    {
        var world = ExampleWorlds.Load("security-groups-for-pods");
        var store = world.ControlPlane.Store;
        var pod = Pods(world, "my-namespace")[0];
        var branchId = JsonNode.Parse(pod.Object.Annotations["vpc.amazonaws.com/pod-eni"])![0]!["eniId"]!.GetValue<string>();

        store.Delete(store.Get("v1", "Node", null, pod.NodeName!));
        world.Settle(TimeSpan.FromSeconds(30));
        Assert.Single(world.Cloud!.Ec2Backend.DescribeNetworkInterfaces(DescribeRequest.ForIds(branchId)));
        world.Settle(TimeSpan.FromMinutes(2));
        Assert.Equal("InvalidNetworkInterfaceID.NotFound", Assert.Throws<Podnet.Aws.AwsException>(() => world.Cloud!.Ec2Backend.DescribeNetworkInterfaces(DescribeRequest.ForIds(branchId))).Code);
    }

    [Fact]
    public void OnlyTheController_MayChangeTheAnnotation()
    {
        var world = ExampleWorlds.Load("security-groups-for-pods");
        var store = world.ControlPlane.Store;
        var pod = Pods(world, "my-namespace")[0].Object;
        var error = Assert.Throws<KubeException>(() => store.Update(pod.WithAnnotation("vpc.amazonaws.com/pod-eni", "[]")));
        Assert.Equal("admission webhook \"vpod.vpc.k8s.aws\" denied the request: annotation is not set by vpc-resource-controller", error.Message);
    }

    [Fact]
    public void GarbageCollector_DeletesALeakedBranch_OnlyOnTheSecondPass()
    {
        var world = ExampleWorlds.Load("security-groups-for-pods");
        var ec2 = world.Cloud!.Ec2Backend;
        var trunk = world.ResourceController!.Trunks.Values.First();
        var leaked = ec2.CreateNetworkInterface(new CreateNetworkInterfaceRequest(trunk.SubnetId, Description: "aws-k8s-branch-eni", InterfaceType: "branch",
            Tags: [new Tag("eks:eni:owner", "eks-vpc-resource-controller"), new Tag("kubernetes.io/cluster/podnet", "owned")]));

        Assert.Empty(world.ResourceController.CollectGarbage());
        Assert.Single(ec2.DescribeNetworkInterfaces(DescribeRequest.ForIds(leaked.NetworkInterfaceId)));
        Assert.Equal([leaked.NetworkInterfaceId], world.ResourceController.CollectGarbage());
        Assert.Empty(ec2.DescribeNetworkInterfaces(DescribeRequest.Where(new Filter("network-interface-id", leaked.NetworkInterfaceId))));

        // Branches in use are never collected.
        Assert.Equal(4, ec2.DescribeNetworkInterfaces(DescribeRequest.Where(new Filter("interface-type", "branch"))).Count);
    }
}
