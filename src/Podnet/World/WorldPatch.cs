using System.Text.Json.Nodes;
using Podnet.Kube.Admission;
using Podnet.Kube.Api;
using Podnet.Kube.Serialization;
using Podnet.Kube.Store;

namespace Podnet.World;

/// <summary>
/// A world's <c>Patch</c> document (<c>podnet.dev/v1alpha1</c>): a <c>kubectl patch</c> of an object that exists once
/// the world's objects and the EKS add-ons are in the cluster, sent as kubectl sends it — for the seeds'
/// <c>kubectl patch daemonset aws-node -n kube-system -p '{"spec": …}'</c> step. The shape:
/// <code>
/// apiVersion: podnet.dev/v1alpha1
/// kind: Patch
/// metadata: {name: disable-tcp-early-demux}
/// spec:
///   target: {apiVersion: apps/v1, kind: DaemonSet, namespace: kube-system, name: aws-node}
///   type: strategic            # kubectl patch --type: strategic (default), merge or json
///   patch: '{"spec": {"template": …}}'   # -p: JSON or YAML text, or the patch written as YAML (a list for json)
/// </code>
/// Patches run in the order of the world's documents, each followed by the cluster settling (a patched DaemonSet
/// template rolls its pods, as on EKS). The API server's answers are kubectl's: a missing target is
/// <c>Error from server (NotFound)</c>, a strategic merge patch of a custom resource is refused with the media types
/// it accepts, an invalid result is the kind's validation error.
/// </summary>
internal static class WorldPatch
{
    public const string ApiVersion = "podnet.dev/v1alpha1";

    public const string Kind = "Patch";

    /// <summary>kubectl patch's <c>--type</c> values, as its flag help lists them.</summary>
    private static readonly Dictionary<string, PatchType> Types = new(StringComparer.Ordinal)
    {
        ["json"] = PatchType.Json,
        ["merge"] = PatchType.Merge,
        ["strategic"] = PatchType.StrategicMerge,
    };

    public static bool Is(WorldDocument doc) => doc.ApiVersion == ApiVersion && doc.Kind == Kind;

    /// <summary>Applies <paramref name="doc"/> to the world's cluster and settles it.</summary>
    /// <exception cref="WorldException">A field is missing or malformed, or the API server refuses the patch.</exception>
    public static void Apply(World world, WorldDocument doc)
    {
        var spec = doc.Content["spec"] as JsonObject ?? throw doc.Error("spec", "Required value: target and patch");
        var target = spec["target"] as JsonObject ?? throw doc.Error("spec.target", "Required value: {apiVersion, kind, namespace, name} of the object to patch");
        var apiVersion = Text(doc, target, "spec.target.apiVersion") ?? "v1";
        var kind = Text(doc, target, "spec.target.kind") ?? throw doc.Error("spec.target.kind", "Required value");
        var name = Text(doc, target, "spec.target.name") ?? throw doc.Error("spec.target.name", "Required value");
        var typeText = Text(doc, spec, "spec.type") ?? "strategic";
        if (!Types.TryGetValue(typeText, out var type))
        {
            // kubectl's own check of --type, before it sends anything.
            throw doc.Error("spec.type", $"--type must be one of [{string.Join(" ", Types.Keys)}], not \"{typeText}\"");
        }

        var patch = spec["patch"] switch
        {
            null => throw doc.Error("spec.patch", "Required value: the patch, as kubectl patch -p takes it"),
            JsonValue v when v.TryGetValue<string>(out var text) => Parse(doc, text),
            var node => node.DeepClone(),
        };

        var store = world.ControlPlane.Store;
        var resource = store.Resources.Find(apiVersion, kind)
                       ?? throw new WorldException($"{doc.Where}: spec.target: the server doesn't have a resource type \"{kind}\" in version \"{apiVersion}\"");
        var ns = resource.Namespaced ? Text(doc, target, "spec.target.namespace") ?? "default" : null;
        try
        {
            store.Patch(resource, ns, name, type, patch, new RequestContext(ObjectValidation.WorldLoaderUser));
        }
        catch (KubeException e)
        {
            throw new WorldException($"{doc.Where}: {e.KubectlText}", e);
        }

        world.Settle();
    }

    /// <summary>The patch text as kubectl reads <c>-p</c>: JSON, or YAML converted to JSON.</summary>
    private static JsonNode Parse(WorldDocument doc, string text)
    {
        try
        {
            return YamlManifests.ParseSingle(text, doc.Source) ?? throw doc.Error("spec.patch", "Required value: the patch is empty");
        }
        catch (ManifestSyntaxException e)
        {
            throw doc.Error("spec.patch", $"unable to parse \"{text}\": {e.Message}");
        }
    }

    private static string? Text(WorldDocument doc, JsonObject obj, string field)
        => obj[field[(field.LastIndexOf('.') + 1)..]] switch
        {
            null => null,
            JsonValue v when v.TryGetValue<string>(out var s) && s.Length > 0 => s,
            _ => throw doc.Error(field, "must be a non-empty string"),
        };
}
