using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Podnet.Kube.Api;

namespace Podnet.Server.Kube;

/// <summary>
/// <c>/openapi/v3</c>: the index of group versions and a document per group version, generated from the served
/// resources. kubectl <c>apply</c> and <c>create -f</c> read them before writing: the paths with their
/// <c>x-kubernetes-group-version-kind</c> tell it the kind is served and that the server validates fields
/// (<c>fieldValidation</c>), so it sends <c>fieldValidation=Strict</c> and leaves the check to the server. The
/// documents carry the schemas of the custom resources Podnet reads (SecurityGroupPolicy, ENIConfig), as the API server
/// publishes a CRD's structural schema, so <c>kubectl explain sgp.spec</c> lists their fields and types; the fields'
/// descriptions are their CRDs' and are not repeated here. Built-in kinds have no schema (<c>kubectl explain pod</c>
/// still fails: their schemas are Kubernetes' own, with its descriptions).
/// </summary>
public static class OpenApiDocuments
{
    private static readonly JsonObject FieldValidation = new() { ["name"] = "fieldValidation", ["in"] = "query", ["schema"] = new JsonObject { ["type"] = "string" } };

    /// <summary>The path of a group version's document: <c>api/v1</c> or <c>apis/apps/v1</c>.</summary>
    public static string PathOf(string group, string version) => group.Length == 0 ? $"api/{version}" : $"apis/{group}/{version}";

    /// <summary>The index: every group version with a content-hashed URL (kubectl caches documents by URL).</summary>
    public static JsonObject Index(IEnumerable<KubeResource> served, string kubernetesVersion)
    {
        var paths = new JsonObject();
        foreach (var gv in served.Select(r => (r.Group, r.Version)).Distinct().OrderBy(gv => PathOf(gv.Group, gv.Version), StringComparer.Ordinal))
        {
            var document = Document(served, gv.Group, gv.Version, kubernetesVersion)!;
            var hash = Convert.ToHexString(SHA512.HashData(Encoding.UTF8.GetBytes(document.ToJsonString())));
            paths[PathOf(gv.Group, gv.Version)] = new JsonObject { ["serverRelativeURL"] = $"/openapi/v3/{PathOf(gv.Group, gv.Version)}?hash={hash}" };
        }

        return new JsonObject { ["paths"] = paths };
    }

    /// <summary>The document of one group version, or null when nothing is served there.</summary>
    public static JsonObject? Document(IEnumerable<KubeResource> served, string group, string version, string kubernetesVersion)
    {
        var resources = served.Where(r => r.Group == group && r.Version == version).OrderBy(r => r.Plural, StringComparer.Ordinal).ToList();
        if (resources.Count == 0)
        {
            return null;
        }

        var paths = new JsonObject();
        foreach (var r in resources)
        {
            var prefix = "/" + PathOf(r.Group, r.Version) + (r.Namespaced ? "/namespaces/{namespace}/" : "/") + r.Plural;
            JsonObject Operation(string id) => new()
            {
                ["operationId"] = id + r.Kind,
                ["x-kubernetes-action"] = id,
                ["x-kubernetes-group-version-kind"] = new JsonObject { ["group"] = r.Group, ["version"] = r.Version, ["kind"] = r.Kind },
                ["parameters"] = new JsonArray(FieldValidation.DeepClone()),
            };
            if (r.Verbs is ["create"])
            {
                // A review: created and answered, never stored.
                paths[prefix] = new JsonObject { ["post"] = Operation("post") };
                continue;
            }

            paths[prefix] = new JsonObject { ["get"] = Operation("list"), ["post"] = Operation("post") };
            paths[prefix + "/{name}"] = new JsonObject
            {
                ["get"] = Operation("get"),
                ["put"] = Operation("put"),
                ["patch"] = Operation("patch"),
                ["delete"] = Operation("delete"),
            };
        }

        var schemas = new JsonObject();
        foreach (var r in resources)
        {
            if (Podnet.Kube.Validation.KindStrategies.For(r) is { IsCustomResource: true } strategy)
            {
                var schema = Podnet.Kube.Validation.StructuralSchema.Of(strategy.Schema);
                schema["x-kubernetes-group-version-kind"] = new JsonArray(new JsonObject { ["group"] = r.Group, ["kind"] = r.Kind, ["version"] = r.Version });
                schemas[SchemaName(r)] = schema;
            }
        }

        return new JsonObject
        {
            ["openapi"] = "3.0.0",
            ["info"] = new JsonObject { ["title"] = "Kubernetes", ["version"] = kubernetesVersion },
            ["paths"] = paths,
            ["components"] = new JsonObject { ["schemas"] = schemas },
        };
    }

    /// <summary>A custom resource's schema name as the API server publishes it: the group reversed, the version, the kind (<c>aws.k8s.vpcresources.v1beta1.SecurityGroupPolicy</c>).</summary>
    private static string SchemaName(KubeResource resource)
        => $"{string.Join('.', resource.Group.Split('.').Reverse())}.{resource.Version}.{resource.Kind}";
}
