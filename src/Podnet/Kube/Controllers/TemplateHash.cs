using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Podnet.Kube.Store;

namespace Podnet.Kube.Controllers;

/// <summary>
/// The pod-template-hash / controller-revision-hash: FNV-32a over the template, its decimal form mapped through
/// apimachinery's SafeEncodeString, which is why hashes look like <c>5df6f7687b</c>. Kubernetes hashes the Go
/// struct; Podnet hashes the canonical JSON, so values differ from a real cluster's but have the same shape and
/// change exactly when the template does.
/// </summary>
public static class TemplateHash
{
    public static string Of(JsonNode? template, int collisionCount = 0)
    {
        var canonical = Canonical(template) + (collisionCount == 0 ? string.Empty : collisionCount.ToString(CultureInfo.InvariantCulture));
        var hash = 2166136261u;
        foreach (var b in Encoding.UTF8.GetBytes(canonical))
        {
            hash ^= b;
            hash *= 16777619u;
        }

        return NameGenerator.SafeEncode(hash.ToString(CultureInfo.InvariantCulture));
    }

    private static string Canonical(JsonNode? node) => node switch
    {
        // A null field is the Go struct's zero value, the same as an absent one (kubectl rollout undo sends the
        // template with "creationTimestamp": null): both hash alike, so undo finds the old ReplicaSet again.
        JsonObject o => "{" + string.Join(",", o.Where(p => p.Value is not null).OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"\"{p.Key}\":{Canonical(p.Value)}")) + "}",
        JsonArray a => "[" + string.Join(",", a.Select(Canonical)) + "]",
        null => "null",
        _ => node.ToJsonString(),
    };
}
