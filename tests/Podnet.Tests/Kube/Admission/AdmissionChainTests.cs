using System.Text.Json.Nodes;
using Podnet.Kube.Admission;
using Podnet.Kube.Api;
using Podnet.Kube.Store;
using Podnet.Tests.Kube.Store;
using static Podnet.Tests.Kube.Store.StoreHarness;

namespace Podnet.Tests.Kube.Admission;

public class AdmissionChainTests
{
    private readonly List<string> _calls = [];

    private sealed class RecordingPlugin(string name, List<string> calls) : IAdmissionPlugin
    {
        public KubeObject? Mutate(AdmissionRequest request)
        {
            calls.Add($"{name}.mutate");
            return request.Object?.WithLabel($"mutated-by-{name}", "true");
        }

        public IReadOnlyList<StatusCause> Validate(AdmissionRequest request)
        {
            calls.Add($"{name}.validate sees {string.Join(",", request.Object!.Labels.Keys.Order(StringComparer.Ordinal))}");
            return request.Object.Labels.ContainsKey("reject")
                ? [StatusCause.Invalid("metadata.labels", "reject", "not allowed here")]
                : [];
        }
    }

    private AdmissionWebhook Mutating(string name, FailurePolicy policy = FailurePolicy.Fail)
        => new(name, true, policy, r => r.Resource.Kind == "Pod", r =>
        {
            _calls.Add(name);
            return AdmissionResult.Allow(r.Object!.WithLabel($"hook-{name}", "true"));
        });

    private AdmissionWebhook Validating(string name, Func<AdmissionRequest, AdmissionResult>? answer = null, FailurePolicy policy = FailurePolicy.Fail)
        => new(name, false, policy, r => r.Resource.Kind == "Pod", r =>
        {
            _calls.Add($"{name} sees {string.Join(",", r.Object!.Labels.Keys.Order(StringComparer.Ordinal))}");
            return answer?.Invoke(r) ?? AdmissionResult.Allow();
        });

    [Fact]
    public void Admit_RunsMutationThenMutatingWebhooksThenMutationAgainThenValidationThenValidatingWebhooks()
    {
        var chain = new AdmissionChain([new RecordingPlugin("p1", _calls), new RecordingPlugin("p2", _calls)]);
        chain.Register(Validating("v"));
        chain.Register(Mutating("m1"));
        chain.Register(Mutating("m2"));
        var h = new StoreHarness(chain);
        _calls.Clear();

        var pod = h.CreatePod("x");

        const string AllLabels = "hook-m1,hook-m2,mutated-by-p1,mutated-by-p2";
        Assert.Equal(
            // The webhooks changed the pod, so the built-in plugins run once more (the API server's reinvocation).
            ["p1.mutate", "p2.mutate", "m1", "m2", "p1.mutate", "p2.mutate", $"p1.validate sees {AllLabels}", $"p2.validate sees {AllLabels}", $"v sees {AllLabels}"],
            _calls);
        Assert.Equal(AllLabels, string.Join(",", pod.Labels.Keys.Order(StringComparer.Ordinal)));
    }

    [Fact]
    public void Admit_WebhookThatChangesNothing_BuiltInPluginsRunOnce()
    {
        var chain = new AdmissionChain([new RecordingPlugin("p1", _calls)]);
        chain.Register(new AdmissionWebhook("same", true, FailurePolicy.Fail, r => r.Resource.Kind == "Pod", r =>
        {
            _calls.Add("same");
            return AdmissionResult.Allow(r.Object);
        }));
        var h = new StoreHarness(chain);
        _calls.Clear();

        h.CreatePod("x");

        Assert.Equal(["p1.mutate", "same", "p1.validate sees mutated-by-p1"], _calls);
    }

    [Fact]
    public void Admit_WebhookAnswer_IsCopiedBeforeTheBuiltInPluginsRunAgain()
    {
        // The webhook answers with an object it keeps (a cached template, say): defaulting it again must not change it.
        var kept = KubeObject.Parse("""{"apiVersion":"v1","kind":"Pod","metadata":{"name":"x","namespace":"default","labels":{"webhook":"yes"}},"spec":{"containers":[{"name":"c","image":"nginx:1.27"}]}}""");
        var chain = new AdmissionChain([new ObjectDefaults()]);
        chain.Register(new AdmissionWebhook("template", true, FailurePolicy.Fail, r => r.Resource.Kind == "Pod", _ => AdmissionResult.Allow(kept)));
        var h = new StoreHarness(chain);

        var pod = h.CreatePod("x");

        Assert.Equal("yes", pod.Labels["webhook"]);
        Assert.Equal("Always", pod.GetString("spec.restartPolicy"));
        Assert.Null(kept["spec.restartPolicy"]);
    }

    [Fact]
    public void Admit_WebhookAnswerMadeForIt_IsDefaultedInPlace()
    {
        // A webhook that answers with a changed copy made for the request (as the API server's patched copy) hands it
        // over: the built-in plugins that run again change it instead of copying it. This one drops a default, which
        // the defaults plugin sets again on the webhook's own copy.
        KubeObject? made = null;
        var chain = new AdmissionChain([new ObjectDefaults()]);
        chain.Register(new AdmissionWebhook("label", true, FailurePolicy.Fail, r => r.Resource.Kind == "Pod",
            r => AdmissionResult.AllowChanged(made = r.Object!.WithLabel("webhook", "yes").With(j => ((JsonObject)j["spec"]!).Remove("restartPolicy")))));
        var h = new StoreHarness(chain);

        var pod = h.CreatePod("x");

        Assert.Equal("yes", pod.Labels["webhook"]);
        Assert.Equal("Always", pod.GetString("spec.restartPolicy"));
        Assert.Equal("Always", made!.GetString("spec.restartPolicy"));
    }

    [Fact]
    public void Admit_WebhookThatDoesNotMatch_IsNotCalled()
    {
        var chain = new AdmissionChain();
        chain.Register(Validating("v"));
        var h = new StoreHarness(chain);
        _calls.Clear();

        h.CreateConfigMap("cm");

        Assert.Empty(_calls);
    }

    [Fact]
    public void Admit_PluginCauses_AreInvalid()
    {
        var chain = new AdmissionChain([new RecordingPlugin("p", _calls)]);
        chain.Register(Validating("v"));
        var h = new StoreHarness(chain);
        _calls.Clear();

        var error = Throws(() => h.CreatePod("x", labels: new Dictionary<string, string> { ["reject"] = "yes" }));

        Assert.Equal("Invalid", error.Reason);
        Assert.Equal(422, error.Code);
        Assert.Equal("Pod \"x\" is invalid: metadata.labels: Invalid value: \"reject\": not allowed here", error.Message);
        Assert.DoesNotContain(_calls, c => c.StartsWith("v ", StringComparison.Ordinal));
        Assert.Null(h.Store.TryGet(h.Pods, "default", "x"));
    }

    [Fact]
    public void Admit_WebhookDenial_IsBadRequestWithItsMessage()
    {
        var chain = new AdmissionChain();
        chain.Register(Validating("vpc-resource-validator.k8s.aws", _ => AdmissionResult.Deny("pods with hostNetwork may not use security groups")));
        var h = new StoreHarness(chain);
        var before = h.Store.CurrentResourceVersion;

        var error = Throws(() => h.CreatePod("x"));

        Assert.Equal(400, error.Code);
        Assert.Equal("admission webhook \"vpc-resource-validator.k8s.aws\" denied the request: pods with hostNetwork may not use security groups", error.Message);
        Assert.Equal("Error from server: admission webhook \"vpc-resource-validator.k8s.aws\" denied the request: pods with hostNetwork may not use security groups", error.KubectlText);
        Assert.Equal(before, h.Store.CurrentResourceVersion);
        Assert.Null(h.Store.TryGet(h.Pods, "default", "x"));
    }

    [Fact]
    public void Admit_WebhookDenialWithCodeAndReason_KeepsThem()
    {
        var chain = new AdmissionChain();
        chain.Register(Validating("policy.example.com", _ => AdmissionResult.Deny("nope", 403, "Forbidden")));
        var h = new StoreHarness(chain);

        var error = Throws(() => h.CreatePod("x"));

        Assert.Equal(403, error.Code);
        Assert.Equal("Forbidden", error.Reason);
        Assert.Equal("admission webhook \"policy.example.com\" denied the request: nope", error.Message);
    }

    [Fact]
    public void Admit_WebhookDenialWithLowCode_IsRaisedTo400()
    {
        var chain = new AdmissionChain();
        chain.Register(Validating("policy.example.com", _ => AdmissionResult.Deny("nope", 200)));
        var h = new StoreHarness(chain);

        Assert.Equal(400, Throws(() => h.CreatePod("x")).Code);
    }

    [Fact]
    public void Admit_WebhookDenialWithoutMessage_SaysWithoutExplanation()
    {
        var chain = new AdmissionChain();
        chain.Register(Validating("policy.example.com", _ => AdmissionResult.Deny(string.Empty)));
        var h = new StoreHarness(chain);

        Assert.Equal("admission webhook \"policy.example.com\" denied the request without explanation", Throws(() => h.CreatePod("x")).Message);
    }

    [Fact]
    public void Admit_MutatingWebhookDenial_StopsTheChain()
    {
        var chain = new AdmissionChain();
        chain.Register(new AdmissionWebhook("m.example.com", true, FailurePolicy.Fail, r => r.Resource.Kind == "Pod", _ => AdmissionResult.Deny("no")));
        chain.Register(Validating("v"));
        var h = new StoreHarness(chain);
        _calls.Clear();

        Assert.Equal("admission webhook \"m.example.com\" denied the request: no", Throws(() => h.CreatePod("x")).Message);
        Assert.Empty(_calls);
    }

    [Fact]
    public void Admit_ThrowingWebhookWithIgnore_IsSkipped()
    {
        var chain = new AdmissionChain();
        chain.Register(new AdmissionWebhook("flaky.example.com", true, FailurePolicy.Ignore, _ => true,
            _ => throw new HttpRequestException("dial tcp 10.100.12.34:443: connect: connection refused")));
        chain.Register(Validating("v"));
        var h = new StoreHarness(chain);

        var pod = h.CreatePod("x");

        Assert.Equal("x", pod.Name);
        Assert.Contains("v sees ", _calls[^1], StringComparison.Ordinal);
    }

    [Fact]
    public void Admit_ThrowingWebhookWithFail_IsInternalError()
    {
        var chain = new AdmissionChain();
        chain.Register(new AdmissionWebhook("vpc-resource-mutating-webhook", true, FailurePolicy.Fail, r => r.Resource.Kind == "Pod",
            _ => throw new HttpRequestException("dial tcp 10.100.12.34:443: connect: connection refused")));
        var h = new StoreHarness(chain);
        var before = h.Store.CurrentResourceVersion;

        var error = Throws(() => h.CreatePod("x"));

        Assert.Equal("InternalError", error.Reason);
        Assert.Equal(500, error.Code);
        Assert.Equal("Internal error occurred: failed calling webhook \"vpc-resource-mutating-webhook\": dial tcp 10.100.12.34:443: connect: connection refused", error.Message);
        Assert.Equal(before, h.Store.CurrentResourceVersion);
    }

    [Fact]
    public void Admit_ValidatingWebhookThrowingWithIgnore_AllowsTheRequest()
    {
        var chain = new AdmissionChain();
        chain.Register(new AdmissionWebhook("v.example.com", false, FailurePolicy.Ignore, _ => true, _ => throw new TimeoutException("context deadline exceeded")));
        var h = new StoreHarness(chain);

        Assert.Equal("x", h.CreatePod("x").Name);
    }

    [Fact]
    public void Admit_MutatingWebhookAllowingWithoutPatch_KeepsObject()
    {
        var chain = new AdmissionChain();
        chain.Register(new AdmissionWebhook("noop.example.com", true, FailurePolicy.Fail, _ => true, _ => AdmissionResult.Allow()));
        var h = new StoreHarness(chain);

        var pod = h.CreatePod("x", labels: new Dictionary<string, string> { ["a"] = "b" });

        Assert.Equal("b", pod.Labels["a"]);
    }

    [Fact]
    public void Admit_SeesRequestDetails()
    {
        var chain = new AdmissionChain();
        var seen = new List<AdmissionRequest>();
        chain.Register(new AdmissionWebhook("r.example.com", false, FailurePolicy.Fail, r => r.Resource.Kind == "Pod", r =>
        {
            seen.Add(r);
            return AdmissionResult.Allow();
        }));
        var h = new StoreHarness(chain);

        var pod = h.Store.Create(Pod("x"), RequestContext.ServiceAccount("kube-system", "replicaset-controller"));
        h.Store.Delete(pod);

        Assert.Equal([AdmissionOperation.Create, AdmissionOperation.Delete], seen.Select(r => r.Operation));
        Assert.Equal("system:serviceaccount:kube-system:replicaset-controller", seen[0].UserName);
        Assert.Equal("default", seen[0].Namespace);
        Assert.Equal("x", seen[0].Name);
        Assert.Null(seen[0].OldObject);
        Assert.Null(seen[1].Object);
        Assert.Equal(pod.Uid, seen[1].OldObject!.Uid);
    }

    [Fact]
    public void Register_SameNameTwice_Throws()
    {
        var chain = new AdmissionChain();
        chain.Register(Validating("v"));

        var error = Assert.Throws<ArgumentException>(() => chain.Register(Validating("v")));

        Assert.StartsWith("an admission webhook named v is already registered", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unregister_RemovesTheWebhook()
    {
        var chain = new AdmissionChain();
        chain.Register(Validating("v", _ => AdmissionResult.Deny("no")));
        chain.Unregister("v");
        var h = new StoreHarness(chain);

        Assert.Empty(chain.Webhooks);
        Assert.Equal("x", h.CreatePod("x").Name);
    }
}
