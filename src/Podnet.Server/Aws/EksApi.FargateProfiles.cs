using System.Text.Json.Nodes;
using Podnet.Aws;
using Podnet.Aws.Eks;

namespace Podnet.Server.Aws;

/// <summary>
/// Fargate profiles over rest-json (botocore's eks model): <c>POST /clusters/{name}/fargate-profiles</c>
/// (CreateFargateProfile: CREATING, then ACTIVE), <c>GET /clusters/{name}/fargate-profiles</c> (ListFargateProfiles),
/// <c>GET</c> and <c>DELETE /clusters/{name}/fargate-profiles/{fargateProfileName}</c> (DescribeFargateProfile,
/// DeleteFargateProfile). Pods created once a profile is ACTIVE run on Fargate.
/// </summary>
public sealed partial class EksApi
{
    private (string Operation, JsonObject Body) FargateProfiles(EksBackend eks, string method, string[] segments, JsonObject? body)
        => (method, segments) switch
        {
            ("POST", ["clusters", var name, "fargate-profiles"]) => ("CreateFargateProfile", _cluster.Write(() => new JsonObject { ["fargateProfile"] = FargateProfile(eks.CreateFargateProfile(CreateFargateProfileRequestOf(name, body ?? []))) })),
            ("GET", ["clusters", var name, "fargate-profiles"]) => ("ListFargateProfiles", _cluster.Read(() => new JsonObject { ["fargateProfileNames"] = Strings(eks.ListFargateProfiles(name)) })),
            ("GET", ["clusters", var name, "fargate-profiles", var profile]) => ("DescribeFargateProfile", _cluster.Read(() => new JsonObject { ["fargateProfile"] = FargateProfile(eks.DescribeFargateProfile(name, profile)) })),
            ("DELETE", ["clusters", var name, "fargate-profiles", var profile]) => ("DeleteFargateProfile", _cluster.Write(() => new JsonObject { ["fargateProfile"] = FargateProfile(eks.DeleteFargateProfile(name, profile)) })),
            _ => throw new AwsException("UnknownOperationException", $"Podnet's EKS does not serve {method} /{string.Join('/', segments)}.", 404),
        };

    /// <summary>A <c>FargateProfile</c> in rest-json: camelCase members, <c>createdAt</c> in epoch seconds.</summary>
    public static JsonObject FargateProfile(FargateProfile profile)
    {
        ArgumentNullException.ThrowIfNull(profile);
        return new JsonObject
        {
            ["fargateProfileName"] = profile.FargateProfileName,
            ["fargateProfileArn"] = profile.FargateProfileArn,
            ["clusterName"] = profile.ClusterName,
            ["createdAt"] = profile.CreatedAt.ToUnixTimeMilliseconds() / 1000.0,
            ["podExecutionRoleArn"] = profile.PodExecutionRoleArn,
            ["subnets"] = Strings(profile.Subnets),
            ["selectors"] = new JsonArray([.. profile.Selectors.Select(s => (JsonNode)new JsonObject { ["namespace"] = s.Namespace, ["labels"] = Map(s.Labels) })]),
            ["status"] = profile.Status,
            ["tags"] = Map(profile.Tags),
        };
    }

    /// <summary>CreateFargateProfile's body (<c>aws eks create-fargate-profile</c>): camelCase members of <c>CreateFargateProfileRequest</c>.</summary>
    /// <exception cref="AwsException"><c>InvalidParameterException</c> for a missing required member.</exception>
    public static CreateFargateProfileRequest CreateFargateProfileRequestOf(string clusterName, JsonObject body)
    {
        ArgumentNullException.ThrowIfNull(body);
        static AwsException Missing(string member) => new("InvalidParameterException", $"{member} is required", 400);
        static IReadOnlyDictionary<string, string> Labels(JsonNode? node) => RestJsonMembers.StringMap(node) ?? new Dictionary<string, string>();
        var selectors = RestJsonMembers.Objects(body["selectors"])?
            .Select(s => new FargateProfileSelector(RestJsonMembers.String(s["namespace"]) ?? string.Empty, Labels(s["labels"])))
            .ToList() ?? [];
        return new CreateFargateProfileRequest(
            RestJsonMembers.String(body["fargateProfileName"]) ?? throw Missing("fargateProfileName"),
            clusterName,
            RestJsonMembers.String(body["podExecutionRoleArn"]) ?? throw Missing("podExecutionRoleArn"),
            RestJsonMembers.Strings(body["subnets"]) ?? [],
            selectors,
            RestJsonMembers.StringMap(body["tags"]));
    }
}
