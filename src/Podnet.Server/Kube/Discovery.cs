using System.Text.Json.Nodes;
using Podnet.Kube.Api;

namespace Podnet.Server.Kube;

/// <summary>
/// The discovery documents, generated from the resources the store serves: the aggregated form
/// (<c>apidiscovery.k8s.io/v2</c> or <c>v2beta1</c>, one document per root, k8s.io/apiserver
/// endpoints/discovery/aggregated) and the legacy form (<c>APIVersions</c>, <c>APIGroupList</c>,
/// <c>APIResourceList</c> per group version).
/// </summary>
public static class Discovery
{
    private static readonly string[] ObjectVerbs = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];

    /// <summary>
    /// The verbs a resource serves: its registry's (<see cref="KubeResource.Verbs"/>: a Namespace has no deletecollection,
    /// a review only create), else every object kind's <see cref="ObjectVerbs"/>.
    /// </summary>
    public static IReadOnlyList<string> VerbsOf(KubeResource resource)
    {
        ArgumentNullException.ThrowIfNull(resource);
        return resource.Verbs ?? ObjectVerbs;
    }

    private static readonly string[] StatusVerbs = ["get", "patch", "update"];

    /// <summary>The kinds <c>kubectl get all</c> lists (their registries' Categories()).</summary>
    private static readonly HashSet<(string Group, string Kind)> AllCategory =
    [
        (string.Empty, "Pod"), (string.Empty, "Service"), (string.Empty, "ReplicationController"), ("apps", "DaemonSet"),
        ("apps", "Deployment"), ("apps", "ReplicaSet"), ("apps", "StatefulSet"), ("batch", "Job"), ("batch", "CronJob"),
        ("autoscaling", "HorizontalPodAutoscaler"),
    ];

    /// <summary>The subresources of a kind, with their verbs (pods/exec, deployments/scale, */status …).</summary>
    public static IReadOnlyList<(string Name, string Kind, string Group, string Version, string[] Verbs)> Subresources(KubeResource resource)
    {
        ArgumentNullException.ThrowIfNull(resource);
        var subresources = new List<(string, string, string, string, string[])>();
        if (resource is { Group: "", Kind: "Namespace" })
        {
            // FinalizeREST (pkg/registry/core/namespace/storage/storage.go) serves update only.
            subresources.Add(("finalize", "Namespace", string.Empty, "v1", ["update"]));
        }

        if (resource.HasStatusSubresource)
        {
            subresources.Add(("status", resource.Kind, resource.Group, resource.Version, StatusVerbs));
        }

        if (resource is { Group: "", Kind: "Pod" })
        {
            subresources.Add(("exec", "PodExecOptions", string.Empty, "v1", ["create", "get"]));
            subresources.Add(("log", "Pod", string.Empty, "v1", ["get"]));
            subresources.Add(("eviction", "Eviction", "policy", "v1", ["create"]));
        }

        if (resource is { Group: "apps", Kind: "Deployment" or "ReplicaSet" or "StatefulSet" })
        {
            subresources.Add(("scale", "Scale", "autoscaling", "v1", StatusVerbs));
        }

        return subresources;
    }

    /// <summary>The served kinds of the core group (<paramref name="core"/>) or of every named group, by group then version (preferred first).</summary>
    private static IEnumerable<IGrouping<string, KubeResource>> Groups(IEnumerable<KubeResource> served, bool core)
        => served.Where(r => (r.Group.Length == 0) == core)
            .GroupBy(r => r.Group)
            .OrderBy(g => GroupOrder(g.Key)).ThenBy(g => g.Key, StringComparer.Ordinal);

    /// <summary>Versions of a group, the preferred (stable, newest) first, as the API server orders them.</summary>
    private static IEnumerable<string> Versions(IEnumerable<KubeResource> group)
        => group.Select(r => r.Version).Distinct().OrderByDescending(VersionPriority);

    /// <summary>
    /// kube-aggregator's version priority: GA before beta before alpha, higher numbers first
    /// (apimachinery/pkg/version.CompareKubeAwareVersionStrings).
    /// </summary>
    private static int VersionPriority(string version)
    {
        var match = System.Text.RegularExpressions.Regex.Match(version, @"^v(\d+)(?:(alpha|beta)(\d+))?$");
        if (!match.Success)
        {
            return 0;
        }

        var major = int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        var stage = match.Groups[2].Value switch { "" => 3, "beta" => 2, _ => 1 };
        var minor = match.Groups[3].Success ? int.Parse(match.Groups[3].Value, System.Globalization.CultureInfo.InvariantCulture) : 0;
        return (stage * 1000 + major) * 1000 + minor;
    }

    /// <summary>Built-in groups come in the API server's order; others after them, by name.</summary>
    private static int GroupOrder(string group) => group switch
    {
        "" => 0,
        "apiregistration.k8s.io" => 1,
        "apps" => 2,
        "events.k8s.io" => 3,
        "authentication.k8s.io" => 4,
        "authorization.k8s.io" => 5,
        "autoscaling" => 6,
        "batch" => 7,
        "certificates.k8s.io" => 8,
        "networking.k8s.io" => 9,
        "policy" => 10,
        "rbac.authorization.k8s.io" => 11,
        "storage.k8s.io" => 12,
        "admissionregistration.k8s.io" => 13,
        "apiextensions.k8s.io" => 14,
        "scheduling.k8s.io" => 15,
        "coordination.k8s.io" => 16,
        "node.k8s.io" => 17,
        "discovery.k8s.io" => 18,
        "flowcontrol.apiserver.k8s.io" => 19,
        _ => 100,
    };

    /// <summary><c>/api</c> or <c>/apis</c> in the aggregated form (<paramref name="version"/> v2 or v2beta1).</summary>
    public static JsonObject Aggregated(IEnumerable<KubeResource> served, bool core, string version)
    {
        var items = new JsonArray();
        foreach (var group in Groups(served, core))
        {
            var versions = new JsonArray();
            foreach (var v in Versions(group))
            {
                var resources = new JsonArray();
                foreach (var r in group.Where(r => r.Version == v).OrderBy(r => r.Plural, StringComparer.Ordinal))
                {
                    var entry = new JsonObject
                    {
                        ["resource"] = r.Plural,
                        ["responseKind"] = new JsonObject { ["group"] = r.Group, ["version"] = r.Version, ["kind"] = r.Kind },
                        ["scope"] = r.Namespaced ? "Namespaced" : "Cluster",
                        ["singularResource"] = r.Singular,
                        ["verbs"] = new JsonArray([.. VerbsOf(r).Select(x => (JsonNode)x)]),
                    };
                    if (r.ShortNames.Count > 0)
                    {
                        entry["shortNames"] = new JsonArray([.. r.ShortNames.Select(x => (JsonNode)x)]);
                    }

                    if (AllCategory.Contains((r.Group, r.Kind)))
                    {
                        entry["categories"] = new JsonArray("all");
                    }

                    var subresources = Subresources(r);
                    if (subresources.Count > 0)
                    {
                        entry["subresources"] = new JsonArray([.. subresources.Select(s => (JsonNode)new JsonObject
                        {
                            ["subresource"] = s.Name,
                            ["responseKind"] = new JsonObject { ["group"] = s.Group, ["version"] = s.Version, ["kind"] = s.Kind },
                            ["verbs"] = new JsonArray([.. s.Verbs.Select(x => (JsonNode)x)]),
                        })]);
                    }

                    resources.Add(entry);
                }

                versions.Add(new JsonObject { ["version"] = v, ["resources"] = resources, ["freshness"] = "Current" });
            }

            items.Add(new JsonObject { ["metadata"] = new JsonObject { ["name"] = group.Key, ["creationTimestamp"] = null }, ["versions"] = versions });
        }

        return new JsonObject
        {
            ["kind"] = "APIGroupDiscoveryList",
            ["apiVersion"] = "apidiscovery.k8s.io/" + version,
            ["metadata"] = new JsonObject(),
            ["items"] = items,
        };
    }

    /// <summary><c>/api</c> in the legacy form.</summary>
    public static JsonObject ApiVersions(string serverAddress) => new()
    {
        ["kind"] = "APIVersions",
        ["versions"] = new JsonArray("v1"),
        ["serverAddressByClientCIDRs"] = new JsonArray(new JsonObject { ["clientCIDR"] = "0.0.0.0/0", ["serverAddress"] = serverAddress }),
    };

    /// <summary><c>/apis</c> in the legacy form.</summary>
    public static JsonObject ApiGroupList(IEnumerable<KubeResource> served)
        => new()
        {
            ["kind"] = "APIGroupList",
            ["apiVersion"] = "v1",
            ["groups"] = new JsonArray([.. Groups(served, core: false).Select(g => (JsonNode)ApiGroup(g.Key, Versions(g).ToList()))]),
        };

    /// <summary><c>/apis/{group}</c>: the group's versions; null when no such group is served.</summary>
    public static JsonObject? ApiGroup(IEnumerable<KubeResource> served, string group)
        => Groups(served, core: false).FirstOrDefault(g => g.Key == group) is { } found ? ApiGroup(group, Versions(found).ToList()) : null;

    private static JsonObject ApiGroup(string group, IReadOnlyList<string> versions)
    {
        JsonObject Version(string v) => new() { ["groupVersion"] = $"{group}/{v}", ["version"] = v };
        return new JsonObject
        {
            ["kind"] = "APIGroup",
            ["apiVersion"] = "v1",
            ["name"] = group,
            ["versions"] = new JsonArray([.. versions.Select(v => (JsonNode)Version(v))]),
            ["preferredVersion"] = Version(versions[0]),
        };
    }

    /// <summary><c>/api/v1</c> or <c>/apis/{group}/{version}</c>: an <c>APIResourceList</c>; null when nothing is served there.</summary>
    public static JsonObject? ApiResourceList(IEnumerable<KubeResource> served, string group, string version)
    {
        var inVersion = served.Where(r => r.Group == group && r.Version == version).OrderBy(r => r.Plural, StringComparer.Ordinal).ToList();
        if (inVersion.Count == 0)
        {
            return null;
        }

        var resources = new JsonArray();
        foreach (var r in inVersion)
        {
            var entry = new JsonObject
            {
                ["name"] = r.Plural,
                ["singularName"] = r.Singular,
                ["namespaced"] = r.Namespaced,
                ["kind"] = r.Kind,
                ["verbs"] = new JsonArray([.. VerbsOf(r).Select(x => (JsonNode)x)]),
            };
            if (r.ShortNames.Count > 0)
            {
                entry["shortNames"] = new JsonArray([.. r.ShortNames.Select(x => (JsonNode)x)]);
            }

            if (AllCategory.Contains((r.Group, r.Kind)))
            {
                entry["categories"] = new JsonArray("all");
            }

            resources.Add(entry);
            foreach (var s in Subresources(r))
            {
                var sub = new JsonObject
                {
                    ["name"] = $"{r.Plural}/{s.Name}",
                    ["singularName"] = string.Empty,
                    ["namespaced"] = r.Namespaced,
                    ["kind"] = s.Kind,
                    ["verbs"] = new JsonArray([.. s.Verbs.Select(x => (JsonNode)x)]),
                };
                if (s.Group != r.Group || s.Version != r.Version)
                {
                    sub["group"] = s.Group;
                    sub["version"] = s.Version;
                }

                resources.Add(sub);
            }
        }

        return new JsonObject
        {
            ["kind"] = "APIResourceList",
            ["apiVersion"] = "v1",
            ["groupVersion"] = group.Length == 0 ? version : $"{group}/{version}",
            ["resources"] = resources,
        };
    }
}
