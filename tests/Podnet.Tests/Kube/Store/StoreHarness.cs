using System.Globalization;
using System.Text.Json.Nodes;
using Podnet.Kube.Admission;
using Podnet.Kube.Api;
using Podnet.Kube.Controllers;
using Podnet.Kube.Store;
using Podnet.Tests.TestSupport;

namespace Podnet.Tests.Kube.Store;

/// <summary>An object store on a manual clock with the <c>default</c> namespace (and any others asked for) created.</summary>
internal sealed class StoreHarness
{
    public static readonly DateTimeOffset Start = new(2026, 11, 22, 9, 0, 0, TimeSpan.Zero);

    public StoreHarness(AdmissionChain? admission = null, int watchHistory = 10_000, params string[] namespaces)
    {
        Store = new ObjectStore(Time, new NameGenerator(42), admission, watchHistory: watchHistory);

        // kube-controller-manager's garbage collector and namespace controller do the store's cascades (as they do
        // for kube-apiserver); here they work as each change is delivered, so a write's cascade is done when it returns.
        IController[] controllers = [new GarbageCollector(Store, Time), new NamespaceController(Store, Time)];
        Store.Subscribe(change =>
        {
            foreach (var controller in controllers)
            {
                controller.OnChange(change);
                while (controller.ProcessNext())
                {
                }
            }
        });
        foreach (var ns in new[] { "default" }.Concat(namespaces))
        {
            CreateNamespace(ns);
        }
    }

    public ManualTimeProvider Time { get; } = new(Start);

    public ObjectStore Store { get; }

    public KubeResource Pods => Store.Resources.For("v1", "Pod");

    public KubeResource Namespaces => Store.Resources.For("v1", "Namespace");

    public KubeResource ConfigMaps => Store.Resources.For("v1", "ConfigMap");

    public KubeResource Deployments => Store.Resources.For("apps/v1", "Deployment");

    public KubeResource ReplicaSets => Store.Resources.For("apps/v1", "ReplicaSet");

    public KubeObject CreateNamespace(string name)
        => Store.Create(Json($$$"""{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"{{{name}}}"},"spec":{"finalizers":["kubernetes"]}}"""));

    public KubeObject CreatePod(string name, string ns = "default", string? nodeName = null, IReadOnlyDictionary<string, string>? labels = null, params string[] finalizers)
        => Store.Create(Pod(name, ns, nodeName, labels, finalizers));

    public KubeObject CreateConfigMap(string name, string ns = "default", params KubeObject[] owners)
        => Store.Create(ConfigMap(name, ns, owners));

    public static KubeObject Json(string json) => KubeObject.Parse(json);

    public static KubeObject Pod(string name, string ns = "default", string? nodeName = null, IReadOnlyDictionary<string, string>? labels = null, params string[] finalizers)
    {
        var spec = new JsonObject
        {
            ["containers"] = new JsonArray(new JsonObject { ["name"] = "app", ["image"] = "nginx:1.27" }),
        };
        if (nodeName is not null)
        {
            spec["nodeName"] = nodeName;
        }

        var metadata = new JsonObject { ["name"] = name, ["namespace"] = ns };
        if (labels is not null)
        {
            metadata["labels"] = new JsonObject([.. labels.Select(l => KeyValuePair.Create(l.Key, (JsonNode?)l.Value))]);
        }

        if (finalizers.Length > 0)
        {
            metadata["finalizers"] = new JsonArray([.. finalizers.Select(f => (JsonNode)f)]);
        }

        return KubeObject.From(new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Pod", ["metadata"] = metadata, ["spec"] = spec });
    }

    public static KubeObject ConfigMap(string name, string ns = "default", params KubeObject[] owners)
    {
        var metadata = new JsonObject { ["name"] = name, ["namespace"] = ns };
        if (owners.Length > 0)
        {
            metadata["ownerReferences"] = new JsonArray([.. owners.Select(o => (JsonNode)OwnerReference.ControllerOf(o).ToJson())]);
        }

        return KubeObject.From(new JsonObject { ["apiVersion"] = "v1", ["kind"] = "ConfigMap", ["metadata"] = metadata, ["data"] = new JsonObject { ["k"] = "v" } });
    }

    public static KubeObject Deployment(string name, string ns = "default", int replicas = 2)
        => Json("""
            {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"NAME","namespace":"NS"},
             "spec":{"replicas":REPLICAS,"selector":{"matchLabels":{"app":"NAME"}},
                     "template":{"metadata":{"labels":{"app":"NAME"}},"spec":{"containers":[{"name":"app","image":"nginx:1.27"}]}}}}
            """.Replace("NAME", name, StringComparison.Ordinal).Replace("NS", ns, StringComparison.Ordinal).Replace("REPLICAS", replicas.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal));

    /// <summary>A ReplicaSet owned by <paramref name="owner"/>, built by hand as the deployment controller would.</summary>
    public static KubeObject ReplicaSet(string name, KubeObject owner)
        => Json("""
            {"apiVersion":"apps/v1","kind":"ReplicaSet","metadata":{"name":"NAME","namespace":"NS","ownerReferences":[OWNER]},
             "spec":{"replicas":2,"selector":{"matchLabels":{"app":"web"}},
                     "template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"name":"app","image":"nginx:1.27"}]}}}}
            """.Replace("NAME", name, StringComparison.Ordinal).Replace("NS", owner.Namespace, StringComparison.Ordinal)
               .Replace("OWNER", OwnerReference.ControllerOf(owner).ToJson().ToJsonString(), StringComparison.Ordinal));

    /// <summary>A pod owned by <paramref name="owner"/>.</summary>
    public static KubeObject OwnedPod(string name, params KubeObject[] owners)
        => Pod(name, owners[0].Namespace ?? "default").With(json =>
            json["metadata"]!["ownerReferences"] = new JsonArray([.. owners.Select(o => (JsonNode)OwnerReference.ControllerOf(o).ToJson())]));

    public static KubeException Throws(Action action) => Assert.Throws<KubeException>(action);

    public static KubeException Throws(Func<object?> action) => Assert.Throws<KubeException>(action);

    public static IReadOnlyList<string> Names(ObjectList list) => [.. list.Items.Select(i => i.Name)];

    public static string Describe(WatchEvent e) => $"{e.TypeName} {e.Object.Kind} {e.Object.Name}";
}
