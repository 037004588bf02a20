using System.Text.Json.Nodes;
using Podnet.Kube.Api;
using Podnet.Kube.Store;
using Podnet.ResourceController;
using static Podnet.Tests.ResourceController.SgpHarness;

namespace Podnet.Tests.ResourceController;

public sealed class PodAnnotationValidatingWebhookTests
{
    private const string PodEniValue = """[{"eniId":"eni-1","ifAddress":"02:00:00:00:00:01","privateIp":"192.168.0.20","ipv6Addr":"","vlanId":1,"subnetCidr":"192.168.0.0/24","subnetV6Cidr":"","associationID":"trunk-assoc-1"}]""";

    [Fact]
    public void ValidatingWebhook_CreateWithPodEniAnnotation_IsDenied()
    {
        var h = new SgpHarness();
        var json = PodJson("p", annotations: new JsonObject { ["vpc.amazonaws.com/pod-eni"] = PodEniValue });

        var result = PodAnnotationValidatingWebhook.Handle(h.CreateRequest(json, ResourceControllerNames.ControllerUser));
        var e = Assert.Throws<KubeException>(() => h.CreatePod(json));

        Assert.Equal((false, "pod cannot be created with vpc.amazonaws.com/pod-eni annotation"), (result.Allowed, result.Message));
        Assert.Equal("admission webhook \"vpod.vpc.k8s.aws\" denied the request: pod cannot be created with vpc.amazonaws.com/pod-eni annotation", e.Message);
        Assert.Equal(403, e.Code);
        Assert.Null(h.Store.TryGet(h.Pods, "default", "p"));
    }

    [Fact]
    public void ValidatingWebhook_CreateWithOtherAnnotations_IsAllowed()
    {
        var h = new SgpHarness();

        var pod = h.CreatePod(PodJson("p", annotations: new JsonObject { ["vpc.amazonaws.com/other"] = "x" }));

        Assert.Equal("x", pod.Annotations["vpc.amazonaws.com/other"]);
    }

    [Fact]
    public void ValidatingWebhook_NonControllerSetsPodEniAnnotation_IsDenied()
    {
        var h = new SgpHarness();
        var pod = h.CreatePod(PodJson("p"));

        var e = Assert.Throws<KubeException>(() => h.Store.Update(pod.WithAnnotation("vpc.amazonaws.com/pod-eni", PodEniValue), new RequestContext("system:serviceaccount:kube-system:aws-node")));

        Assert.Equal("admission webhook \"vpod.vpc.k8s.aws\" denied the request: annotation is not set by vpc-resource-controller", e.Message);
        Assert.False(h.Pod("p").Annotations.ContainsKey("vpc.amazonaws.com/pod-eni"));
    }

    [Theory]
    [InlineData("system:serviceaccount:kube-system:vpc-resource-controller")]
    [InlineData("system:serviceaccount:kube-system:eks-vpc-resource-controller")]
    [InlineData("eks:vpc-resource-controller")]
    public void ValidatingWebhook_ControllerUser_MaySetChangeAndRemovePodEni(string user)
    {
        var h = new SgpHarness();
        var pod = h.CreatePod(PodJson("p"));
        var context = new RequestContext(user);

        var annotated = h.Store.Update(pod.WithAnnotation("vpc.amazonaws.com/pod-eni", PodEniValue), context);
        var changed = h.Store.Update(annotated.WithAnnotation("vpc.amazonaws.com/pod-eni", "[]"), context);
        var removed = h.Store.Update(changed.WithAnnotation("vpc.amazonaws.com/pod-eni", null), context);

        Assert.Equal(PodEniValue, annotated.Annotations["vpc.amazonaws.com/pod-eni"]);
        Assert.Equal("[]", changed.Annotations["vpc.amazonaws.com/pod-eni"]);
        Assert.False(removed.Annotations.ContainsKey("vpc.amazonaws.com/pod-eni"));
    }

    [Fact]
    public void ValidatingWebhook_NonControllerChangesOrRemovesPodEni_IsDenied()
    {
        var h = new SgpHarness();
        var pod = h.Store.Update(h.CreatePod(PodJson("p")).WithAnnotation("vpc.amazonaws.com/pod-eni", PodEniValue), new RequestContext(ResourceControllerNames.ControllerUser));

        var changed = PodAnnotationValidatingWebhook.Handle(h.UpdateRequest(pod, pod.WithAnnotation("vpc.amazonaws.com/pod-eni", "[]")));
        var removed = PodAnnotationValidatingWebhook.Handle(h.UpdateRequest(pod, pod.WithAnnotation("vpc.amazonaws.com/pod-eni", null)));
        var e = Assert.Throws<KubeException>(() => h.Store.Update(pod.WithAnnotation("vpc.amazonaws.com/pod-eni", null)));

        Assert.Equal((false, "annotation is not set by vpc-resource-controller"), (changed.Allowed, changed.Message));
        Assert.Equal((false, "annotation is not set by vpc-resource-controller"), (removed.Allowed, removed.Message));
        Assert.Equal("admission webhook \"vpod.vpc.k8s.aws\" denied the request: annotation is not set by vpc-resource-controller", e.Message);
        Assert.Equal(PodEniValue, h.Pod("p").Annotations["vpc.amazonaws.com/pod-eni"]);
    }

    [Fact]
    public void ValidatingWebhook_NonControllerEditsOtherAnnotations_IsAllowed()
    {
        var h = new SgpHarness();
        var pod = h.Store.Update(h.CreatePod(PodJson("p")).WithAnnotation("vpc.amazonaws.com/pod-eni", PodEniValue), new RequestContext(ResourceControllerNames.ControllerUser));

        var updated = h.Store.Update(pod.WithAnnotation("team", "payments"));

        Assert.Equal(new Dictionary<string, string> { ["vpc.amazonaws.com/pod-eni"] = PodEniValue, ["team"] = "payments" }, updated.Annotations);
    }

    [Fact]
    public void ValidatingWebhook_AnyUpdateOfFargatePodSg_IsDeniedEvenForTheController()
    {
        var h = new SgpHarness();
        h.CreatePolicy("a", Labels(("app", "x")), "sg-A");
        var pod = h.CreatePod(PodJson("f", Labels(("app", "x"), ("eks.amazonaws.com/fargate-profile", "fp"))));

        var byController = PodAnnotationValidatingWebhook.Handle(h.UpdateRequest(pod, pod.WithAnnotation("fargate.amazonaws.com/pod-sg", "sg-B"), ResourceControllerNames.ControllerUser));
        var e = Assert.Throws<KubeException>(() => h.Store.Update(pod.WithAnnotation("fargate.amazonaws.com/pod-sg", null)));
        var unrelated = h.Store.Update(pod.WithAnnotation("team", "x"));

        Assert.Equal((false, "annotation is not set by mutating webhook"), (byController.Allowed, byController.Message));
        Assert.Equal("admission webhook \"vpod.vpc.k8s.aws\" denied the request: annotation is not set by mutating webhook", e.Message);
        Assert.Equal("sg-A", unrelated.Annotations["fargate.amazonaws.com/pod-sg"]);
    }

    [Fact]
    public void ValidatingWebhook_AddingFargatePodSgOnUpdate_IsDenied()
    {
        var h = new SgpHarness();
        var pod = h.CreatePod(PodJson("p"));

        var e = Assert.Throws<KubeException>(() => h.Store.Update(pod.WithAnnotation("fargate.amazonaws.com/pod-sg", "sg-1"), new RequestContext(ResourceControllerNames.ControllerServiceAccountUser)));

        Assert.Equal("admission webhook \"vpod.vpc.k8s.aws\" denied the request: annotation is not set by mutating webhook", e.Message);
    }
}
