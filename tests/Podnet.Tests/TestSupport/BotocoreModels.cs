using System.IO.Compression;
using System.Text.Json.Nodes;

namespace Podnet.Tests.TestSupport;

/// <summary>
/// The AWS service models of the botocore installed on this machine (<c>data/&lt;service&gt;/&lt;version&gt;/service-2.json.gz</c>),
/// the arbiter of wire names: tests check every element and parameter name Podnet's AWS API uses against them.
/// Found through <c>python3 -c 'import botocore'</c>; a machine without it fails the test naming it.
/// </summary>
public static class BotocoreModels
{
    private static readonly Lazy<string> Data = new(() =>
    {
        var python = ExternalProgram.Require("python3", "python3 with botocore (the machine image's pip awscli 1.45.11 brings botocore 1.43.11)");
        var (exit, output, error) = ExternalProgram.Run(python, ["-c", "import botocore, os; print(os.path.dirname(botocore.__file__))"], TimeSpan.FromSeconds(30));
        Assert.True(exit == 0, $"botocore is not installed for python3, and this test checks names against its service models: install the machine image's aws CLI v1 (pip awscli, which brings botocore). {error}");
        return Path.Combine(output.Trim(), "data");
    });

    private static readonly Dictionary<string, JsonObject> Loaded = new(StringComparer.Ordinal);

    /// <summary>The model of <paramref name="service"/> (<c>ec2</c>, <c>iam</c>, <c>sts</c>, <c>eks</c>), its newest API version.</summary>
    public static JsonObject Load(string service)
    {
        lock (Loaded)
        {
            if (!Loaded.TryGetValue(service, out var model))
            {
                var version = Directory.GetDirectories(Path.Combine(Data.Value, service)).Order(StringComparer.Ordinal).Last();
                using var file = File.OpenRead(Path.Combine(version, "service-2.json.gz"));
                using var gzip = new GZipStream(file, CompressionMode.Decompress);
                model = JsonNode.Parse(gzip)!.AsObject();
                Loaded.Add(service, model);
            }

            return model;
        }
    }
}
