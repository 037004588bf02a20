using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Podnet.Kube.Serialization;

namespace Podnet.Cli.Output;

/// <summary>JSON as the aws CLI prints it: PascalCase keys, absent values left out, four-space indents.</summary>
public static class AwsJson
{
    public static JsonSerializerOptions Options { get; } = new()
    {
        WriteIndented = true,
        IndentSize = 4,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,

        // A world's objects are printed whole (a v1 List around them adds a few levels).
        MaxDepth = YamlManifests.MaxDepth + 16,
    };

    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Options) + "\n";
}
