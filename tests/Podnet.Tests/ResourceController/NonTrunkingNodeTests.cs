using System.Text.Json.Nodes;
using Podnet.Aws.Ec2;
using Podnet.Kube.Views;
using Podnet.Lint;
using Podnet.Tests.TestSupport;

namespace Podnet.Tests.ResourceController;

/// <summary>
/// Issue 11 point 11: ENABLE_POD_ENI on nodes whose type cannot trunk (t3). ipamd still asks for a trunk through the
/// node's CNINode (<c>tryEnableSecurityGroupsForPods</c> never asks <c>IsTrunkingCompatible</c>); the resource
/// controller then manages the node, says so, and refuses it (<c>branchENIProvider.IsInstanceSupported</c>,
/// <c>pkg/provider/branch/provider.go</c>): no trunk, no <c>has-trunk-attached</c> label, no pod-eni capacity, so pods
/// the webhook gave a pod-eni request stay Pending — which lint predicts.
/// </summary>
public class NonTrunkingNodeTests
{
    private const string PodEni = "vpc.amazonaws.com/pod-eni";

    [Fact]
    public void NonTrunkingNodes_PodEniOn_ControllerRefusesTrunk_AndSecurityGroupPodsStayPending()
    {
        var world = ExampleWorlds.Load("security-groups-for-pods", text => text.Replace("InstanceTypes: [m5.large]", "InstanceTypes: [t3.medium]", StringComparison.Ordinal));
        var store = world.ControlPlane.Store;
        var nodes = store.List("v1", "Node").Items;
        Assert.Equal(3, nodes.Count);
        foreach (var node in nodes)
        {
            var view = new NodeView(node);
            Assert.True(view.IsReady, $"{node.Name} is not Ready");
            Assert.False(node.Labels.ContainsKey("vpc.amazonaws.com/has-trunk-attached"));
            Assert.False(view.Capacity.ContainsKey(PodEni));
            Assert.False(view.Allocatable.ContainsKey(PodEni));

            // ipamd asked for a trunk all the same.
            var cniNode = store.Get("vpcresources.k8s.aws/v1alpha1", "CNINode", null, node.Name);
            Assert.Contains((cniNode["spec.features"] as JsonArray)!, f => f?["name"]?.GetValue<string>() == "SecurityGroupsForPods");

            var events = world.ControlPlane.Events.About(node)
                .Where(e => e.GetString("source.component") == "vpc-resource-controller")
                .Select(e => (e.GetString("type"), e.GetString("reason"), e.GetString("message")))
                .ToList();
            Assert.Equal(2, events.Count);
            Assert.Equal("Normal", events[0].Item1);
            Assert.Equal("ControllerVersionNotice", events[0].Item2);
            Assert.StartsWith("The node is managed by VPC resource controller version ", events[0].Item3, StringComparison.Ordinal);
            Assert.Equal(("Warning", "Unsupported", "The instance type t3.medium is not supported for trunk interface (Security Group for Pods)"), events[1]);
        }

        Assert.Empty(world.Cloud!.Ec2Backend.DescribeNetworkInterfaces(DescribeRequest.Where(new Filter("interface-type", "trunk"))));

        var pods = store.List("v1", "Pod", "my-namespace").Items.Select(p => PodView.Of(p)).ToList();
        Assert.Equal(4, pods.Count);
        foreach (var pod in pods)
        {
            Assert.Equal("Pending", pod.Phase);
            Assert.Null(pod.NodeName);
            var failed = world.ControlPlane.Events.About(pod.Object).Last(e => e.GetString("reason") == "FailedScheduling");
            Assert.StartsWith("0/3 nodes are available: 3 Insufficient vpc.amazonaws.com/pod-eni.", failed.GetString("message"), StringComparison.Ordinal);
        }

        var finding = Assert.Single(WorldLint.Run(world), f => f.Check == TrunkIncompatibleNodes.Id);
        Assert.Equal(LintSeverity.Error, finding.Severity);
        Assert.Contains("t3.medium, which is not trunking-compatible", finding.Message, StringComparison.Ordinal);
    }
}
