using System.Text.Json;
using System.Text.Json.Nodes;

namespace Podnet.Cli.Output;

/// <summary>
/// <c>podnet run -o json</c>: every Kubernetes object as a v1 List (as <c>kubectl get -o json</c> prints lists) and
/// the EC2 resources in the shapes of <c>aws ec2 describe-*</c>.
/// </summary>
public static class WorldJson
{
    public static string Render(Podnet.World.World world)
    {
        var items = new JsonArray([.. world.ControlPlane.Store.All()
            .OrderBy(o => o.ApiVersion, StringComparer.Ordinal)
            .ThenBy(o => o.Kind, StringComparer.Ordinal)
            .ThenBy(o => o.Namespace, StringComparer.Ordinal)
            .ThenBy(o => o.Name, StringComparer.Ordinal)
            .Select(o => (JsonNode)o.ToJson())]);
        var kubernetes = new JsonObject
        {
            ["apiVersion"] = "v1",
            ["items"] = items,
            ["kind"] = "List",
            ["metadata"] = new JsonObject { ["resourceVersion"] = string.Empty },
        };

        var ec2 = new JsonObject();
        if (world.Cloud is { } cloud)
        {
            var backend = cloud.Ec2View;
            ec2["Vpcs"] = Node(backend.DescribeVpcs());
            ec2["Subnets"] = Node(backend.DescribeSubnets());
            ec2["SecurityGroups"] = Node(backend.DescribeSecurityGroups());
            ec2["NetworkInterfaces"] = Node(backend.DescribeNetworkInterfaces());
            ec2["Instances"] = Node(backend.DescribeInstances().SelectMany(r => r.Instances).ToList());
            ec2["TrunkInterfaceAssociations"] = Node(backend.DescribeTrunkInterfaceAssociations());
        }
        else
        {
            foreach (var key in new[] { "Vpcs", "Subnets", "SecurityGroups", "NetworkInterfaces", "Instances" })
            {
                ec2[key] = new JsonArray();
            }
        }

        var result = new JsonObject { ["kubernetes"] = kubernetes, ["ec2"] = ec2 };
        return result.ToJsonString(AwsJson.Options) + "\n";
    }

    private static JsonNode? Node<T>(T value) => JsonSerializer.SerializeToNode(value, AwsJson.Options);
}
