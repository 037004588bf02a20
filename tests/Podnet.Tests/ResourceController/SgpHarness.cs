using System.Text.Json.Nodes;
using Podnet.Kube.Admission;
using Podnet.Kube.Api;
using Podnet.Kube.Store;
using Podnet.ResourceController;
using Podnet.Tests.TestSupport;

namespace Podnet.Tests.ResourceController;

/// <summary>
/// An object store without built-in admission plugins, with the controller's webhooks registered, namespaces
/// <c>default</c> and <c>other</c>, and a <c>default</c> ServiceAccount in each.
/// </summary>
internal sealed class SgpHarness
{
    public const string Admin = "kubernetes-admin";

    public SgpHarness(bool register = true)
    {
        Store = new ObjectStore(new ManualTimeProvider(), new NameGenerator(42), Chain);
        if (register)
        {
            ResourceControllerWebhooks.Register(Chain, Store);
        }

        foreach (var ns in new[] { "default", "other" })
        {
            Store.Create(KubeObject.From(new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Namespace", ["metadata"] = new JsonObject { ["name"] = ns } }));
            CreateServiceAccount("default", ns);
        }

        Matcher = new SecurityGroupPolicyMatcher(Store);
        Mutating = new PodMutatingWebhook(Matcher);
    }

    public AdmissionChain Chain { get; } = new();

    public ObjectStore Store { get; }

    public SecurityGroupPolicyMatcher Matcher { get; }

    public PodMutatingWebhook Mutating { get; }

    public KubeResource Pods => Store.Resources.For("v1", "Pod");

    public KubeObject CreateServiceAccount(string name, string ns = "default", JsonObject? labels = null)
    {
        var metadata = new JsonObject { ["name"] = name, ["namespace"] = ns };
        if (labels is not null)
        {
            metadata["labels"] = labels;
        }

        return Store.Create(KubeObject.From(new JsonObject { ["apiVersion"] = "v1", ["kind"] = "ServiceAccount", ["metadata"] = metadata }));
    }

    /// <summary>A SecurityGroupPolicy; a null selector is left out of the spec.</summary>
    public KubeObject CreatePolicy(string name, JsonNode? podSelector, JsonNode? serviceAccountSelector, string[] groupIds, string ns = "default")
    {
        var spec = new JsonObject();
        if (podSelector is not null)
        {
            spec["podSelector"] = podSelector;
        }

        if (serviceAccountSelector is not null)
        {
            spec["serviceAccountSelector"] = serviceAccountSelector;
        }

        spec["securityGroups"] = new JsonObject { ["groupIds"] = new JsonArray([.. groupIds.Select(g => (JsonNode)g)]) };
        return Store.Create(KubeObject.From(new JsonObject
        {
            ["apiVersion"] = "vpcresources.k8s.aws/v1beta1",
            ["kind"] = "SecurityGroupPolicy",
            ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = ns },
            ["spec"] = spec,
        }));
    }

    public KubeObject CreatePolicy(string name, JsonObject podMatchLabels, params string[] groupIds)
        => CreatePolicy(name, new JsonObject { ["matchLabels"] = podMatchLabels }, null, groupIds);

    public KubeObject CreatePod(JsonObject pod, string user = Admin) => Store.Create(KubeObject.From(pod), new RequestContext(user));

    public KubeObject Pod(string name, string ns = "default") => Store.Get(Pods, ns, name);

    public static JsonObject Labels(params (string Key, string Value)[] labels)
    {
        var json = new JsonObject();
        foreach (var (key, value) in labels)
        {
            json[key] = value;
        }

        return json;
    }

    /// <summary>A pod with one container (two when <paramref name="twoContainers"/>); <paramref name="spec"/> adjusts the spec.</summary>
    public static JsonObject PodJson(string name, JsonObject? labels = null, string? ns = "default", string? serviceAccount = null, Action<JsonObject>? spec = null, JsonObject? annotations = null, bool twoContainers = false)
    {
        var containers = new JsonArray(new JsonObject { ["name"] = "app", ["image"] = "nginx:1.27" });
        if (twoContainers)
        {
            containers.Add(new JsonObject { ["name"] = "sidecar", ["image"] = "busybox:1.36" });
        }

        var podSpec = new JsonObject { ["containers"] = containers };
        if (serviceAccount is not null)
        {
            podSpec["serviceAccountName"] = serviceAccount;
        }

        spec?.Invoke(podSpec);
        var metadata = new JsonObject { ["name"] = name };
        if (ns is not null)
        {
            metadata["namespace"] = ns;
        }

        if (labels is not null)
        {
            metadata["labels"] = labels;
        }

        if (annotations is not null)
        {
            metadata["annotations"] = annotations;
        }

        return new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Pod", ["metadata"] = metadata, ["spec"] = podSpec };
    }

    public AdmissionRequest CreateRequest(JsonObject pod, string user = Admin)
    {
        var obj = KubeObject.From(pod);
        return new AdmissionRequest(AdmissionOperation.Create, Pods, obj.Namespace ?? "default", obj.Name, obj, null, user);
    }

    public AdmissionRequest UpdateRequest(KubeObject old, KubeObject updated, string user = Admin)
        => new(AdmissionOperation.Update, Store.Resources.For(old), old.Namespace, old.Name, updated, old, user);

    /// <summary>A container's resources as compact JSON, "-" when it has none.</summary>
    public static string Resources(KubeObject pod, int container = 0)
        => (pod["spec.containers"] as JsonArray)?[container]?["resources"]?.ToJsonString() ?? "-";
}
