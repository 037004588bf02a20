using System.Text.Json.Nodes;
using Podnet.Aws.Eks;

namespace Podnet.World;

/// <summary>
/// A NodeGroup's <c>Instances</c>: the instances it runs already, in the fields of <c>aws ec2 describe-instances</c>
/// (a snapshot of a real node group keeps them, so its nodes keep their names and addresses):
/// <code>
/// Instances:
///   - {InstanceId: i-0a1b…, PrivateIpAddress: 10.0.1.23, SubnetId: subnet-… | a Subnet's name,
///      InstanceType: m5.large, NetworkInterfaceId: eni-…, MacAddress: 02:…}   # the last three optional
/// </code>
/// They are launched before any other instance of the group; <c>DesiredSize</c> defaults to their number.
/// </summary>
internal static class NodeGroupInstances
{
    /// <summary>The instances of <paramref name="doc"/>'s <c>spec.Instances</c>; none when it has none.</summary>
    /// <param name="resolveSubnet">A subnet's name or ID to its ID.</param>
    /// <exception cref="WorldException">An entry is not a map, or lacks InstanceId, PrivateIpAddress or SubnetId.</exception>
    public static IReadOnlyList<ExistingInstance> Read(WorldDocument doc, Func<string, string> resolveSubnet)
    {
        if (DocumentFields.Spec(doc)["Instances"] is not { } node)
        {
            return [];
        }

        if (node is not JsonArray list)
        {
            throw doc.Error("spec.Instances", "must be a list of {InstanceId, PrivateIpAddress, SubnetId}");
        }

        return [.. list.Select((item, i) =>
        {
            var path = $"spec.Instances[{i}]";
            if (item is not JsonObject entry)
            {
                throw doc.Error(path, "must be a map with InstanceId, PrivateIpAddress and SubnetId");
            }

            string Required(string field) => DocumentFields.StringAt(doc, entry[field], $"{path}.{field}") is { Length: > 0 } value ? value : throw doc.Error($"{path}.{field}", "Required value");
            string? Optional(string field) => DocumentFields.StringAt(doc, entry[field], $"{path}.{field}");
            return new ExistingInstance(
                Required("InstanceId"),
                Required("PrivateIpAddress"),
                resolveSubnet(Required("SubnetId")),
                Optional("InstanceType"),
                Optional("NetworkInterfaceId"),
                Optional("MacAddress"));
        })];
    }
}
