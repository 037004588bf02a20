using System.Text.Json.Nodes;
using Podnet.Kube;
using Podnet.Kube.Admission;
using Podnet.Kube.Api;
using Podnet.Kube.Store;
using Podnet.ResourceController;
using Podnet.Tests.TestSupport;
using static Podnet.Tests.ResourceController.SgpHarness;

namespace Podnet.Tests.ResourceController;

public sealed class ResourceControllerWebhooksTests
{
    private const string PodEniBoth = """{"limits":{"vpc.amazonaws.com/pod-eni":"1"},"requests":{"vpc.amazonaws.com/pod-eni":"1"}}""";

    [Fact]
    public void Register_AddsThreeWebhooksThatFailOpen()
    {
        var h = new SgpHarness();

        Assert.Equal(
            ["mpod.vpc.k8s.aws:True:Ignore", "vpod.vpc.k8s.aws:False:Ignore", "vnode.vpc.k8s.aws:False:Ignore"],
            h.Chain.Webhooks.Select(w => $"{w.Name}:{w.Mutating}:{w.FailurePolicy}"));
    }

    [Fact]
    public void Register_Twice_IsRejected()
    {
        var h = new SgpHarness();

        Assert.Throws<ArgumentException>(() => ResourceControllerWebhooks.Register(h.Chain, h.Store));
    }

    [Fact]
    public void Unregister_RemovesTheWebhooks()
    {
        var h = new SgpHarness();
        h.CreatePolicy("all", new JsonObject(), null, ["sg-1"]);

        ResourceControllerWebhooks.Unregister(h.Chain);

        Assert.Empty(h.Chain.Webhooks);
        Assert.Equal("-", Resources(h.CreatePod(PodJson("p"))));
    }

    [Fact]
    public void Webhooks_MatchOnlyTheirKindsAndOperations()
    {
        var h = new SgpHarness();
        var pod = KubeObject.From(PodJson("p"));
        var node = KubeObject.Create("v1", "Node", "n");
        AdmissionRequest Request(AdmissionOperation op, KubeObject obj, string? sub = null)
            => new(op, h.Store.Resources.For(obj), obj.Namespace, obj.Name, obj, op == AdmissionOperation.Create ? null : obj, Admin, sub);

        Assert.Equal(
            [true, false, false, false],
            [PodMutatingWebhook.Matches(Request(AdmissionOperation.Create, pod)), PodMutatingWebhook.Matches(Request(AdmissionOperation.Update, pod)),
             PodMutatingWebhook.Matches(Request(AdmissionOperation.Create, node)), PodMutatingWebhook.Matches(Request(AdmissionOperation.Create, pod, "status"))]);
        Assert.Equal(
            [true, true, false, false],
            [PodAnnotationValidatingWebhook.Matches(Request(AdmissionOperation.Create, pod)), PodAnnotationValidatingWebhook.Matches(Request(AdmissionOperation.Update, pod)),
             PodAnnotationValidatingWebhook.Matches(Request(AdmissionOperation.Delete, pod)), PodAnnotationValidatingWebhook.Matches(Request(AdmissionOperation.Update, node))]);
        Assert.Equal(
            [true, false, false],
            [NodeUpdateValidatingWebhook.Matches(Request(AdmissionOperation.Update, node)), NodeUpdateValidatingWebhook.Matches(Request(AdmissionOperation.Create, node)),
             NodeUpdateValidatingWebhook.Matches(Request(AdmissionOperation.Update, pod))]);
    }

    [Fact]
    public void ControlPlane_MatchingPod_IsStoredWithPodEniOnFirstContainerOnly()
    {
        var plane = new ControlPlane(new ManualTimeProvider(), 7);
        plane.Bootstrap();
        plane.RunReady();
        ResourceControllerWebhooks.Register(plane.Store.Admission, plane.Store);
        plane.Store.Create(KubeObject.From(new JsonObject
        {
            ["apiVersion"] = "vpcresources.k8s.aws/v1beta1",
            ["kind"] = "SecurityGroupPolicy",
            ["metadata"] = new JsonObject { ["name"] = "web", ["namespace"] = "default" },
            ["spec"] = new JsonObject
            {
                ["podSelector"] = new JsonObject { ["matchLabels"] = Labels(("role", "web")) },
                ["securityGroups"] = new JsonObject { ["groupIds"] = new JsonArray("sg-0123456789abcdef0") },
            },
        }));

        plane.Store.Create(KubeObject.From(PodJson("web-1", Labels(("role", "web")), twoContainers: true)));
        plane.Store.Create(KubeObject.From(PodJson("db-1", Labels(("role", "db")))));
        plane.RunReady();

        var web = plane.Store.Get("v1", "Pod", "default", "web-1");
        var db = plane.Store.Get("v1", "Pod", "default", "db-1");
        Assert.Equal(PodEniBoth, Resources(web));
        Assert.Equal("{}", Resources(web, 1));
        Assert.DoesNotContain("pod-eni", Resources(db), StringComparison.Ordinal);
    }

    [Fact]
    public void ControlPlane_NonControllerUpdateOfPodEniAnnotation_FailsWithWebhookDenial()
    {
        var plane = new ControlPlane(new ManualTimeProvider(), 7);
        plane.Bootstrap();
        plane.RunReady();
        ResourceControllerWebhooks.Register(plane.Store.Admission, plane.Store);
        var pod = plane.Store.Create(KubeObject.From(PodJson("p", Labels(("app", "x")))));

        var e = Assert.Throws<KubeException>(() => plane.Store.Update(pod.WithAnnotation("vpc.amazonaws.com/pod-eni", "[]"), new RequestContext("jane")));
        var byController = plane.Store.Update(pod.WithAnnotation("vpc.amazonaws.com/pod-eni", "[]"), new RequestContext("eks:vpc-resource-controller"));

        Assert.Equal("admission webhook \"vpod.vpc.k8s.aws\" denied the request: annotation is not set by vpc-resource-controller", e.Message);
        Assert.Equal((403, "Forbidden"), (e.Code, e.Reason));
        Assert.Equal("[]", byController.Annotations["vpc.amazonaws.com/pod-eni"]);
    }

    [Fact]
    public void ControlPlane_PodOfMissingServiceAccount_IsRejectedBeforeTheWebhook()
    {
        var plane = new ControlPlane(new ManualTimeProvider(), 7);
        plane.Bootstrap();
        plane.RunReady();
        ResourceControllerWebhooks.Register(plane.Store.Admission, plane.Store);

        var e = Assert.Throws<KubeException>(() => plane.Store.Create(KubeObject.From(PodJson("p", serviceAccount: "ghost"))));

        Assert.Equal("pods \"p\" is forbidden: error looking up service account default/ghost: serviceaccount \"ghost\" not found", e.Message);
    }
}
