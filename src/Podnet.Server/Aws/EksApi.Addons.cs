using System.Text.Json.Nodes;
using Podnet.Aws;
using Podnet.Aws.Eks;

namespace Podnet.Server.Aws;

/// <summary>
/// EKS add-ons over rest-json (botocore data/eks/2017-11-01/service-2.json): <c>POST /clusters/{name}/addons</c>
/// (CreateAddon), <c>GET /clusters/{name}/addons</c> (ListAddons), <c>GET /clusters/{name}/addons/{addonName}</c>
/// (DescribeAddon), <c>POST /clusters/{name}/addons/{addonName}/update</c> (UpdateAddon),
/// <c>DELETE /clusters/{name}/addons/{addonName}?preserve=</c> (DeleteAddon), <c>GET /clusters/{name}/updates?addonName=|nodegroupName=</c>
/// (ListUpdates), <c>GET /clusters/{name}/updates/{updateId}?addonName=|nodegroupName=</c>
/// (DescribeUpdate), <c>GET /addons/supported-versions</c> (DescribeAddonVersions) and
/// <c>GET /addons/configuration-schemas</c> (DescribeAddonConfiguration). Creates, updates and deletes run under the
/// served cluster's gate and change the cluster through EKS's add-on manager, so its controllers roll the change out.
/// Querystring members arrive as members of <c>body</c> (see <see cref="AwsApiServer"/>).
/// </summary>
public sealed partial class EksApi
{
    private (string Operation, JsonObject Body) Addons(EksBackend eks, string method, string[] segments, JsonObject? body)
    {
        string? Member(string name) => body?[name] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
        return (method, segments) switch
        {
            ("POST", ["clusters", var name, "addons"]) => ("CreateAddon", _cluster.Write(() => new JsonObject { ["addon"] = Addon(eks.CreateAddon(CreateAddonRequestOf(name, body ?? []))) })),
            ("GET", ["clusters", var name, "addons"]) => ("ListAddons", _cluster.Read(() => new JsonObject { ["addons"] = Strings(eks.ListAddons(name)) })),
            ("GET", ["clusters", var name, "addons", var addon]) => ("DescribeAddon", _cluster.Read(() => new JsonObject { ["addon"] = Addon(eks.DescribeAddon(name, addon)) })),
            ("POST", ["clusters", var name, "addons", var addon, "update"]) => ("UpdateAddon", _cluster.Write(() => new JsonObject
            {
                ["update"] = Update(eks.UpdateAddon(new UpdateAddonRequest(name, addon, Member("addonVersion"), Member("serviceAccountRoleArn"), Member("resolveConflicts"), Member("configurationValues")))),
            })),
            ("DELETE", ["clusters", var name, "addons", var addon]) => ("DeleteAddon", _cluster.Write(() => new JsonObject
            {
                ["addon"] = Addon(eks.DeleteAddon(name, addon, string.Equals(Member("preserve"), "true", StringComparison.OrdinalIgnoreCase))),
            })),
            ("GET", ["clusters", var name, "updates"]) => ("ListUpdates", _cluster.Read(() => Page("updateIds", eks.ListUpdates(name, Member("nodegroupName"), Member("addonName")), Member("maxResults"), Member("nextToken")))),
            ("GET", ["clusters", var name, "updates", var id]) => ("DescribeUpdate", _cluster.Read(() => new JsonObject { ["update"] = Update(eks.DescribeUpdate(name, id, Member("addonName"), Member("nodegroupName"))) })),
            ("GET", ["addons", "supported-versions"]) => ("DescribeAddonVersions", new JsonObject
            {
                ["addons"] = new JsonArray([.. EksBackend.DescribeAddonVersions(Member("addonName"), Member("kubernetesVersion"))
                    .Where(a => Allows(Member("types"), a.Type) && Allows(Member("publishers"), a.Publisher) && Allows(Member("owners"), a.Owner))
                    .Select(a => (JsonNode)AddonInfo(a))]),
            }),
            ("GET", ["addons", "configuration-schemas"]) => ("DescribeAddonConfiguration", DescribeAddonConfiguration(
                Member("addonName") ?? throw Missing("addonName"),
                Member("addonVersion") ?? throw Missing("addonVersion"))),
            _ => throw new AwsException("UnknownOperationException", $"Podnet's EKS does not serve {method} /{string.Join('/', segments)} (for add-ons it serves CreateAddon, ListAddons, DescribeAddon, UpdateAddon, DeleteAddon, DescribeUpdate, DescribeAddonVersions, DescribeAddonConfiguration).", 404),
        };

        static AwsException Missing(string member) => new("InvalidParameterException", $"{member} is required", 400);

        // A list filter (types=a&types=b arrives joined by commas); none given allows everything.
        static bool Allows(string? filter, string value) => filter is null || filter.Split(',').Contains(value, StringComparer.Ordinal);
    }

    /// <summary>
    /// An <c>Addon</c> in rest-json: camelCase members, <c>createdAt</c> and <c>modifiedAt</c> in epoch seconds,
    /// <c>serviceAccountRoleArn</c> and <c>configurationValues</c> only when set.
    /// </summary>
    public static JsonObject Addon(Addon addon)
    {
        ArgumentNullException.ThrowIfNull(addon);
        var json = new JsonObject
        {
            ["addonName"] = addon.AddonName,
            ["clusterName"] = addon.ClusterName,
            ["status"] = addon.Status,
            ["addonVersion"] = addon.AddonVersion,
            ["health"] = new JsonObject
            {
                ["issues"] = new JsonArray([.. addon.Health.Issues.Select(i => (JsonNode)new JsonObject { ["code"] = i.Code, ["message"] = i.Message, ["resourceIds"] = Strings(i.ResourceIds) })]),
            },
            ["addonArn"] = addon.AddonArn,
            ["createdAt"] = addon.CreatedAt.ToUnixTimeMilliseconds() / 1000.0,
            ["modifiedAt"] = addon.ModifiedAt.ToUnixTimeMilliseconds() / 1000.0,
        };
        if (addon.ServiceAccountRoleArn is { } role)
        {
            json["serviceAccountRoleArn"] = role;
        }

        json["tags"] = Map(addon.Tags);
        if (addon.ConfigurationValues is { } values)
        {
            json["configurationValues"] = values;
        }

        return json;
    }

    /// <summary>An <c>Update</c> in rest-json (<c>errors</c> as <c>ErrorDetail</c>s).</summary>
    public static JsonObject Update(Update update)
    {
        ArgumentNullException.ThrowIfNull(update);
        return new JsonObject
        {
            ["id"] = update.Id,
            ["status"] = update.Status,
            ["type"] = update.Type,
            ["params"] = new JsonArray([.. update.Params.Select(p => (JsonNode)new JsonObject { ["type"] = p.Type, ["value"] = p.Value })]),
            ["createdAt"] = update.CreatedAt.ToUnixTimeMilliseconds() / 1000.0,
            ["errors"] = new JsonArray([.. update.Errors.Select(e => (JsonNode)new JsonObject { ["errorCode"] = e.ErrorCode, ["errorMessage"] = e.ErrorMessage, ["resourceIds"] = Strings(e.ResourceIds) })]),
        };
    }

    /// <summary>An <c>AddonInfo</c> in rest-json, its versions with their <c>compatibilities</c>.</summary>
    public static JsonObject AddonInfo(AddonInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        return new JsonObject
        {
            ["addonName"] = info.AddonName,
            ["type"] = info.Type,
            ["addonVersions"] = new JsonArray([.. info.AddonVersions.Select(v => (JsonNode)new JsonObject
            {
                ["addonVersion"] = v.AddonVersion,
                ["architecture"] = Strings(v.Architecture),
                ["compatibilities"] = new JsonArray([.. v.Compatibilities.Select(c => (JsonNode)new JsonObject
                {
                    ["clusterVersion"] = c.ClusterVersion,
                    ["platformVersions"] = Strings(c.PlatformVersions),
                    ["defaultVersion"] = c.DefaultVersion,
                })]),
                ["requiresConfiguration"] = v.RequiresConfiguration,
            })]),
            ["publisher"] = info.Publisher,
            ["owner"] = info.Owner,
        };
    }

    /// <summary>DescribeAddonConfiguration's answer: the add-on, the version and its schema as JSON text.</summary>
    private static JsonObject DescribeAddonConfiguration(string addonName, string addonVersion) => new()
    {
        ["addonName"] = addonName,
        ["addonVersion"] = addonVersion,
        ["configurationSchema"] = EksBackend.DescribeAddonConfiguration(addonName, addonVersion),
    };

    /// <summary>CreateAddon's body (<c>aws eks create-addon</c>): camelCase members of <c>CreateAddonRequest</c>.</summary>
    public static CreateAddonRequest CreateAddonRequestOf(string clusterName, JsonObject body)
    {
        ArgumentNullException.ThrowIfNull(body);
        string? Member(string name) => body[name] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
        return new CreateAddonRequest(
            clusterName,
            Member("addonName") ?? throw new AwsException("InvalidParameterException", "addonName is required", 400),
            Member("addonVersion"),
            Member("serviceAccountRoleArn"),
            Member("resolveConflicts"),
            Member("configurationValues"),
            RestJsonMembers.StringMap(body["tags"]));
    }
}
