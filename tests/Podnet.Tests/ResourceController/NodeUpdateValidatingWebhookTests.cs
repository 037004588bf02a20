using System.Text.Json.Nodes;
using Podnet.Kube.Admission;
using Podnet.Kube.Api;
using Podnet.Kube.Store;
using Podnet.ResourceController;

namespace Podnet.Tests.ResourceController;

public sealed class NodeUpdateValidatingWebhookTests
{
    private static readonly RequestContext AwsNode = RequestContext.ServiceAccount("kube-system", "aws-node");

    private static KubeObject CreateNode(SgpHarness h)
        => h.Store.Create(KubeObject.From(new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Node",
            ["metadata"] = new JsonObject
            {
                ["name"] = "ip-192-168-0-10.us-west-2.compute.internal",
                ["labels"] = new JsonObject { ["kubernetes.io/os"] = "linux", ["topology.kubernetes.io/zone"] = "us-west-2a" },
            },
            ["spec"] = new JsonObject { ["providerID"] = "aws:///us-west-2a/i-0123456789abcdef0" },
        }));

    [Fact]
    public void NodeWebhook_AwsNodeSetsHasTrunkAttachedLabel_IsAllowed()
    {
        var h = new SgpHarness();
        var node = CreateNode(h);

        var updated = h.Store.Update(node.WithLabel("vpc.amazonaws.com/has-trunk-attached", "true"), AwsNode);

        Assert.Equal("true", updated.Labels["vpc.amazonaws.com/has-trunk-attached"]);
    }

    [Fact]
    public void NodeWebhook_AwsNodeSetsAndRemovesEniConfigLabel_IsAllowed()
    {
        var h = new SgpHarness();
        var node = CreateNode(h);

        var labelled = h.Store.Update(node.WithLabel("vpc.amazonaws.com/eniConfig", "us-west-2a"), AwsNode);
        var unlabelled = h.Store.Update(labelled.WithLabel("vpc.amazonaws.com/eniConfig", null), AwsNode);

        Assert.Equal("us-west-2a", labelled.Labels["vpc.amazonaws.com/eniConfig"]);
        Assert.False(unlabelled.Labels.ContainsKey("vpc.amazonaws.com/eniConfig"));
    }

    [Fact]
    public void NodeWebhook_AwsNodeChangesOtherLabel_IsDenied()
    {
        var h = new SgpHarness();
        var node = CreateNode(h);

        var e = Assert.Throws<KubeException>(() => h.Store.Update(node.WithLabel("vpc.amazonaws.com/has-trunk-attached", "true").WithLabel("team", "x"), AwsNode));

        Assert.Equal("admission webhook \"vnode.vpc.k8s.aws\" denied the request: aws-node can only update limited fields on the Node Object", e.Message);
        Assert.Equal(403, e.Code);
        Assert.False(h.Store.Get("v1", "Node", null, node.Name).Labels.ContainsKey("vpc.amazonaws.com/has-trunk-attached"));
    }

    [Fact]
    public void NodeWebhook_AwsNodeAddsTaint_IsDenied()
    {
        var h = new SgpHarness();
        var node = CreateNode(h);
        var tainted = node.With(j => j["spec"]!["taints"] = new JsonArray(new JsonObject { ["key"] = "x", ["effect"] = "NoSchedule" }));

        var e = Assert.Throws<KubeException>(() => h.Store.Update(tainted, AwsNode));

        Assert.Equal("admission webhook \"vnode.vpc.k8s.aws\" denied the request: aws-node can only update limited fields on the Node Object", e.Message);
    }

    [Fact]
    public void NodeWebhook_AwsNodeWithManagedFields_IgnoresThem()
    {
        var h = new SgpHarness();
        var node = CreateNode(h);
        var updated = node.WithLabel("vpc.amazonaws.com/has-trunk-attached", "false")
            .WithMetadata("managedFields", new JsonArray(new JsonObject { ["manager"] = "aws-node", ["operation"] = "Update" }));

        var result = NodeUpdateValidatingWebhook.Handle(new(AdmissionOperation.Update, h.Store.Resources.For(node), null, node.Name, updated, node, ResourceControllerNames.AwsNodeUser));

        Assert.True(result.Allowed);
    }

    [Fact]
    public void NodeWebhook_OtherUsers_MayChangeAnything()
    {
        var h = new SgpHarness();
        var node = CreateNode(h);
        var tainted = node.WithLabel("team", "x").With(j => j["spec"]!["taints"] = new JsonArray(new JsonObject { ["key"] = "x", ["effect"] = "NoSchedule" }));

        var updated = h.Store.Update(tainted, RequestContext.ServiceAccount("kube-system", "other"));

        Assert.Equal("x", updated.Labels["team"]);
    }
}
