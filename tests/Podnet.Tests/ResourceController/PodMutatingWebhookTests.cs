using System.Text.Json.Nodes;
using Podnet.Kube.Admission;
using Podnet.Kube.Api;
using Podnet.ResourceController;
using static Podnet.Tests.ResourceController.SgpHarness;

namespace Podnet.Tests.ResourceController;

public sealed class PodMutatingWebhookTests
{
    private const string PodEniBoth = """{"limits":{"vpc.amazonaws.com/pod-eni":"1"},"requests":{"vpc.amazonaws.com/pod-eni":"1"}}""";

    [Fact]
    public void MutatingWebhook_MatchingPod_GetsPodEniRequestAndLimit()
    {
        var h = new SgpHarness();
        h.CreatePolicy("web", Labels(("role", "web")), "sg-1");

        var pod = h.CreatePod(PodJson("web-1", Labels(("role", "web")), twoContainers: true));

        Assert.Equal(PodEniBoth, Resources(pod));
        Assert.Equal("-", Resources(pod, 1));
        Assert.Equal(PodEniBoth, Resources(h.Pod("web-1")));
    }

    [Fact]
    public void MutatingWebhook_MatchingPod_KeepsOtherResourcesAndOverwritesPodEni()
    {
        var h = new SgpHarness();
        h.CreatePolicy("web", Labels(("role", "web")), "sg-1");
        var json = PodJson("web-1", Labels(("role", "web")));
        json["spec"]!["containers"]![0]!["resources"] = new JsonObject
        {
            ["requests"] = new JsonObject { ["cpu"] = "100m", ["vpc.amazonaws.com/pod-eni"] = "3" },
            ["limits"] = new JsonObject { ["memory"] = "128Mi" },
        };

        var result = h.Mutating.Handle(h.CreateRequest(json));

        Assert.True(result.Allowed);
        Assert.Equal(
            """{"requests":{"cpu":"100m","vpc.amazonaws.com/pod-eni":"1"},"limits":{"memory":"128Mi","vpc.amazonaws.com/pod-eni":"1"}}""",
            Resources(result.Patched!));
    }

    [Fact]
    public void MutatingWebhook_NoPolicyMatches_AdmitsPodUnchanged()
    {
        var h = new SgpHarness();
        h.CreatePolicy("web", Labels(("role", "web")), "sg-1");

        var result = h.Mutating.Handle(h.CreateRequest(PodJson("db-1", Labels(("role", "db")))));
        var stored = h.CreatePod(PodJson("db-1", Labels(("role", "db"))));

        AssertAdmittedUnchanged(result);
        Assert.Null(result.Message);
        Assert.Equal("-", Resources(stored));
    }

    [Fact]
    public void MutatingWebhook_PolicyInAnotherNamespace_DoesNotMatch()
    {
        var h = new SgpHarness();
        h.CreatePolicy("all", new JsonObject(), null, ["sg-1"], ns: "other");

        Assert.Equal("-", Resources(h.CreatePod(PodJson("p", Labels(("app", "x"))))));
        Assert.Equal(PodEniBoth, Resources(h.CreatePod(PodJson("p", Labels(("app", "x")), ns: "other"))));
    }

    [Fact]
    public void MutatingWebhook_EmptyPodSelector_MatchesEveryPodOfTheNamespace()
    {
        var h = new SgpHarness();
        h.CreatePolicy("all", new JsonObject(), null, ["sg-1"]);

        Assert.Equal(PodEniBoth, Resources(h.CreatePod(PodJson("a", Labels(("app", "a"))))));
        Assert.Equal(PodEniBoth, Resources(h.CreatePod(PodJson("b"))));
    }

    [Fact]
    public void MutatingWebhook_HostNetworkPod_IsUnchanged()
    {
        var h = new SgpHarness();
        h.CreatePolicy("all", new JsonObject(), null, ["sg-1"]);
        var json = PodJson("host", Labels(("app", "x")), spec: s => s["hostNetwork"] = true);

        var result = h.Mutating.Handle(h.CreateRequest(json));

        AssertAdmittedUnchanged(result);
        Assert.Equal("-", Resources(h.CreatePod(json)));
    }

    [Fact]
    public void MutatingWebhook_FargatePod_GetsUnionOfGroupsInAnnotation()
    {
        var h = new SgpHarness();
        h.CreatePolicy("a", Labels(("app", "x")), "sg-A", "sg-B");
        h.CreatePolicy("b", Labels(("app", "x")), "sg-B", "sg-C");
        var json = PodJson("f", Labels(("app", "x"), ("eks.amazonaws.com/fargate-profile", "fp-default")));

        var pod = h.CreatePod(json);

        Assert.Equal("sg-A,sg-B,sg-C", pod.Annotations["fargate.amazonaws.com/pod-sg"]);
        Assert.Equal("-", Resources(pod));
    }

    [Fact]
    public void MutatingWebhook_FargatePodWithUserValue_IsOverwritten()
    {
        var h = new SgpHarness();
        h.CreatePolicy("a", Labels(("app", "x")), "sg-A");
        var json = PodJson("f", Labels(("app", "x"), ("eks.amazonaws.com/fargate-profile", "fp")), annotations: new JsonObject { ["fargate.amazonaws.com/pod-sg"] = "sg-user", ["keep"] = "me" });

        var pod = h.CreatePod(json);

        Assert.Equal(new Dictionary<string, string> { ["fargate.amazonaws.com/pod-sg"] = "sg-A", ["keep"] = "me" }, pod.Annotations);
    }

    [Fact]
    public void MutatingWebhook_FargatePodWithoutMatch_UserValueIsRemoved()
    {
        var h = new SgpHarness();
        h.CreatePolicy("a", Labels(("app", "other")), "sg-A");
        var json = PodJson("f", Labels(("app", "x"), ("eks.amazonaws.com/fargate-profile", "fp")), annotations: new JsonObject { ["fargate.amazonaws.com/pod-sg"] = "sg-user", ["keep"] = "me" });

        var pod = h.CreatePod(json);

        Assert.Equal(new Dictionary<string, string> { ["keep"] = "me" }, pod.Annotations);
    }

    [Fact]
    public void MutatingWebhook_FargatePodWithoutMatchOrAnnotation_IsUnchanged()
    {
        var h = new SgpHarness();
        var json = PodJson("f", Labels(("eks.amazonaws.com/fargate-profile", "fp")));

        var result = h.Mutating.Handle(h.CreateRequest(json));

        AssertAdmittedUnchanged(result);
    }

    [Theory]
    [InlineData("kubernetes.io/os")]
    [InlineData("beta.kubernetes.io/os")]
    public void MutatingWebhook_WindowsNodeSelector_IsUnchanged(string osLabel)
    {
        var h = new SgpHarness();
        h.CreatePolicy("all", new JsonObject(), null, ["sg-1"]);
        var json = PodJson("win", Labels(("app", "x")), spec: s => s["nodeSelector"] = new JsonObject { [osLabel] = "windows" });

        var result = h.Mutating.Handle(h.CreateRequest(json));

        AssertAdmittedUnchanged(result);
    }

    [Fact]
    public void MutatingWebhook_LinuxNodeSelector_GetsPodEni()
    {
        var h = new SgpHarness();
        h.CreatePolicy("all", new JsonObject(), null, ["sg-1"]);
        var json = PodJson("lin", Labels(("app", "x")), spec: s => s["nodeSelector"] = new JsonObject { ["kubernetes.io/os"] = "linux" });

        Assert.Equal(PodEniBoth, Resources(h.CreatePod(json)));
    }

    [Fact]
    public void MutatingWebhook_MissingServiceAccount_Denies()
    {
        var h = new SgpHarness();
        h.CreatePolicy("all", new JsonObject(), null, ["sg-1"]);

        var result = h.Mutating.Handle(h.CreateRequest(PodJson("p", Labels(("app", "x")), serviceAccount: "ghost")));

        Assert.False(result.Allowed);
        Assert.Equal("Failed to get Matching SGP for Pods, rejecting event, error serviceaccount \"ghost\" not found", result.Message);
        Assert.Equal((403, "Forbidden"), (result.Code, result.Reason));
    }

    [Fact]
    public void MutatingWebhook_MissingServiceAccountOfFargatePod_Denies()
    {
        var h = new SgpHarness();

        var result = h.Mutating.Handle(h.CreateRequest(PodJson("p", Labels(("eks.amazonaws.com/fargate-profile", "fp")), serviceAccount: "ghost")));

        Assert.Equal((false, "Failed to get Matching SGP for Pods, rejecting event, error serviceaccount \"ghost\" not found"), (result.Allowed, result.Message));
    }

    [Fact]
    public void MutatingWebhook_MissingServiceAccount_StoreCreateFailsWithWebhookDenial()
    {
        var h = new SgpHarness();

        var e = Assert.Throws<KubeException>(() => h.CreatePod(PodJson("p", serviceAccount: "ghost")));

        Assert.Equal("admission webhook \"mpod.vpc.k8s.aws\" denied the request: Failed to get Matching SGP for Pods, rejecting event, error serviceaccount \"ghost\" not found", e.Message);
        Assert.Equal((403, "Forbidden"), (e.Code, e.Reason));
        Assert.Null(h.Store.TryGet(h.Pods, "default", "p"));
    }

    [Fact]
    public void MutatingWebhook_NoPoliciesAtAll_AdmitsPodUnchanged()
    {
        var h = new SgpHarness();

        var result = h.Mutating.Handle(h.CreateRequest(PodJson("p", Labels(("app", "x")))));
        var pod = h.CreatePod(PodJson("p", Labels(("app", "x"))));

        AssertAdmittedUnchanged(result);
        Assert.Equal("-", Resources(pod));
    }

    [Fact]
    public void MutatingWebhook_PolicyCreatedAfterPod_DoesNotChangeThePod()
    {
        var h = new SgpHarness();
        var before = h.CreatePod(PodJson("early", Labels(("app", "x"))));

        h.CreatePolicy("late", Labels(("app", "x")), "sg-1");
        var later = h.CreatePod(PodJson("later", Labels(("app", "x"))));

        Assert.Equal("-", Resources(h.Pod("early")));
        Assert.Equal(before.ResourceVersion, h.Pod("early").ResourceVersion);
        Assert.Equal(PodEniBoth, Resources(later));
    }

    [Fact]
    public void MutatingWebhook_PodWithoutNamespace_IsMatchedInTheRequestNamespace()
    {
        var h = new SgpHarness();
        h.CreatePolicy("all", new JsonObject(), null, ["sg-1"], ns: "other");
        var pod = KubeObject.From(PodJson("p", Labels(("app", "x")), ns: null));
        var request = h.CreateRequest(PodJson("p", Labels(("app", "x")), ns: null)) with { Namespace = "other", Object = pod };

        var result = h.Mutating.Handle(request);

        Assert.Equal(PodEniBoth, Resources(result.Patched!));
        Assert.Equal("other", result.Patched!.Namespace);
    }

    [Fact]
    public void MutatingWebhook_UpdateOfPod_IsNotHandled()
    {
        var h = new SgpHarness();
        var pod = h.CreatePod(PodJson("p", Labels(("app", "x"))));
        h.CreatePolicy("all", new JsonObject(), null, ["sg-1"]);

        Assert.False(PodMutatingWebhook.Matches(h.UpdateRequest(pod, pod.WithLabel("v", "2"))));
        var updated = h.Store.Update(pod.WithLabel("v", "2"));

        Assert.Equal("-", Resources(updated));
    }

    private static void AssertAdmittedUnchanged(AdmissionResult result)
    {
        Assert.True(result.Allowed);
        Assert.Null(result.Patched);
    }
}
