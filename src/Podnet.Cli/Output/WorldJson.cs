using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Podnet.Cli.Output;

/// <summary>
/// <c>podnet run -o json</c>: every Kubernetes object as a v1 List (as <c>kubectl get -o json</c> prints lists) and
/// the EC2 resources in the shapes of <c>aws ec2 describe-*</c>.
/// </summary>
public static class WorldJson
{
    /// <summary>Text written out to <c>output</c> whenever this much is buffered.</summary>
    private const int FlushBytes = 1 << 20;

    /// <summary>The document as one string (<see cref="Write"/> into a string).</summary>
    public static string Render(Podnet.World.World world)
    {
        using var text = new StringWriter(System.Globalization.CultureInfo.InvariantCulture);
        Write(world, text);
        return text.ToString();
    }

    /// <summary>
    /// Writes the document to <paramref name="output"/> object by object, as it is made: at 10,000 pods the whole of
    /// it built first as one tree (a copy of every object) and then as one string took two gigabytes.
    /// </summary>
    public static void Write(Podnet.World.World world, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(world);
        ArgumentNullException.ThrowIfNull(output);
        var options = AwsJson.Options;
        var buffer = new ArrayBufferWriter<byte>();
        using var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions
        {
            Indented = options.WriteIndented,
            IndentSize = options.IndentSize,
            IndentCharacter = options.IndentCharacter,
            NewLine = options.NewLine,
            Encoder = options.Encoder,
            MaxDepth = options.MaxDepth,
        });

        void Drain(bool always)
        {
            writer.Flush();
            if (always || buffer.WrittenCount >= FlushBytes)
            {
                output.Write(Encoding.UTF8.GetString(buffer.WrittenSpan));
                buffer.Clear();
            }
        }

        writer.WriteStartObject();
        writer.WriteStartObject("kubernetes");
        writer.WriteString("apiVersion", "v1");
        writer.WriteStartArray("items");
        foreach (var obj in world.ControlPlane.Store.All()
                     .OrderBy(o => o.ApiVersion, StringComparer.Ordinal)
                     .ThenBy(o => o.Kind, StringComparer.Ordinal)
                     .ThenBy(o => o.Namespace, StringComparer.Ordinal)
                     .ThenBy(o => o.Name, StringComparer.Ordinal))
        {
            obj.ToJson().WriteTo(writer, options);
            Drain(always: false);
        }

        writer.WriteEndArray();
        writer.WriteString("kind", "List");
        writer.WriteStartObject("metadata");
        writer.WriteString("resourceVersion", string.Empty);
        writer.WriteEndObject();
        writer.WriteEndObject();

        writer.WritePropertyName("ec2");
        Ec2(world).WriteTo(writer, options);
        writer.WriteEndObject();
        Drain(always: true);
        output.Write('\n');
    }

    /// <summary>The EC2 resources in the shapes of <c>aws ec2 describe-*</c>.</summary>
    private static JsonObject Ec2(Podnet.World.World world)
    {
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

        return ec2;
    }

    private static JsonNode? Node<T>(T value) => JsonSerializer.SerializeToNode(value, AwsJson.Options);
}
