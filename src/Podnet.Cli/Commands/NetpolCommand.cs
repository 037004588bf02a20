using System.CommandLine;
using System.Text;
using System.Text.Json.Nodes;
using Podnet.Kube.Api;
using Podnet.Kube.Serialization;
using Podnet.Kube.Validation;
using Podnet.Policy.NetworkPolicies;
using Podnet.World;

namespace Podnet.Cli.Commands;

/// <summary>
/// <c>podnet netpol egress-for PATH</c>: the egress NetworkPolicies that mirror the ingress NetworkPolicies of a YAML
/// file or a directory of them (seed 004), as multi-document YAML; what cannot be mirrored is said in <c>#</c>
/// comments at the top, so the output stays valid YAML for <c>kubectl apply -f -</c>.
/// </summary>
public static class NetpolCommand
{
    private static readonly KubeResource NetworkPolicies = new KubeResources().Find("networking.k8s.io/v1", "NetworkPolicy")!;

    public static Command Create(TextWriter output, TextWriter error)
    {
        var path = new Argument<string>("path") { Description = "A YAML file or a directory of YAML files holding ingress NetworkPolicies (other kinds are skipped)" };
        var egressFor = new Command("egress-for", "Generate the egress NetworkPolicies that let out the traffic the given ingress NetworkPolicies let in") { path };
        egressFor.SetAction(parse => ExecuteEgressFor(parse.GetValue(path)!, output, error));
        return new Command("netpol", "NetworkPolicy tools") { egressFor };
    }

    public static int ExecuteEgressFor(string path, TextWriter output, TextWriter error)
    {
        var policies = new List<KubeObject>();
        try
        {
            foreach (var source in WorldFiles.Read(path))
            {
                foreach (var document in YamlManifests.Parse(source.Text, source.Name))
                {
                    foreach (var item in Items(document.Content))
                    {
                        if (String(item, "apiVersion") == "networking.k8s.io/v1" && String(item, "kind") == "NetworkPolicy")
                        {
                            // An invalid policy would be copied into output that looks appliable: refuse it as the API server would.
                            var where = new WorldDocument(source.Name, document.Index, document.Line, item);
                            if (KindStrategies.Check(NetworkPolicies, item, where.Name, new ValidationOptions(Lenient: false)) is { } invalid)
                            {
                                throw new WorldException($"{where.Where}: {invalid.KubectlText}", invalid);
                            }

                            policies.Add(KubeObject.From(item));
                        }
                    }
                }
            }
        }
        catch (Exception e) when (e is WorldException or ManifestSyntaxException or IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"error: {e.Message}");
            return PodnetCommand.ErrorExitCode;
        }

        if (policies.Count == 0)
        {
            error.WriteLine($"error: {path}: no networking.k8s.io/v1 NetworkPolicy found");
            return PodnetCommand.ErrorExitCode;
        }

        var generation = EgressPolicyGenerator.Generate(policies);
        var text = new StringBuilder();
        text.Append($"# Egress NetworkPolicies mirroring the ingress NetworkPolicies of {path}: {generation.Generated.Count} generated.\n");
        if (generation.Notes.Count > 0)
        {
            text.Append("# Not mirrored:\n");
            foreach (var note in generation.Notes)
            {
                text.Append($"#   {note.ToString().ReplaceLineEndings(" ")}\n");
            }
        }

        for (var i = 0; i < generation.Generated.Count; i++)
        {
            var generated = generation.Generated[i];
            if (i > 0)
            {
                text.Append("---\n");
            }

            text.Append($"# egress for ingress policy {generated.MirroredPolicy}\n");
            text.Append(YamlManifests.ToYaml(generated.Policy.ToJson()));
        }

        output.Write(text.ToString());
        return ExitCodes.Ok;
    }

    /// <summary>The objects of a document: the document itself, or the items of a <c>kind: List</c> (as <c>kubectl get -o yaml</c> writes).</summary>
    private static IEnumerable<JsonObject> Items(JsonNode? content)
    {
        if (content is not JsonObject obj)
        {
            yield break;
        }

        if (String(obj, "kind") == "List" && obj["items"] is JsonArray items)
        {
            foreach (var item in items.OfType<JsonObject>())
            {
                yield return item;
            }

            yield break;
        }

        yield return obj;
    }

    private static string? String(JsonObject obj, string field) => obj[field] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
}
